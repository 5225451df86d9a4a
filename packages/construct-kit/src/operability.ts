/**
 * What tells an operator a step is unhealthy: the alarms every step ships on its `live` alias and
 * the dashboard widgets it contributes to the workflow's dashboard. One implementation for the
 * three steps, so thresholds and widget layout change in one place.
 */
import { Duration, Fn, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** Thresholds of {@link StepAlarms}; every alarm treats missing data (no traffic) as OK. */
export interface StepAlarmsOptions {
  /**
   * Alarm when more than this percentage of the alias's invocations fail, in each of
   * `evaluationPeriods` consecutive 5-minute periods. A step's domain errors (`OutOfStock`,
   * `PaymentDeclined`, ...) are Lambda errors too, so this is a rate, not a count: a normal day of
   * declines must not page anyone. Between 0 and 100.
   * @default 10
   */
  readonly errorRatePercent?: number;
  /**
   * Alarm when the alias is throttled at least this many times in one 5-minute period
   * (throttled invocations are retried by the workflow, but mean the concurrency limit is hit).
   * @default 1
   */
  readonly throttles?: number;
  /**
   * Alarm when the p99 duration of the alias exceeds this in each of `evaluationPeriods`
   * consecutive 5-minute periods: close to the timeout, invocations start timing out.
   * @default - 80% of the function's timeout
   */
  readonly p99Duration?: Duration;
  /**
   * Consecutive 5-minute periods the error-rate and duration alarms need before they fire.
   * @default 3
   */
  readonly evaluationPeriods?: number;
}

/** The step that {@link StepAlarms} and {@link CanaryAlarms} watch. */
export interface StepAlarmTarget {
  /**
   * The step's `live` alias: what the workflow invokes, and so what the alarms watch; its
   * `version` is the version a deployment rolls out, which {@link CanaryAlarms} watches.
   */
  readonly alias: lambda.Alias;
  /** The function's timeout, the base of the default p99 threshold. */
  readonly timeout: Duration;
  /** Names the step in alarm descriptions, e.g. `payment`. */
  readonly step: string;
}

/** Props of {@link StepAlarms}. */
export interface StepAlarmsProps extends StepAlarmsOptions, StepAlarmTarget {}

/** The thresholds of a {@link StepAlarmSet}, defaulted and checked. */
export interface StepAlarmThresholds {
  /** Error rate, in percent. */
  readonly percent: number;
  /** Throttled invocations in one period. */
  readonly throttles: number;
  /** Consecutive periods of the error-rate and duration alarms. */
  readonly periods: number;
  /** p99 duration. */
  readonly p99: Duration;
}

/** What a {@link StepAlarmSet} measures, and how it words each alarm. */
export interface StepAlarmSources {
  /** Period of every metric and evaluation. */
  readonly period: Duration;
  /** `evaluationPeriods` when the options give none. */
  readonly defaultEvaluationPeriods: number;
  /** The Lambda metric (namespace `AWS/Lambda`) named `metricName`, on `period`. */
  readonly metric: (metricName: string, statistic: string) => cloudwatch.Metric;
  /** Label of the error-rate expression. */
  readonly errorRateLabel: string;
  /** Each alarm's description, from the checked thresholds. */
  readonly describe: (thresholds: StepAlarmThresholds) => { readonly errorRate: string; readonly throttles: string; readonly p99Duration: string };
}

/**
 * The three alarms of a step, built one way for {@link StepAlarms} and {@link CanaryAlarms}:
 * error rate (errors over invocations, in percent), throttles of the alias, and p99 duration;
 * every alarm treats missing data (no traffic) as OK and has no actions (the app adds its own
 * with `alarm.addAlarmAction`).
 *
 * @throws Error naming the option when a threshold is out of range
 */
export abstract class StepAlarmSet extends Construct {
  /** Errors / invocations above `errorRatePercent`. */
  public readonly errorRate: cloudwatch.Alarm;
  /** Throttled invocations of the alias at or above `throttles`. */
  public readonly throttles: cloudwatch.Alarm;
  /** p99 duration above `p99Duration`. */
  public readonly p99Duration: cloudwatch.Alarm;

  /**
   * @param props the thresholds (checked first, so a bad option fails before any alarm exists)
   *   and the step
   * @param sources what the subclass measures, and how it words each alarm
   */
  protected constructor(scope: Construct, id: string, props: StepAlarmsOptions & StepAlarmTarget, sources: StepAlarmSources) {
    super(scope, id);
    const thresholds = checkedThresholds(this.node.path, props, sources.defaultEvaluationPeriods);
    const { percent, throttles, periods, p99 } = thresholds;
    const description = sources.describe(thresholds);
    const alarmProps = (alarmDescription: string, threshold: number, comparisonOperator: cloudwatch.ComparisonOperator, evaluationPeriods: number) => ({
      alarmDescription,
      threshold,
      comparisonOperator,
      evaluationPeriods,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.errorRate = new cloudwatch.MathExpression({
      expression: '100 * errors / MAX([errors, invocations])',
      usingMetrics: { errors: sources.metric('Errors', cloudwatch.Stats.SUM), invocations: sources.metric('Invocations', cloudwatch.Stats.SUM) },
      period: sources.period,
      label: sources.errorRateLabel,
    }).createAlarm(this, 'ErrorRate', alarmProps(description.errorRate, percent, cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD, periods));
    // Throttles always on the alias: a throttled invocation never ran a version.
    this.throttles = props.alias
      .metricThrottles({ period: sources.period, statistic: cloudwatch.Stats.SUM })
      .createAlarm(this, 'Throttles', alarmProps(description.throttles, throttles, cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 1));
    this.p99Duration = sources
      .metric('Duration', cloudwatch.Stats.p(99))
      .createAlarm(this, 'P99Duration', alarmProps(description.p99Duration, p99.toMilliseconds(), cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD, periods));
  }

  /** The three alarms. */
  public get alarms(): cloudwatch.Alarm[] {
    return [this.errorRate, this.throttles, this.p99Duration];
  }
}

const PERIOD = Duration.minutes(5);

/**
 * The three alarms of a step on its `live` alias: error rate, throttles and p99 duration of the
 * whole alias, on 5-minute periods.
 *
 * @throws Error naming the option when a threshold is out of range
 */
export class StepAlarms extends StepAlarmSet {
  constructor(scope: Construct, id: string, props: StepAlarmsProps) {
    const where = `the ${props.step} step's live alias`;
    super(scope, id, props, {
      period: PERIOD,
      defaultEvaluationPeriods: 3,
      metric: (metricName, statistic) => props.alias.metric(metricName, { period: PERIOD, statistic }),
      errorRateLabel: `${props.step} error rate (%)`,
      describe: ({ percent, throttles, periods, p99 }) => ({
        errorRate: `More than ${percent}% of invocations of ${where} failed in ${periods} consecutive 5-minute periods (domain errors such as declines count too)`,
        throttles: `${where} was throttled at least ${throttles} time(s) in 5 minutes: its concurrency limit is reached`,
        p99Duration: `p99 duration of ${where} above ${p99.toMilliseconds()} ms (timeout ${props.timeout.toMilliseconds()} ms) in ${periods} consecutive 5-minute periods`,
      }),
    });
  }
}

/** The thresholds of {@link StepAlarmsOptions}, defaulted and checked. */
function checkedThresholds(path: string, props: StepAlarmsOptions & { readonly timeout: Duration }, defaultPeriods: number): StepAlarmThresholds {
  const percent = props.errorRatePercent ?? 10;
  if (!(percent > 0 && percent <= 100)) throw new Error(`${path}: errorRatePercent must be more than 0 and at most 100, got ${percent}`);
  const throttles = props.throttles ?? 1;
  if (!Number.isInteger(throttles) || throttles < 1) throw new Error(`${path}: throttles must be a whole number of at least 1, got ${throttles}`);
  const periods = props.evaluationPeriods ?? defaultPeriods;
  if (!Number.isInteger(periods) || periods < 1) throw new Error(`${path}: evaluationPeriods must be a whole number of at least 1, got ${periods}`);
  const p99 = props.p99Duration ?? Duration.millis(props.timeout.toMilliseconds() * 0.8);
  if (p99.toMilliseconds() <= 0 || p99.toMilliseconds() > props.timeout.toMilliseconds()) {
    throw new Error(`${path}: p99Duration must be more than 0 and at most the function timeout (${props.timeout.toHumanString()}), got ${p99.toHumanString()}`);
  }
  return { percent, throttles, periods, p99 };
}

/** Thresholds of {@link CanaryAlarms}: those of {@link StepAlarmsOptions}, on 1-minute periods. */
export interface CanaryAlarmsOptions {
  /**
   * Alarm when more than this percentage of the new version's invocations fail, in each of
   * `evaluationPeriods` consecutive 1-minute periods (a rate, for the reason given in
   * {@link StepAlarmsOptions.errorRatePercent}). Between 0 and 100.
   * @default 10
   */
  readonly errorRatePercent?: number;
  /**
   * Alarm when the alias is throttled at least this many times in one minute.
   * @default 1
   */
  readonly throttles?: number;
  /**
   * Alarm when the new version's p99 duration exceeds this in each of `evaluationPeriods`
   * consecutive 1-minute periods.
   * @default - 80% of the function's timeout
   */
  readonly p99Duration?: Duration;
  /**
   * Consecutive 1-minute periods the error-rate and duration alarms need before they fire.
   * @default 2
   */
  readonly evaluationPeriods?: number;
}

/** Props of {@link CanaryAlarms}. */
export interface CanaryAlarmsProps extends CanaryAlarmsOptions, StepAlarmTarget {}

const CANARY_PERIOD = Duration.minutes(1);

/**
 * The alarms a step's deployment watches while CodeDeploy shifts its `live` alias to a new
 * version: the error rate and p99 duration of the **new version only**, and throttles of the
 * alias, on 1-minute periods.
 *
 * Why not {@link StepAlarms}: those watch the whole alias over 3 consecutive 5-minute periods.
 * During a 10% canary a new version that fails every call moves the alias's error rate by about
 * 10 points, and the canary is over after 5 minutes, before a 15-minute alarm could fire: the
 * deployment would complete. Lambda reports an alias invocation with the `ExecutedVersion`
 * dimension (the version the alias routed it to; Lambda developer guide, "Types of metrics for
 * Lambda functions" > dimensions), so these alarms see the canary's own traffic. Throttles stay
 * on the alias: a throttled invocation never ran a version.
 *
 * The alarm's `ExecutedVersion` is the alias's version (`Fn::GetAtt <Version>.Version`): a code
 * change publishes a new version, CloudFormation updates these alarms to it, and only then updates
 * the alias (the alias depends on the deployment group, which depends on the alarms), which
 * starts the CodeDeploy deployment.
 *
 * @throws Error naming the option when a threshold is out of range
 */
export class CanaryAlarms extends StepAlarmSet {
  constructor(scope: Construct, id: string, props: CanaryAlarmsProps) {
    const { alias, step } = props;
    const functionName = alias.version.lambda.functionName;
    const versionDimensions = { FunctionName: functionName, Resource: `${functionName}:${alias.aliasName}`, ExecutedVersion: alias.version.version };
    const where = `the version of the ${step} step being deployed`;
    super(scope, id, props, {
      period: CANARY_PERIOD,
      defaultEvaluationPeriods: 2,
      metric: (metricName, statistic) => new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName, dimensionsMap: versionDimensions, statistic, period: CANARY_PERIOD }),
      errorRateLabel: `${step} new version error rate (%)`,
      // The new version's errors, invocations and p99 duration; throttles stay on the alias.
      describe: ({ percent, throttles, periods, p99 }) => ({
        errorRate: `More than ${percent}% of invocations of ${where} failed in ${periods} consecutive minutes: CodeDeploy rolls the live alias back`,
        throttles: `The ${step} step's live alias was throttled at least ${throttles} time(s) in a minute during a deployment: CodeDeploy rolls it back`,
        p99Duration: `p99 duration of ${where} above ${p99.toMilliseconds()} ms in ${periods} consecutive minutes: CodeDeploy rolls the live alias back`,
      }),
    });
  }
}

/**
 * The function name and alias name of an alias, for metric dimensions (`FunctionName`,
 * `Resource` = `<name>:<alias>`, as CloudWatch reports an alias). Works on an alias created here
 * and on one imported from its ARN (`arn:aws:lambda:<region>:<account>:function:<name>:<alias>`,
 * split at deploy), so a stack that only reads the step's published ARN builds the same metrics
 * without referencing the step stack.
 */
export function aliasDimensions(alias: lambda.IFunction): { readonly FunctionName: string; readonly Resource: string } {
  if (alias instanceof lambda.Alias) {
    return { FunctionName: alias.version.lambda.functionName, Resource: `${alias.version.lambda.functionName}:${alias.aliasName}` };
  }
  const arn = alias.functionArn;
  if (!Token.isUnresolved(arn)) {
    const [, , , , , , name, qualifier] = arn.split(':');
    if (!name || !qualifier) throw new Error(`aliasDimensions: '${arn}' is not an alias ARN (arn:aws:lambda:<region>:<account>:function:<name>:<alias>)`);
    return { FunctionName: name, Resource: `${name}:${qualifier}` };
  }
  const name = Fn.select(6, Fn.split(':', arn));
  return { FunctionName: name, Resource: Fn.join(':', [name, Fn.select(7, Fn.split(':', arn))]) };
}

/**
 * A step's dashboard widgets: invocations, errors and throttles of its `live` alias, and its
 * p50/p99 duration.
 * @param title names the step, e.g. `Payment`
 */
export function stepDashboardWidgets(title: string, alias: lambda.IFunction): cloudwatch.IWidget[] {
  const dimensionsMap = aliasDimensions(alias);
  const metric = (metricName: string, statistic: string, label: string) =>
    new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName, dimensionsMap, statistic, period: PERIOD, label });
  return [
    new cloudwatch.GraphWidget({
      title: `${title}: invocations, errors, throttles (live alias)`,
      left: [metric('Invocations', cloudwatch.Stats.SUM, 'invocations'), metric('Errors', cloudwatch.Stats.SUM, 'errors'), metric('Throttles', cloudwatch.Stats.SUM, 'throttles')],
      width: 12,
    }),
    new cloudwatch.GraphWidget({
      title: `${title}: duration p50 / p99 (live alias)`,
      left: [metric('Duration', cloudwatch.Stats.p(50), 'p50'), metric('Duration', cloudwatch.Stats.p(99), 'p99')],
      leftYAxis: { label: 'ms', showUnits: false },
      width: 12,
    }),
  ];
}
