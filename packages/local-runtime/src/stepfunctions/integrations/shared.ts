/**
 * Helpers the service integrations share: AWS-named task errors, the integration-pattern check,
 * and the `SdkHttpMetadata`/`SdkResponseMetadata` fields Step Functions adds to the results of
 * its optimized (non-`aws-sdk`) integrations.
 */
import type { TaskRequest } from './types.js';

/** `arn:<partition>:states:::` — every service integration Resource starts with it. */
const STATES_PREFIX = /^arn:[a-z0-9-]+:states:::/;

/**
 * An Error whose `name` is the Step Functions error (what Retry/Catch match) and whose message
 * is the Cause, which is how the engine turns a thrown error into a task failure.
 */
export function taskError(error: string, cause: string): Error {
  const failure = new Error(cause);
  failure.name = error;
  return failure;
}

/**
 * The part of a service integration Resource after `arn:<partition>:states:::`, e.g.
 * `dynamodb:putItem`, or undefined when `resource` is not one. Any partition is accepted
 * (`aws`, `aws-us-gov`, `aws-cn`): the definition's partition says where the state machine
 * runs, not which integration it calls.
 */
export function serviceAction(resource: string): string | undefined {
  const match = STATES_PREFIX.exec(resource);
  return match ? resource.slice(match[0].length) : undefined;
}

/**
 * Fails with `States.Runtime` when the Task asks for an integration pattern the local runtime
 * cannot honour (`.sync` needs a job the local runtime does not run).
 */
export function requirePattern(request: TaskRequest, allowed: readonly TaskRequest['pattern'][]): void {
  if (allowed.includes(request.pattern)) return;
  throw taskError(
    'States.Runtime',
    `Task '${request.stateName}': the integration pattern '${request.pattern}' of ${request.resource} is not supported locally (supported: ${allowed.join(', ')})`,
  );
}

/** The parameters as a plain object, or a `States.Runtime` failure naming the Task. */
export function parametersObject(request: TaskRequest): Record<string, unknown> {
  const { parameters } = request;
  if (typeof parameters === 'object' && parameters !== null && !Array.isArray(parameters)) return parameters as Record<string, unknown>;
  throw taskError('States.Runtime', `Task '${request.stateName}': the parameters of ${request.resource} must be a JSON object, got ${JSON.stringify(parameters) ?? 'undefined'}`);
}

/**
 * The parameters of a Task calling an integration the local runtime answers for one action only
 * (`sns:publish`, `sqs:sendMessage`, `events:putEvents`): another action of the service fails with
 * `States.Runtime` naming the one answered, and so does `.sync` (these integrations offer Request
 * Response and Wait for a Callback only, per their pages of the Developer Guide).
 *
 * @param service the service's name in the error, e.g. `SNS`
 * @param action the one action answered, e.g. `sns:publish`
 */
export function singleActionParameters(request: TaskRequest, service: string, action: string): Record<string, unknown> {
  if (serviceAction(request.resource) !== action) {
    throw taskError('States.Runtime', `Task '${request.stateName}': ${request.resource} is not an ${service} integration the local runtime answers (only ${action})`);
  }
  requirePattern(request, ['request-response', 'waitForTaskToken']);
  return parametersObject(request);
}

/**
 * Keeps only the parameters the optimized integration passes to the service API. Step Functions
 * drops the others without failing (localstack snapshot
 * `test_sqs_task_service.py::test_send_message_unsupported_parameters`: `MessageSystemAttribute`
 * is absent from the TaskScheduled parameters and the task succeeds).
 */
export function pickSupported(parameters: Record<string, unknown>, supported: ReadonlySet<string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(parameters).filter(([key]) => supported.has(key)));
}

/** The `SdkHttpMetadata` object of an optimized integration's result. */
export interface SdkHttpMetadata {
  /** Every header with all its values (the Java SDK's multi-valued view). */
  readonly AllHttpHeaders: Record<string, string[]>;
  /** Every header with its (first) value, sorted by name. */
  readonly HttpHeaders: Record<string, string>;
  readonly HttpStatusCode: number;
}

/** The metadata fields Step Functions appends to an optimized integration's API response. */
export interface SdkMetadataFields {
  readonly SdkHttpMetadata: SdkHttpMetadata;
  readonly SdkResponseMetadata: { readonly RequestId: string };
}

/**
 * Builds the metadata fields from response headers given in the casing AWS sends them (header
 * names are case-insensitive, but Step Functions reports them as they came over the wire).
 */
export function sdkMetadata(headers: Readonly<Record<string, string>>, statusCode: number, requestId: string): SdkMetadataFields {
  const names = Object.keys(headers).sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
  return {
    SdkHttpMetadata: {
      AllHttpHeaders: Object.fromEntries(names.map((name) => [name, [headers[name]!]])),
      HttpHeaders: Object.fromEntries(names.map((name) => [name, headers[name]!])),
      HttpStatusCode: statusCode,
    },
    SdkResponseMetadata: { RequestId: requestId },
  };
}

/** An HTTP `Date` header value (RFC 7231 IMF-fixdate) for `epochMs`. */
export function httpDate(epochMs: number): string {
  return new Date(epochMs).toUTCString();
}

/** Returns the object's entries sorted by key: Step Functions reports result fields alphabetically. */
export function sortedKeys<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as T;
}

let lastSequence = 0n;

/** A 20-digit, strictly increasing sequence number, as FIFO queues and topics report. */
export function sequenceNumberAt(epochMs: number): string {
  const candidate = BigInt(Math.max(0, Math.trunc(epochMs))) * 1_000_000n;
  lastSequence = candidate > lastSequence ? candidate : lastSequence + 1n;
  return lastSequence.toString().padStart(20, '0');
}
