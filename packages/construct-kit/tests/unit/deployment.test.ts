import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { StepDeployment } from '../../src/index.js';

function deployed(options: ConstructorParameters<typeof StepDeployment>[2] extends infer P ? Partial<P> : never = {}) {
  const stack = new Stack(new App(), 'S');
  const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=()=>1') });
  const alias = new lambda.Alias(stack, 'Live', { aliasName: 'live', version: fn.currentVersion });
  const deployment = new StepDeployment(stack, 'Deployment', { alias, timeout: Duration.seconds(10), step: 'payment', ...options });
  return { stack, fn, alias, deployment, template: Template.fromStack(stack) };
}

// CodeDeploy User Guide, "Deployment configurations on an AWS Lambda compute platform" and
// "Monitoring deployments with CloudWatch alarms in CodeDeploy".
describe('StepDeployment', () => {
  it('puts the live alias under a CodeDeploy deployment group: canary 10% for 5 minutes by default, rolled back on alarm, failure or stop', () => {
    const { template, stack, alias } = deployed();
    template.resourceCountIs('AWS::CodeDeploy::Application', 1);
    template.hasResourceProperties('AWS::CodeDeploy::Application', { ComputePlatform: 'Lambda' });
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
      DeploymentStyle: { DeploymentType: 'BLUE_GREEN', DeploymentOption: 'WITH_TRAFFIC_CONTROL' },
      AutoRollbackConfiguration: { Enabled: true, Events: Match.arrayEquals(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST', 'DEPLOYMENT_STOP_ON_ALARM']) },
      AlarmConfiguration: { Enabled: true, Alarms: Match.arrayWith([{ Name: Match.anyValue() }]) },
    });
    // The alias update is what starts the deployment.
    const aliasId = stack.getLogicalId(alias.node.defaultChild as lambda.CfnAlias);
    const updatePolicy = (template.toJSON() as { Resources: Record<string, { UpdatePolicy?: Record<string, unknown> }> }).Resources[aliasId]!.UpdatePolicy;
    expect(updatePolicy).toMatchObject({ CodeDeployLambdaAliasUpdate: { ApplicationName: { Ref: expect.any(String) }, DeploymentGroupName: { Ref: expect.any(String) } } });
    // Updated after the group, whose AlarmConfiguration names the alarms on the new version.
    const groupId = Object.keys(template.findResources('AWS::CodeDeploy::DeploymentGroup'))[0]!;
    expect((template.toJSON() as { Resources: Record<string, { DependsOn?: string[] }> }).Resources[aliasId]!.DependsOn).toContain(groupId);
  });

  it("watches the three canary alarms: the new version's error rate and p99 (ExecutedVersion dimension), the alias's throttles, on 1-minute periods", () => {
    const { template, deployment } = deployed();
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    const group = Object.values(template.findResources('AWS::CodeDeploy::DeploymentGroup'))[0]!;
    const names = (group.Properties as { AlarmConfiguration: { Alarms: { Name: unknown }[] } }).AlarmConfiguration.Alarms.map((a) => a.Name);
    const stack = Stack.of(deployment);
    expect(names).toEqual(deployment.alarms.alarms.map((alarm) => stack.resolve(alarm.alarmName) as unknown));
    const executedVersion = { Name: 'ExecutedVersion', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FnCurrentVersion'), 'Version'] } };
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 10,
      EvaluationPeriods: 2,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: '100 * errors / MAX([errors, invocations])' }),
        Match.objectLike({ Id: 'errors', MetricStat: Match.objectLike({ Period: 60, Stat: 'Sum', Metric: Match.objectLike({ MetricName: 'Errors', Dimensions: Match.arrayWith([executedVersion]) }) }) }),
      ]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Duration', ExtendedStatistic: 'p99', Period: 60, Threshold: 8000, EvaluationPeriods: 2, Dimensions: Match.arrayWith([executedVersion]) });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Throttles',
      Period: 60,
      Threshold: 1,
      EvaluationPeriods: 1,
      Dimensions: Match.not(Match.arrayWith([Match.objectLike({ Name: 'ExecutedVersion' })])),
    });
  });

  it('takes another config and thresholds', () => {
    const { template } = deployed({ config: codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_1MINUTE, alarms: { errorRatePercent: 5, evaluationPeriods: 3 } });
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', { DeploymentConfigName: 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 5, EvaluationPeriods: 3 });
  });

  it('refuses an alarm threshold out of range, naming the option', () => {
    expect(() => deployed({ alarms: { errorRatePercent: 0 } })).toThrow(/Deployment\/Alarms: errorRatePercent must be more than 0 and at most 100, got 0/);
  });
});
