/** CloudWatch alarms on Lambda metrics, evaluated from a function's recorded invocations. */
export { evaluateAlarm, evaluateExpression, metricValue, parseAlarm } from './alarms.js';
export type { AlarmDefinition, AlarmEvaluation, MetricQuery } from './alarms.js';
