/**
 * CloudWatch alarms on Lambda metrics, evaluated locally from recorded invocations: the part of
 * CloudWatch the local CodeDeploy needs to decide whether a deployment is in ALARM. Metrics are
 * computed from {@link InvocationRecord}s as Lambda publishes them (AWS Lambda developer guide,
 * "Types of metrics for Lambda functions"): `Invocations`, `Errors`, `Throttles` and `Duration`,
 * filtered by the dimensions `FunctionName`, `Resource` (the invoked qualifier) and
 * `ExecutedVersion` (the version an alias ran); alarms follow "Using Amazon CloudWatch alarms"
 * (periods, `EvaluationPeriods`, `DatapointsToAlarm`, `ComparisonOperator`, `TreatMissingData`)
 * and metric math expressions with `+ - * /`, parentheses, `MAX`, `MIN`, `SUM`, `AVG` of arrays.
 */
import type { InvocationRecord } from '../lambda/function.js';

/** One metric of an alarm: `AWS/Lambda`'s `MetricName` with its dimensions, period and statistic. */
export interface MetricQuery {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly periodSeconds: number;
  /** `Sum`, `Average`, `Minimum`, `Maximum`, `SampleCount` or a percentile `pNN`. */
  readonly stat: string;
}

/** An `AWS::CloudWatch::Alarm` as resolved from the template, in the form evaluated here. */
export interface AlarmDefinition {
  readonly name: string;
  /** A single metric, or metric math: `expression` over `metrics` by id. */
  readonly metric: { readonly kind: 'metric'; readonly query: MetricQuery } | { readonly kind: 'expression'; readonly expression: string; readonly metrics: Readonly<Record<string, MetricQuery>>; readonly periodSeconds: number };
  readonly threshold: number;
  readonly comparison: 'GreaterThanThreshold' | 'GreaterThanOrEqualToThreshold' | 'LessThanThreshold' | 'LessThanOrEqualToThreshold';
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  /** `missing` and `ignore` count as neither breaching nor not (a simplification: see {@link evaluateAlarm}). */
  readonly treatMissingData: 'breaching' | 'notBreaching' | 'ignore' | 'missing';
}

/** What {@link evaluateAlarm} found: the state and the datapoints, newest first. */
export interface AlarmEvaluation {
  readonly state: 'OK' | 'ALARM';
  /** One value per evaluated period, newest first (undefined: no data). */
  readonly datapoints: readonly (number | undefined)[];
  /** e.g. `2 of 2 datapoints [100, 100] > 10` */
  readonly reason: string;
}

const COMPARISONS = {
  GreaterThanThreshold: (v: number, t: number) => v > t,
  GreaterThanOrEqualToThreshold: (v: number, t: number) => v >= t,
  LessThanThreshold: (v: number, t: number) => v < t,
  LessThanOrEqualToThreshold: (v: number, t: number) => v <= t,
} as const;
const SYMBOLS = { GreaterThanThreshold: '>', GreaterThanOrEqualToThreshold: '>=', LessThanThreshold: '<', LessThanOrEqualToThreshold: '<=' } as const;

/**
 * Reads a resolved `AWS::CloudWatch::Alarm`'s properties.
 * @param name the alarm's name (its `Ref`)
 * @throws Error naming the alarm and the field when it is missing or not supported locally
 */
export function parseAlarm(name: string, props: Record<string, unknown>): AlarmDefinition {
  const fail = (message: string): never => {
    throw new Error(`CloudWatch alarm ${name}: ${message}`);
  };
  const comparison = props.ComparisonOperator as AlarmDefinition['comparison'];
  if (!(comparison in COMPARISONS)) fail(`ComparisonOperator must be one of ${Object.keys(COMPARISONS).join(', ')}, got ${JSON.stringify(props.ComparisonOperator)}`);
  const threshold = Number(props.Threshold);
  if (!Number.isFinite(threshold)) fail(`Threshold must be a number (anomaly-detection alarms are not evaluated locally), got ${JSON.stringify(props.Threshold)}`);
  const evaluationPeriods = Number(props.EvaluationPeriods);
  if (!Number.isInteger(evaluationPeriods) || evaluationPeriods < 1) fail(`EvaluationPeriods must be a whole number of at least 1, got ${JSON.stringify(props.EvaluationPeriods)}`);
  const dimensionsOf = (list: unknown) => Object.fromEntries(((list ?? []) as { Name: string; Value: unknown }[]).map((d) => [d.Name, String(d.Value)]));
  let metric: AlarmDefinition['metric'];
  if (Array.isArray(props.Metrics)) {
    const entries = props.Metrics as { Id: string; Expression?: string; ReturnData?: boolean; MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions?: unknown }; Period: number; Stat: string } }[];
    const returned = entries.filter((entry) => entry.ReturnData !== false);
    if (returned.length !== 1 || returned[0]!.Expression === undefined) fail('Metrics must return exactly one expression (ReturnData) to be evaluated locally');
    const metrics: Record<string, MetricQuery> = {};
    for (const entry of entries) {
      if (!entry.MetricStat) continue;
      const { Metric, Period, Stat } = entry.MetricStat;
      metrics[entry.Id] = { namespace: Metric.Namespace, metricName: Metric.MetricName, dimensions: dimensionsOf(Metric.Dimensions), periodSeconds: Number(Period), stat: Stat };
    }
    const periods = Object.values(metrics).map((query) => query.periodSeconds);
    metric = { kind: 'expression', expression: returned[0]!.Expression!, metrics, periodSeconds: Math.max(60, ...periods) };
  } else {
    const stat = (props.ExtendedStatistic ?? props.Statistic) as string | undefined;
    if (typeof props.MetricName !== 'string' || stat === undefined) fail('needs MetricName with Statistic or ExtendedStatistic, or Metrics');
    metric = {
      kind: 'metric',
      query: { namespace: String(props.Namespace), metricName: String(props.MetricName), dimensions: dimensionsOf(props.Dimensions), periodSeconds: Number(props.Period ?? 60), stat: stat! },
    };
  }
  return {
    name,
    metric,
    threshold,
    comparison,
    evaluationPeriods,
    datapointsToAlarm: Number(props.DatapointsToAlarm ?? evaluationPeriods),
    treatMissingData: (props.TreatMissingData as AlarmDefinition['treatMissingData'] | undefined) ?? 'missing',
  };
}

/**
 * The alarm's state at `now`, from the invocations of one function: the last
 * `EvaluationPeriods` complete periods (aligned to the period, as CloudWatch aligns them), each
 * breaching or not, ALARM when at least `DatapointsToAlarm` of them breach. A period without data
 * breaches only with `TreatMissingData: breaching`; `notBreaching`, `missing` and `ignore` count it
 * as not breaching (CloudWatch would keep the previous state for the last two; a deployment starts
 * from OK, so the difference only shows after an ALARM, when the deployment has already stopped).
 *
 * @param functionName the function the records belong to (`FunctionName` dimension)
 */
export function evaluateAlarm(alarm: AlarmDefinition, records: readonly InvocationRecord[], functionName: string, now: number): AlarmEvaluation {
  const periodMs = (alarm.metric.kind === 'metric' ? alarm.metric.query.periodSeconds : alarm.metric.periodSeconds) * 1000;
  const end = Math.floor(now / periodMs) * periodMs;
  const datapoints: (number | undefined)[] = [];
  for (let k = 0; k < alarm.evaluationPeriods; k++) {
    const from = end - (k + 1) * periodMs;
    const to = end - k * periodMs;
    const inPeriod = records.filter((record) => record.at >= from && record.at < to);
    const value = (query: MetricQuery) => metricValue(query, inPeriod, functionName);
    if (alarm.metric.kind === 'metric') {
      datapoints.push(value(alarm.metric.query));
    } else {
      const values = Object.fromEntries(Object.entries(alarm.metric.metrics).map(([id, query]) => [id, value(query)]));
      datapoints.push(Object.values(values).some((v) => v === undefined) ? undefined : evaluateExpression(alarm.metric.expression, values as Record<string, number>));
    }
  }
  const compare = COMPARISONS[alarm.comparison];
  const breaching = datapoints.filter((v) => (v === undefined ? alarm.treatMissingData === 'breaching' : compare(v, alarm.threshold))).length;
  const state = breaching >= alarm.datapointsToAlarm ? 'ALARM' : 'OK';
  const shown = datapoints.map((v) => (v === undefined ? 'no data' : String(Math.round(v * 100) / 100))).join(', ');
  return { state, datapoints, reason: `${breaching} of ${alarm.evaluationPeriods} datapoints [${shown}] ${SYMBOLS[alarm.comparison]} ${alarm.threshold}` };
}

/** One datapoint of a Lambda metric over the records of one period (undefined: Lambda published none). */
export function metricValue(query: MetricQuery, records: readonly InvocationRecord[], functionName: string): number | undefined {
  if (query.namespace !== 'AWS/Lambda') return undefined;
  const { FunctionName, Resource, ExecutedVersion } = query.dimensions;
  if (FunctionName !== undefined && FunctionName !== functionName) return undefined;
  const matching = records.filter((record) => {
    if (Resource !== undefined) {
      const qualifier = Resource === functionName ? undefined : Resource.startsWith(`${functionName}:`) ? Resource.slice(functionName.length + 1) : null;
      if (qualifier === null || record.qualifier !== qualifier) return false;
    }
    return ExecutedVersion === undefined || record.version === ExecutedVersion;
  });
  const ran = matching.filter((record) => record.outcome !== 'throttle');
  let samples: number[];
  switch (query.metricName) {
    case 'Invocations':
      samples = ran.map(() => 1);
      break;
    case 'Errors':
      samples = ran.map((record) => (record.outcome === 'error' ? 1 : 0));
      break;
    case 'Throttles':
      samples = matching.filter((record) => record.outcome === 'throttle').map(() => 1);
      break;
    case 'Duration':
      samples = ran.map((record) => record.durationMs ?? 0);
      break;
    default:
      return undefined;
  }
  return samples.length === 0 ? undefined : statistic(query.stat, samples);
}

function statistic(stat: string, samples: readonly number[]): number {
  const percentile = /^p(\d+(?:\.\d+)?)$/.exec(stat);
  if (percentile) {
    const sorted = [...samples].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((Number(percentile[1]) / 100) * sorted.length) - 1))]!;
  }
  switch (stat) {
    case 'Sum':
      return samples.reduce((a, b) => a + b, 0);
    case 'SampleCount':
      return samples.length;
    case 'Average':
      return samples.reduce((a, b) => a + b, 0) / samples.length;
    case 'Minimum':
      return Math.min(...samples);
    case 'Maximum':
      return Math.max(...samples);
    default:
      throw new Error(`CloudWatch statistic '${stat}' is not evaluated locally (Sum, SampleCount, Average, Minimum, Maximum, pNN)`);
  }
}

/**
 * Evaluates a metric math expression on one datapoint per metric id: numbers, ids, `+ - * /`,
 * parentheses, and `MAX`, `MIN`, `SUM`, `AVG` of an array `[a, b, ...]`. A division by zero gives
 * no datapoint in CloudWatch; here it gives NaN, which breaches no threshold.
 * @throws Error quoting the expression for anything else
 */
export function evaluateExpression(expression: string, values: Readonly<Record<string, number>>): number {
  const tokens = expression.match(/\d+(?:\.\d+)?|[A-Za-z_]\w*|[-+*/()[\],]/g) ?? [];
  if (tokens.join('') !== expression.replace(/\s+/g, '')) throw new Error(`Metric math '${expression}': unsupported characters`);
  let at = 0;
  const fail = (what: string): never => {
    throw new Error(`Metric math '${expression}': ${what} at token ${at + 1}`);
  };
  const expect = (token: string) => (tokens[at] === token ? at++ : fail(`expected '${token}'`));
  const FUNCTIONS: Record<string, (list: number[]) => number> = {
    MAX: (list) => Math.max(...list),
    MIN: (list) => Math.min(...list),
    SUM: (list) => list.reduce((a, b) => a + b, 0),
    AVG: (list) => list.reduce((a, b) => a + b, 0) / list.length,
  };
  const primary = (): number => {
    const token = tokens[at++] ?? fail('unexpected end');
    if (token === '(') {
      const value = sum();
      expect(')');
      return value;
    }
    if (token === '-') return -primary();
    if (/^\d/.test(token)) return Number(token);
    const fn = FUNCTIONS[token.toUpperCase()];
    if (fn) {
      expect('(');
      expect('[');
      const list = [sum()];
      while (tokens[at] === ',') {
        at++;
        list.push(sum());
      }
      expect(']');
      expect(')');
      return fn(list);
    }
    if (token in values) return values[token]!;
    return fail(`unknown metric id or function '${token}'`);
  };
  const product = (): number => {
    let value = primary();
    while (tokens[at] === '*' || tokens[at] === '/') value = tokens[at++] === '*' ? value * primary() : value / primary();
    return value;
  };
  const sum = (): number => {
    let value = product();
    while (tokens[at] === '+' || tokens[at] === '-') value = tokens[at++] === '+' ? value + product() : value - product();
    return value;
  };
  const result = sum();
  if (at !== tokens.length) fail('unexpected token');
  return result;
}
