/**
 * EventBridge, locally: PutEvents validated like AWS validates it, and every accepted entry
 * recorded as the envelope EventBridge delivers to targets. Reachable three ways: the Step
 * Functions `events:putEvents` Task integration, a request handler speaking the EventBridge
 * JSON protocol (for the AWS SDK in Lambda code), and {@link LocalEventBridge.putEvents}.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AssemblyStack, TemplateResource } from './cloud-assembly.js';
import { listen, readBody, type LocalEndpoint } from './http-server.js';

/** The event as EventBridge delivers it to targets. */
export interface EventBridgeEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  /** ISO 8601 with second precision, e.g. `2026-11-25T10:00:00Z`. */
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Record<string, unknown>;
}

/** One recorded event and the bus it was put on. */
export interface RecordedEvent {
  /** The bus name (an ARN in the request is reduced to its name). */
  readonly busName: string;
  readonly event: EventBridgeEvent;
}

/** Filter of {@link EventRecorder.list}; every given field must match. */
export interface EventFilter {
  readonly busName?: string;
  readonly detailType?: string;
  readonly source?: string;
}

/**
 * Keeps the last `capacity` events put on any bus, oldest first, and tells listeners about new
 * ones (e.g. to deliver them to rule targets, or to wait for one in a test).
 *
 * @example
 * const recorder = new EventRecorder();
 * const stop = recorder.onEvent(({ busName, event }) => console.log(busName, event['detail-type']));
 * recorder.list({ detailType: 'OrderConfirmed' });
 */
export class EventRecorder {
  private events: RecordedEvent[] = [];
  private readonly listeners = new Set<(recorded: RecordedEvent) => void>();

  /** @param capacity how many events to keep (the oldest are dropped first) */
  constructor(readonly capacity = 10_000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`EventRecorder capacity must be a positive integer, got ${capacity}`);
  }

  /** Number of events kept. */
  get size(): number {
    return this.events.length;
  }

  /** Keeps an event and notifies the listeners (a throwing listener does not affect the caller). */
  record(busName: string, event: EventBridgeEvent): RecordedEvent {
    const recorded: RecordedEvent = { busName, event };
    this.events.push(recorded);
    if (this.events.length > this.capacity) this.events.splice(0, this.events.length - this.capacity);
    for (const listener of this.listeners) {
      try {
        listener(recorded);
      } catch (error) {
        process.emitWarning(`EventRecorder listener failed: ${(error as Error).message}`);
      }
    }
    return recorded;
  }

  /** The kept events matching `filter`, oldest first. */
  list(filter: EventFilter = {}): RecordedEvent[] {
    return this.events.filter(
      ({ busName, event }) =>
        (filter.busName === undefined || busName === filter.busName) &&
        (filter.detailType === undefined || event['detail-type'] === filter.detailType) &&
        (filter.source === undefined || event.source === filter.source),
    );
  }

  /** Forgets every kept event (listeners stay). */
  clear(): void {
    this.events = [];
  }

  /** Calls `listener` for every event recorded from now on; returns the unsubscribe function. */
  onEvent(listener: (recorded: RecordedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** A PutEvents request entry (`Detail` may be an object, as Step Functions allows). */
export interface PutEventsEntry {
  readonly Source?: unknown;
  readonly DetailType?: unknown;
  readonly Detail?: unknown;
  /** Bus name or ARN. @default 'default' */
  readonly EventBusName?: unknown;
  readonly Resources?: unknown;
  /** A Date, an ISO string, or epoch seconds (the JSON protocol's encoding). */
  readonly Time?: unknown;
  readonly TraceHeader?: unknown;
}

/** One result entry: an `EventId`, or an `ErrorCode` and `ErrorMessage`. */
export type PutEventsResultEntry = { readonly EventId: string } | { readonly ErrorCode: string; readonly ErrorMessage: string };

/** The PutEvents response. */
export interface PutEventsResponse {
  readonly Entries: PutEventsResultEntry[];
  readonly FailedEntryCount: number;
}

/** A request-level PutEvents error (AWS's `ValidationException`): no entry was put. */
export class EventBridgeValidationError extends Error {
  override readonly name = 'ValidationException';
}

/** Options of {@link LocalEventBridge}. */
export interface LocalEventBridgeOptions {
  /** @default - a new EventRecorder (last 10,000 events) */
  readonly recorder?: EventRecorder;
  /**
   * Names of the buses that exist besides `default` (e.g. `eventBusNamesFromAssembly(...)`);
   * entries for any other bus fail.
   * @default []
   */
  readonly eventBuses?: Iterable<string>;
  /** @default '000000000000' */
  readonly accountId?: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/** AWS's PutEvents limits. */
const MAX_ENTRIES = 10;
const MAX_REQUEST_BYTES = 256 * 1024;
const BUS_ARN = /^arn:[^:]+:events:[^:]*:[^:]*:event-bus\/(.+)$/;

/**
 * A local EventBridge: PutEvents with AWS's validation, accepted entries kept in an
 * {@link EventRecorder}. Rules and targets are not run; subscribe with
 * `recorder.onEvent(...)` to react to events.
 *
 * @example
 * const bridge = new LocalEventBridge({ eventBuses: eventBusNamesFromAssembly(assembly.stacks, resolver) });
 * // Step Functions: builtInIntegrations({ publishEvents: (request) => bridge.putEvents(request), ... })
 * // Lambda code: environment: { AWS_ENDPOINT_URL_EVENTBRIDGE: (await bridge.listen()).endpoint }
 * bridge.recorder.list({ detailType: 'OrderConfirmed' });
 */
export class LocalEventBridge {
  readonly recorder: EventRecorder;
  readonly accountId: string;
  readonly region: string;
  private readonly buses: Set<string>;
  private readonly now: () => Date;

  constructor(options: LocalEventBridgeOptions = {}) {
    this.recorder = options.recorder ?? new EventRecorder();
    this.accountId = options.accountId ?? '000000000000';
    this.region = options.region ?? 'us-east-1';
    this.buses = new Set(['default', ...(options.eventBuses ?? [])]);
    this.now = options.now ?? (() => new Date());
  }

  /** The bus names that accept events. */
  get eventBuses(): readonly string[] {
    return [...this.buses];
  }

  /** Lets entries for `name` through (a bus created outside the assembly). */
  addEventBus(name: string): void {
    this.buses.add(name);
  }

  /**
   * PutEvents: each entry is validated on its own (a bad entry fails, the others are put), like
   * AWS. Accepted entries are recorded.
   *
   * @throws EventBridgeValidationError when `Entries` is missing, empty, has more than 10 entries,
   *   or the request exceeds 256 KB
   */
  putEvents(request: { readonly Entries?: unknown }): PutEventsResponse {
    const entries = request?.Entries;
    if (!Array.isArray(entries)) throw new EventBridgeValidationError("1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null");
    if (entries.length < 1 || entries.length > MAX_ENTRIES) {
      const bound = entries.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_ENTRIES}`;
      throw new EventBridgeValidationError(`1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length ${bound}`);
    }
    const size = (entries as PutEventsEntry[]).reduce((total, entry) => total + entrySize(entry), 0);
    if (size > MAX_REQUEST_BYTES) throw new EventBridgeValidationError('Total size of the entries in the request is over the limit.');

    const results = (entries as unknown[]).map((entry) => this.putEntry(entry));
    return { Entries: results, FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length };
  }

  /**
   * A `node:http` request handler for the EventBridge JSON protocol (`X-Amz-Target:
   * AWSEvents.PutEvents`, `application/x-amz-json-1.1`): point `AWS_ENDPOINT_URL_EVENTBRIDGE` at
   * the server that mounts it and the AWS SDK's `PutEventsCommand` works unchanged. Other
   * operations answer `UnknownOperationException`.
   */
  requestHandler(): (req: IncomingMessage, res: ServerResponse) => void {
    return (req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { __type: 'InternalException', message: (error as Error).message });
        else res.destroy();
      });
    };
  }

  /**
   * Starts a `node:http` server with {@link requestHandler} on `port` (`0` = a free port).
   *
   * @throws PortInUseError when `port` is taken
   */
  listen(port = 0, host = '127.0.0.1'): Promise<LocalEndpoint> {
    return listen(createServer(this.requestHandler()), port, host, 'EventBridge');
  }

  private putEntry(raw: unknown): PutEventsResultEntry {
    if (typeof raw !== 'object' || raw === null) return invalid('Entry', 'Entry must be an object.');
    const entry = raw as PutEventsEntry;
    for (const field of ['Source', 'DetailType', 'Detail'] as const) {
      const value = entry[field];
      if (value === undefined || value === null || value === '') return invalid(field, `${field} is a required argument.`);
    }
    if (typeof entry.Source !== 'string') return invalid('Source', 'Source must be a string.');
    if (typeof entry.DetailType !== 'string') return invalid('DetailType', 'DetailType must be a string.');
    if (entry.Source.startsWith('aws.')) {
      return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: `Not authorized for the source ${entry.Source}.` };
    }
    const detail = parseDetail(entry.Detail);
    if (!detail) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    const resources = entry.Resources ?? [];
    if (!Array.isArray(resources) || !resources.every((r) => typeof r === 'string')) return invalid('Resources', 'Resources must be a list of strings.');
    const time = entry.Time === undefined || entry.Time === null ? this.now() : toDate(entry.Time);
    if (!time) return invalid('Time', 'Time is not a valid timestamp.');
    const busName = busNameOf(entry.EventBusName);
    if (!this.buses.has(busName)) {
      return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${busName} does not exist.` };
    }
    const event: EventBridgeEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: this.accountId,
      time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.region,
      resources: resources,
      detail,
    };
    this.recorder.record(busName, event);
    return { EventId: event.id };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { body, tooLarge } = await readBody(req, 4 * MAX_REQUEST_BYTES);
    if (tooLarge) return sendJson(res, 413, { __type: 'ValidationException', message: 'Total size of the entries in the request is over the limit.' });
    const target = String(req.headers['x-amz-target'] ?? '');
    if (req.method !== 'POST' || target !== 'AWSEvents.PutEvents') {
      return sendJson(res, 400, { __type: 'UnknownOperationException', message: `The local EventBridge supports only AWSEvents.PutEvents (got '${target}').` });
    }
    let request: unknown;
    try {
      request = JSON.parse(body.toString('utf8') || '{}');
    } catch {
      return sendJson(res, 400, { __type: 'SerializationException', message: 'The request body is not valid JSON.' });
    }
    try {
      sendJson(res, 200, this.putEvents(request as { Entries?: unknown }));
    } catch (error) {
      if (error instanceof EventBridgeValidationError) return sendJson(res, 400, { __type: error.name, message: error.message });
      throw error;
    }
  }
}


/**
 * Names of the `AWS::Events::EventBus` resources of the assembly (what `Ref` resolves to),
 * for {@link LocalEventBridgeOptions.eventBuses}. `AssemblyResolver` fits `resolver`.
 */
export function eventBusNamesFromAssembly(
  stacks: readonly AssemblyStack[],
  resolver: { refOf(stack: AssemblyStack, logicalId: string): unknown; isActive(stack: AssemblyStack, resource: TemplateResource): boolean },
): string[] {
  return stacks.flatMap((stack) =>
    [...stack.resources.values()]
      .filter((resource) => resource.type === 'AWS::Events::EventBus' && resolver.isActive(stack, resource))
      .map((resource) => busNameOf(resolver.refOf(stack, resource.logicalId))),
  );
}

function busNameOf(value: unknown): string {
  if (value === undefined || value === null || value === '') return 'default';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return BUS_ARN.exec(text)?.[1] ?? text;
}

function parseDetail(detail: unknown): Record<string, unknown> | undefined {
  let value = detail;
  if (typeof detail === 'string') {
    try {
      value = JSON.parse(detail);
    } catch {
      return undefined;
    }
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function toDate(value: unknown): Date | undefined {
  const date = value instanceof Date ? value : typeof value === 'number' ? new Date(value * 1000) : typeof value === 'string' ? new Date(value) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

/** AWS's entry size: UTF-8 bytes of Source, DetailType, Detail and Resources, plus 14 for Time. */
function entrySize(entry: PutEventsEntry | null | undefined): number {
  if (typeof entry !== 'object' || entry === null) return 0;
  const bytes = (value: unknown) => (typeof value === 'string' ? Buffer.byteLength(value) : value === undefined || value === null ? 0 : Buffer.byteLength(JSON.stringify(value)));
  const resources = Array.isArray(entry.Resources) ? (entry.Resources as unknown[]).reduce<number>((total, r) => total + bytes(r), 0) : 0;
  return bytes(entry.Source) + bytes(entry.DetailType) + bytes(entry.Detail) + resources + (entry.Time !== undefined ? 14 : 0);
}

function invalid(field: string, reason: string): PutEventsResultEntry {
  return { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter ${field} is not valid. Reason: ${reason}` };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const requestId = randomUUID();
  const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId };
  const type = (body as { __type?: unknown }).__type;
  if (status >= 400 && typeof type === 'string') headers['x-amzn-errortype'] = type;
  res.writeHead(status, headers);
  res.end(JSON.stringify(body));
}
