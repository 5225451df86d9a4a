/**
 * The parts of the local CodeDeploy that need no running stack: deployment configurations and
 * alarm evaluation. The whole deployment (weighted alias, rollback) runs end to end in
 * apps/order-workflow/tests/e2e/canary-deployment.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { evaluateAlarm, evaluateExpression, parseAlarm } from '../../src/cloudwatch/index.js';
import { trafficRoutingOf, trafficSteps } from '../../src/codedeploy/index.js';
import type { InvocationRecord } from '../../src/lambda/index.js';

// CodeDeploy User Guide, "Deployment configurations on an AWS Lambda compute platform".
describe('deployment configurations', () => {
  it('reads the predefined Lambda configurations: canary, linear, all at once', () => {
    expect(trafficRoutingOf('CodeDeployDefault.LambdaCanary10Percent5Minutes', new Map())).toEqual({ type: 'TimeBasedCanary', percentage: 10, intervalMinutes: 5 });
    expect(trafficRoutingOf('CodeDeployDefault.LambdaLinear10PercentEvery1Minute', new Map())).toEqual({ type: 'TimeBasedLinear', percentage: 10, intervalMinutes: 1 });
    expect(trafficRoutingOf('CodeDeployDefault.LambdaAllAtOnce', new Map())).toEqual({ type: 'AllAtOnce', percentage: 100, intervalMinutes: 0 });
  });

  it('reads a custom AWS::CodeDeploy::DeploymentConfig and refuses an unknown name', () => {
    const customs = new Map([['my-config', { ComputePlatform: 'Lambda', TrafficRoutingConfig: { Type: 'TimeBasedLinear', TimeBasedLinear: { LinearPercentage: 25, LinearInterval: 2 } } }]]);
    expect(trafficRoutingOf('my-config', customs)).toEqual({ type: 'TimeBasedLinear', percentage: 25, intervalMinutes: 2 });
    expect(() => trafficRoutingOf('CodeDeployDefault.OneAtATime', customs)).toThrow(/DeploymentConfigName 'CodeDeployDefault.OneAtATime' is neither/);
  });

  it('canary: one step at its percentage; linear: equal increments below 100%; all at once: none', () => {
    expect(trafficSteps({ type: 'TimeBasedCanary', percentage: 10, intervalMinutes: 5 })).toEqual([[10, 5]]);
    expect(trafficSteps({ type: 'TimeBasedLinear', percentage: 25, intervalMinutes: 2 })).toEqual([[25, 2], [50, 2], [75, 2]]);
    expect(trafficSteps({ type: 'AllAtOnce', percentage: 100, intervalMinutes: 0 })).toEqual([]);
  });
});

// Amazon CloudWatch User Guide, "Using Amazon CloudWatch alarms" (evaluation periods, datapoints
// to alarm, missing data) and "Using metric math"; Lambda "Types of metrics" (ExecutedVersion).
describe('alarms from recorded invocations', () => {
  const fn = 'payment-fn';
  const dims = (extra: object = {}) => [{ Name: 'FunctionName', Value: fn }, { Name: 'Resource', Value: `${fn}:live` }, ...Object.entries(extra).map(([Name, Value]) => ({ Name, Value }))];
  const metricStat = (id: string, name: string) => ({ Id: id, ReturnData: false, MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: name, Dimensions: dims({ ExecutedVersion: '2' }) }, Period: 60, Stat: 'Sum' } });
  const errorRate = parseAlarm('ErrorRate', {
    Metrics: [{ Id: 'expr_1', Expression: '100 * errors / MAX([errors, invocations])' }, metricStat('errors', 'Errors'), metricStat('invocations', 'Invocations')],
    Threshold: 10,
    ComparisonOperator: 'GreaterThanThreshold',
    EvaluationPeriods: 2,
    TreatMissingData: 'notBreaching',
  });
  const T0 = 1_800_000_000_000; // a minute boundary
  const at = (minute: number, version: string, outcome: InvocationRecord['outcome']): InvocationRecord => ({ at: T0 + minute * 60_000 + 1_000, qualifier: 'live', version, outcome, durationMs: 20 });

  it('ALARM when the new version (ExecutedVersion) fails in 2 consecutive 1-minute periods', () => {
    const records = [at(0, '2', 'error'), at(0, '1', 'ok'), at(1, '2', 'error'), at(1, '1', 'ok')];
    expect(evaluateAlarm(errorRate, records, fn, T0 + 2 * 60_000)).toMatchObject({ state: 'ALARM', datapoints: [100, 100], reason: '2 of 2 datapoints [100, 100] > 10' });
  });

  it('negative controls: one bad minute, another version failing, or no traffic stay OK', () => {
    expect(evaluateAlarm(errorRate, [at(1, '2', 'error')], fn, T0 + 2 * 60_000).state).toBe('OK');
    expect(evaluateAlarm(errorRate, [at(0, '1', 'error'), at(1, '1', 'error')], fn, T0 + 2 * 60_000)).toMatchObject({ state: 'OK', datapoints: [undefined, undefined] });
    expect(evaluateAlarm(errorRate, [], fn, T0 + 2 * 60_000).state).toBe('OK');
    // A rate, not a count: 1 decline in 20 calls is 5%.
    const mostlyOk = [0, 1].flatMap((minute) => [at(minute, '2', 'error'), ...Array.from({ length: 19 }, () => at(minute, '2', 'ok'))]);
    expect(evaluateAlarm(errorRate, mostlyOk, fn, T0 + 2 * 60_000)).toMatchObject({ state: 'OK', datapoints: [5, 5] });
  });

  it('p99 duration and throttles (no ExecutedVersion: a throttle ran no version)', () => {
    const p99 = parseAlarm('P99', { MetricName: 'Duration', Namespace: 'AWS/Lambda', Dimensions: dims({ ExecutedVersion: '2' }), Period: 60, ExtendedStatistic: 'p99', Threshold: 8000, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1 });
    const slow = { ...at(0, '2', 'ok'), durationMs: 9_000 };
    expect(evaluateAlarm(p99, [slow], fn, T0 + 60_000).state).toBe('ALARM');
    expect(evaluateAlarm(p99, [at(0, '2', 'ok')], fn, T0 + 60_000).state).toBe('OK');
    const throttles = parseAlarm('Throttles', { MetricName: 'Throttles', Namespace: 'AWS/Lambda', Dimensions: dims(), Period: 60, Statistic: 'Sum', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1 });
    expect(evaluateAlarm(throttles, [{ at: T0 + 1_000, qualifier: 'live', outcome: 'throttle' }], fn, T0 + 60_000).state).toBe('ALARM');
    expect(evaluateAlarm(throttles, [{ at: T0 + 1_000, qualifier: '2', outcome: 'throttle' }], fn, T0 + 60_000).state).toBe('OK');
  });

  it('metric math: + - * /, parentheses, MAX/MIN/SUM/AVG of arrays; anything else is an error quoting the expression', () => {
    expect(evaluateExpression('100 * errors / MAX([errors, invocations])', { errors: 3, invocations: 12 })).toBe(25);
    expect(evaluateExpression('(a + b) * 2 - AVG([a, b])', { a: 1, b: 3 })).toBe(6);
    expect(() => evaluateExpression('ANOMALY_DETECTION_BAND(m1)', { m1: 1 })).toThrow(/Metric math 'ANOMALY_DETECTION_BAND\(m1\)': unknown metric id or function 'ANOMALY_DETECTION_BAND'/);
  });

  it('refuses an alarm it cannot evaluate, naming the alarm and the field', () => {
    expect(() => parseAlarm('Band', { Metrics: [], ThresholdMetricId: 'ad1', ComparisonOperator: 'GreaterThanUpperThreshold', EvaluationPeriods: 1 })).toThrow(/CloudWatch alarm Band: ComparisonOperator must be one of/);
  });
});
