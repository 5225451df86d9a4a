/**
 * What one order writes to CloudWatch Logs on AWS, in the records each service writes, so their
 * bytes can be counted. CloudWatch Logs bills ingestion by the bytes of each log event's message;
 * the overhead per event (`eventOverheadBytes` in prices.json: PutLogEvents counts 26 bytes per
 * event towards a batch's size) is added by the caller.
 *
 * Three kinds of records are rendered here because the local runtime does not write them:
 * - **Step Functions** at level ALL writes one record per execution history event; the record
 *   is rendered from the execution's real history (data left out when `includeExecutionData`
 *   is false, as the app configures).
 * - **Lambda platform records**: with JSON log format Lambda adds `platform.start` and
 *   `platform.report` records to every invocation's logs (the function's own lines are measured,
 *   not rendered).
 * - **API Gateway access logs**: one line per request, in the stage's configured format.
 */
import { withoutExecutionData, type HistoryEvent } from '@order-flow/step-functions';

/** The epoch milliseconds of a history timestamp (a Date, ISO text or epoch ms). */
function epochMs(timestamp: unknown): number {
  if (timestamp instanceof Date) return timestamp.getTime();
  if (typeof timestamp === 'number') return timestamp;
  return Date.parse(String(timestamp));
}

/**
 * The CloudWatch Logs records Step Functions writes for an execution at log level ALL: one per
 * history event, `{id, type, details, previous_event_id, event_timestamp, execution_arn,
 * redrive_count}` with ids and the timestamp as strings, as in the "Log levels" examples of the
 * Step Functions developer guide. Without execution data, `details` keeps everything but the
 * input, output and parameters.
 */
export function stepFunctionsLogRecords(history: readonly HistoryEvent[], executionArn: string, includeExecutionData = false): string[] {
  const events = includeExecutionData ? history : withoutExecutionData(history);
  return events.map((event) => {
    const record = event as unknown as Record<string, unknown>;
    const detailsKey = Object.keys(record).find((key) => key.endsWith('EventDetails'));
    return JSON.stringify({
      id: String(typeof record.id === 'number' || typeof record.id === 'string' ? record.id : ''),
      type: record.type,
      details: detailsKey ? record[detailsKey] : {},
      previous_event_id: String(typeof record.previousEventId === 'number' ? record.previousEventId : 0),
      event_timestamp: String(epochMs(record.timestamp)),
      execution_arn: executionArn,
      redrive_count: '0',
    });
  });
}

/** One invocation, as its Lambda REPORT describes it. */
export interface InvocationRecord {
  readonly requestId: string;
  readonly version: string;
  readonly durationMs: number;
  readonly memoryMb: number;
  /** When it started. */
  readonly at: Date;
  readonly ok: boolean;
}

/** A trace header of X-Ray's shape (the values do not matter here, only their length). */
const TRACE = { spanId: '0123456789abcdef', type: 'X-Amzn-Trace-Id', value: 'Root=1-6748a1b3-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=1' };

/**
 * The platform records Lambda adds to an invocation's logs in JSON log format at the default
 * system log level (INFO): `platform.start` and `platform.report`, with the trace header when
 * active tracing is on. Rendered from the local REPORT (durations, ids); `maxMemoryUsedMB` is a
 * placeholder of typical length. Cold starts add `platform.initStart`/`initReport` (not counted:
 * amortized over an environment's invocations).
 */
export function lambdaPlatformRecords(invocation: InvocationRecord, traced: boolean): string[] {
  const tracing = traced ? { tracing: TRACE } : {};
  const start = { time: invocation.at.toISOString(), type: 'platform.start', record: { requestId: invocation.requestId, version: invocation.version, ...tracing } };
  const end = new Date(invocation.at.getTime() + invocation.durationMs);
  const report = {
    time: end.toISOString(),
    type: 'platform.report',
    record: {
      requestId: invocation.requestId,
      metrics: { durationMs: Math.round(invocation.durationMs * 1000) / 1000, billedDurationMs: Math.ceil(invocation.durationMs), memorySizeMB: invocation.memoryMb, maxMemoryUsedMB: 99 },
      ...tracing,
      status: invocation.ok ? 'success' : 'error',
    },
  };
  return [JSON.stringify(start), JSON.stringify(report)];
}

/**
 * One API Gateway access log line in the stage's `Format`: every `$context.<name>` is replaced by
 * the value given for it (API Gateway writes `-` for an empty one).
 */
export function accessLogLine(format: string, values: Readonly<Record<string, string>>): string {
  return format.replace(/\$context\.([A-Za-z0-9_.]+)/g, (_, name: string) => values[name] || '-');
}

/** Bytes CloudWatch Logs ingests for these messages: UTF-8 bytes plus `overheadBytes` each. */
export function ingestedBytes(messages: readonly string[], overheadBytes: number): number {
  return messages.reduce((sum, message) => sum + Buffer.byteLength(message, 'utf8') + overheadBytes, 0);
}
