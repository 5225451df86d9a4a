/**
 * Gradual rollout of a step: every code change publishes a new version, and CodeDeploy shifts the
 * step's `live` alias to it in steps, watching the canary alarms, and rolls back on its own. One
 * implementation for the three steps.
 */
import { Validations, type Duration } from 'aws-cdk-lib';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { CanaryAlarms, type CanaryAlarmsOptions } from './operability.js';

/** How a step's new version is rolled out ({@link StepDeployment}). */
export interface StepDeploymentOptions {
  /**
   * How CodeDeploy shifts the `live` alias to a new version: canary, linear or all at once
   * (`codedeploy.LambdaDeploymentConfig.*`, or your own `new codedeploy.LambdaDeploymentConfig`).
   *
   * The default, 10% for 5 minutes then the rest, is the safest of the predefined configurations
   * for a step of an order workflow: at most 10% of orders meet a bad version, and for at most as
   * long as the canary alarms need to see it (two 1-minute periods, {@link CanaryAlarms}), after
   * which CodeDeploy rolls back. A linear config (10% every minute) would reach 30% of the
   * traffic by the time those alarms fire; all at once would send every order to the new version.
   * @default codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES
   */
  readonly config?: codedeploy.ILambdaDeploymentConfig;
  /**
   * Thresholds of the alarms the deployment watches ({@link CanaryAlarms}).
   * @default - more than 10% errors of the new version in 2 consecutive minutes, any throttle of the alias in a minute, the new version's p99 above 80% of the timeout for 2 minutes
   */
  readonly alarms?: CanaryAlarmsOptions;
}

/** Props of {@link StepDeployment}. */
export interface StepDeploymentProps extends StepDeploymentOptions {
  /** The step's `live` alias; its version is the function's `currentVersion`. */
  readonly alias: lambda.Alias;
  /** The function's timeout, the base of the default p99 threshold. */
  readonly timeout: Duration;
  /** Names the step in alarm descriptions, e.g. `payment`. */
  readonly step: string;
}

/**
 * A CodeDeploy `LambdaDeploymentGroup` for a step's `live` alias: a code change publishes a new
 * version (`currentVersion` changes its logical id with the code and configuration), and
 * CloudFormation's update of the alias becomes a CodeDeploy deployment (the alias's
 * `UpdatePolicy.CodeDeployLambdaAliasUpdate`) that shifts traffic as `config` says, watches the
 * {@link CanaryAlarms}, and rolls the alias back to the old version when one of them goes to
 * ALARM or the deployment fails (CodeDeploy User Guide, "Deployment configurations on an AWS
 * Lambda compute platform" and "Monitoring deployments with CloudWatch alarms in CodeDeploy").
 *
 * The deployment group's service role gets the AWS managed policy
 * `AWSCodeDeployRoleForLambdaLimited` from CDK (it cannot be left out); its cdk-nag finding is
 * acknowledged here with what the policy allows.
 *
 * @example
 * this.deployment = new StepDeployment(this, 'Deployment', { ...props.deployment, alias: this.alias, timeout, step: 'payment' });
 * @throws Error naming the option when an alarm threshold is out of range
 */
export class StepDeployment extends Construct {
  /** The deployment group (its application is created with it). */
  public readonly group: codedeploy.LambdaDeploymentGroup;
  /** What the deployment watches: the new version's error rate and p99 duration, the alias's throttles. */
  public readonly alarms: CanaryAlarms;

  constructor(scope: Construct, id: string, props: StepDeploymentProps) {
    super(scope, id);
    this.alarms = new CanaryAlarms(this, 'Alarms', { ...props.alarms, alias: props.alias, timeout: props.timeout, step: props.step });
    this.group = new codedeploy.LambdaDeploymentGroup(this, 'Group', {
      alias: props.alias,
      deploymentConfig: props.config ?? codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
      alarms: this.alarms.alarms,
      autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
    });
    // The alias's UpdatePolicy names the group, but only Properties make implicit dependencies:
    // the group (and, through its AlarmConfiguration, the alarms on the new version) must be
    // updated before the alias update starts the deployment.
    props.alias.node.addDependency(this.group);
    Validations.of(this.group.role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
      reason:
        'AwsSolutions-IAM4: CDK attaches AWSCodeDeployRoleForLambdaLimited to every LambdaDeploymentGroup role; it allows what a Lambda deployment does ' +
        '(cloudwatch:DescribeAlarms, lambda:UpdateAlias/GetAlias/GetProvisionedConcurrencyConfig, sns:Publish, and s3:GetObject on CodeDeploy ' +
        'revision buckets) and is AWS\'s scoped-down variant of AWSCodeDeployRoleForLambda',
    });
  }
}
