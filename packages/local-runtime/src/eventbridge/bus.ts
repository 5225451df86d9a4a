/**
 * EventBridge, locally: PutEvents validated like AWS validates it, every accepted entry
 * recorded as the envelope EventBridge delivers to targets and routed to the rules whose event
 * pattern matches it (Lambda functions, state machines, other buses as targets, with Input,
 * InputPath and InputTransformer); scheduled rules and EventBridge Scheduler schedules fire on
 * the runtime's clock. Reachable three ways: the Step Functions `events:putEvents` Task
 * integration, a request handler speaking the EventBridge JSON protocol (for the AWS SDK in
 * Lambda code), and {@link LocalEventBridge.putEvents}.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type RequestListener } from 'node:http';
import { AwsProtocolError, awsJsonHandler } from '../aws-protocol/json-protocol.js';
import type { AssemblyStack, TemplateResource } from '../cloudformation/assembly.js';
import { listen, type LocalEndpoint } from '../aws-protocol/server.js';
import type { PortOption } from '../aws-protocol/tcp-ports.js';
import { busNameOf, type EventRule, type RuleTarget, type SchedulerSchedule, type TargetKind } from './rules.js';
import { executionStatusChangeEvent, type ExecutionStatusSource } from './sfn-events.js';
import { targetInput } from './transform.js';

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
  /** Names of the enabled rules of the bus whose pattern matched it (a scheduled event: its rule). */
  readonly matchedRules?: readonly string[];
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
  record(busName: string, event: EventBridgeEvent, matchedRules?: readonly string[]): RecordedEvent {
    const recorded: RecordedEvent = { busName, event, ...(matchedRules !== undefined && { matchedRules }) };
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
  /** @default () => new Date(), or the clock of {@link LocalEventBridge.connect} */
  readonly now?: () => Date;
  /**
   * How often a Lambda target is invoked again after a function error (Lambda's asynchronous
   * invocation retries: 1 minute after the first attempt, 2 minutes after the second, on the
   * connected clock). `Lambda.*` errors (function not found) are not retried.
   * @default 2
   */
  readonly lambdaRetryAttempts?: number;
  /** How many deliveries to keep (the oldest are dropped first). @default 10_000 */
  readonly deliveryCapacity?: number;
}

/** What targets run on: the runtime's clock, functions and state machines. */
export interface TargetHandlers {
  /** Time of scheduled rules, schedules and Lambda retries. */
  readonly clock: {
    now(): number;
    sleep(ms: number, signal?: AbortSignal, options?: { background?: boolean }): Promise<void>;
  };
  /** Invokes a function by ARN (the outcome of `LocalRuntime`'s invocation path fits). */
  invokeFunction(arn: string, payload: unknown): Promise<{ readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: { readonly errorType: string; readonly errorMessage: string } }>;
  /** Starts an execution of the state machine with this ARN (StartExecution). */
  startExecution(stateMachineArn: string, input: string): { readonly executionArn: string };
}

/** One delivery of an event (or a schedule's firing) to one target. */
export interface Delivery {
  /** The bus the event was on; for an EventBridge Scheduler schedule, `scheduler`. */
  readonly busName: string;
  readonly eventId: string;
  /** The rule name (or the schedule name). */
  readonly rule: string;
  readonly ruleArn: string;
  readonly targetId: string;
  readonly targetArn: string;
  readonly targetKind: TargetKind;
  /** What the target received. */
  readonly input: unknown;
  /** ISO time the delivery started, on the bridge's clock. */
  readonly time: string;
  /** `pending` while a Lambda target runs or waits for a retry. */
  readonly status: 'pending' | 'succeeded' | 'failed';
  readonly attempts: number;
  /** The function's result (Lambda target). */
  readonly result?: unknown;
  /** The execution started (Step Functions target). */
  readonly executionArn?: string;
  readonly error?: { readonly type: string; readonly message: string };
}

/** Filter of {@link LocalEventBridge.deliveries}; every given field must match. */
export interface DeliveryFilter {
  readonly rule?: string;
  readonly eventId?: string;
  readonly targetArn?: string;
  readonly status?: Delivery['status'];
}

type MutableDelivery = { -readonly [K in keyof Delivery]: Delivery[K] };

/** Deliveries from bus to bus stop after this many hops (a rule loop). */
const MAX_BUS_HOPS = 5;

/** AWS's PutEvents limits. */
const MAX_ENTRIES = 10;
const MAX_REQUEST_BYTES = 256 * 1024;

/**
 * A local EventBridge: PutEvents with AWS's validation, accepted entries kept in an
 * {@link EventRecorder} and routed to the matching rules' targets once
 * {@link LocalEventBridge.connect} gave it the runtime's functions and state machines (targets
 * are delivered asynchronously: an error is recorded as a {@link Delivery}, never thrown to the
 * publisher).
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
  private now: () => Date;
  private readonly fixedNow: boolean;
  private readonly ruleList: EventRule[] = [];
  private readonly scheduleList: SchedulerSchedule[] = [];
  private handlers?: TargetHandlers;
  private readonly retryAttempts: number;
  private readonly deliveryCapacity: number;
  private deliveryLog: MutableDelivery[] = [];
  private readonly pending = new Set<Promise<void>>();
  private scheduling?: AbortController;
  private stopped = false;

  constructor(options: LocalEventBridgeOptions = {}) {
    this.recorder = options.recorder ?? new EventRecorder();
    this.accountId = options.accountId ?? '000000000000';
    this.region = options.region ?? 'us-east-1';
    this.buses = new Set(['default', ...(options.eventBuses ?? [])]);
    this.fixedNow = options.now !== undefined;
    this.now = options.now ?? (() => new Date());
    this.retryAttempts = options.lambdaRetryAttempts ?? 2;
    this.deliveryCapacity = options.deliveryCapacity ?? 10_000;
  }

  /** The rules, in the order they were added. */
  get rules(): readonly EventRule[] {
    return this.ruleList;
  }

  /** The EventBridge Scheduler schedules. */
  get schedules(): readonly SchedulerSchedule[] {
    return this.scheduleList;
  }

  /** Adds a rule (its bus must exist). Events put from now on are matched against it. */
  addRule(rule: EventRule): void {
    if (!this.buses.has(rule.busName)) throw new Error(`Rule ${rule.path ?? rule.name}: event bus ${rule.busName} does not exist`);
    this.ruleList.push(rule);
    if (rule.schedule && this.scheduling) this.runRuleSchedule(rule, this.scheduling.signal);
  }

  /** Adds an EventBridge Scheduler schedule. */
  addSchedule(schedule: SchedulerSchedule): void {
    this.scheduleList.push(schedule);
    if (this.scheduling) this.runSchedulerSchedule(schedule, this.scheduling.signal);
  }

  /**
   * Gives the bridge what targets run on; until then matching events are recorded with their
   * matched rules but delivered nowhere. Event times come from `handlers.clock` from now on
   * (unless the `now` option was given).
   */
  connect(handlers: TargetHandlers): void {
    this.handlers = handlers;
    if (!this.fixedNow) this.now = () => new Date(handlers.clock.now());
  }

  /**
   * Starts the scheduled rules and the Scheduler schedules on the connected clock: a rate counts
   * from now, a cron fires at its next matching minute. Each timer is a background `clock.sleep`:
   * a virtual clock fires it in its turn whenever time passes (a test's `clock.sleep`, a retry
   * wait), but a schedule alone never moves virtual time.
   */
  startSchedules(): void {
    if (!this.handlers) throw new Error('LocalEventBridge.startSchedules: call connect() first');
    if (this.scheduling || this.stopped) return;
    this.scheduling = new AbortController();
    for (const rule of this.ruleList) if (rule.schedule) this.runRuleSchedule(rule, this.scheduling.signal);
    for (const schedule of this.scheduleList) this.runSchedulerSchedule(schedule, this.scheduling.signal);
  }

  /** Stops the schedules and Lambda retries; deliveries are not made any more. */
  stop(): void {
    this.stopped = true;
    this.scheduling?.abort(new Error('The local EventBridge stopped'));
  }

  /** Resolves once no delivery is pending (Lambda targets running or waiting for a retry). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** The deliveries matching `filter`, oldest first. */
  deliveries(filter: DeliveryFilter = {}): Delivery[] {
    return this.deliveryLog.filter(
      (d) =>
        (filter.rule === undefined || d.rule === filter.rule) &&
        (filter.eventId === undefined || d.eventId === filter.eventId) &&
        (filter.targetArn === undefined || d.targetArn === filter.targetArn) &&
        (filter.status === undefined || d.status === filter.status),
    );
  }

  /** The kept events with the rules they matched and the deliveries made for them (a console's view). */
  eventsWithDeliveries(): { busName: string; event: EventBridgeEvent; matchedRules: readonly string[]; deliveries: Delivery[] }[] {
    return this.recorder.list().map(({ busName, event, matchedRules }) => ({
      busName,
      event,
      matchedRules: matchedRules ?? [],
      deliveries: this.deliveryLog.filter((d) => d.eventId === event.id && d.busName === busName),
    }));
  }

  /**
   * Puts an event built elsewhere (an AWS service's event: `aws.*` sources allowed) on a bus,
   * records it and delivers it to the matching rules.
   *
   * @throws Error when the bus does not exist
   */
  publish(busName: string, event: EventBridgeEvent): RecordedEvent {
    if (!this.buses.has(busName)) throw new Error(`Event bus ${busName} does not exist.`);
    return this.route(busName, event, 0);
  }

  /**
   * Puts the "Step Functions Execution Status Change" event of an execution on the default bus
   * (what Step Functions does for Standard executions on RUNNING, SUCCEEDED, FAILED, TIMED_OUT
   * and ABORTED). The engine's `ExecutionDescription` fits.
   */
  publishExecutionStatusChange(description: ExecutionStatusSource): RecordedEvent {
    return this.publish('default', executionStatusChangeEvent(description, { accountId: this.accountId, region: this.region }));
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
  requestHandler(): RequestListener {
    return awsJsonHandler({
      targetPrefix: 'AWSEvents.',
      contentType: 'application/x-amz-json-1.1',
      maxBodyBytes: 4 * MAX_REQUEST_BYTES,
      tooLarge: { status: 413, message: 'Total size of the entries in the request is over the limit.' },
      operations: { PutEvents: (body) => this.putEvents(body) },
      unknownOperation: (target) => `The local EventBridge supports only AWSEvents.PutEvents (got '${target}').`,
      toProtocolError: (error) => (error instanceof EventBridgeValidationError ? new AwsProtocolError(error.name, error.message) : undefined),
      internalErrorType: 'InternalException',
    });
  }

  /**
   * Starts a `node:http` server with {@link requestHandler} on `port` (`0` = a free port; a
   * `ReservedPort` is served on the socket it holds).
   *
   * @throws PortInUseError when `port` is taken
   */
  listen(port: PortOption = 0, host = '127.0.0.1'): Promise<LocalEndpoint> {
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
    this.route(busName, event, 0);
    return { EventId: event.id };
  }

  private route(busName: string, event: EventBridgeEvent, hops: number): RecordedEvent {
    const matched = this.ruleList.filter((rule) => rule.busName === busName && rule.state === 'ENABLED' && rule.pattern?.matches(event));
    // Buses without rules record events as before (no matchedRules field).
    const recorded = this.recorder.record(busName, event, this.ruleList.length > 0 ? matched.map((rule) => rule.name) : undefined);
    if (this.handlers && !this.stopped) {
      for (const rule of matched) for (const target of rule.targets) this.deliver(busName, event, rule, target, hops);
    }
    return recorded;
  }

  private deliver(busName: string, event: EventBridgeEvent, rule: EventRule, target: RuleTarget, hops: number): void {
    const time = this.now();
    const delivery: MutableDelivery = {
      busName,
      eventId: event.id,
      rule: rule.name,
      ruleArn: rule.arn,
      targetId: target.id,
      targetArn: target.arn,
      targetKind: target.kind,
      input: undefined,
      time: time.toISOString(),
      status: 'pending',
      attempts: 0,
    };
    this.keep(delivery);
    try {
      delivery.input = target.kind === 'eventbus' ? event : targetInput(target.input, event as unknown as Record<string, unknown>, { ruleArn: rule.arn, ruleName: rule.name, ingestionTime: time.toISOString() });
    } catch (error) {
      return fail(delivery, 'InputTransformationError', (error as Error).message);
    }
    this.dispatch(delivery, target.kind, target.arn, delivery.input, hops);
  }

  private dispatch(delivery: MutableDelivery, kind: TargetKind, arn: string, input: unknown, hops: number): void {
    const handlers = this.handlers!;
    switch (kind) {
      case 'lambda': {
        // Started synchronously: the invocation is in flight (a virtual clock holds) before put returns.
        const work = this.invokeWithRetries(delivery, handlers, arn, input);
        this.pending.add(work);
        void work.finally(() => this.pending.delete(work));
        return;
      }
      case 'stepfunctions': {
        delivery.attempts = 1;
        try {
          const { executionArn } = handlers.startExecution(arn, JSON.stringify(input ?? {}));
          delivery.executionArn = executionArn;
          delivery.status = 'succeeded';
        } catch (error) {
          fail(delivery, (error as Error).name || 'Error', (error as Error).message);
        }
        return;
      }
      case 'eventbus': {
        delivery.attempts = 1;
        const target = busNameOf(arn);
        if (!this.buses.has(target)) return fail(delivery, 'ResourceNotFoundException', `Event bus ${target} does not exist.`);
        if (hops >= MAX_BUS_HOPS) return fail(delivery, 'LoopDetected', `The event went through ${MAX_BUS_HOPS} buses: a rule loop?`);
        delivery.status = 'succeeded';
        this.route(target, input as EventBridgeEvent, hops + 1);
        return;
      }
      default:
        fail(delivery, 'UnsupportedTarget', `The local EventBridge delivers only to Lambda functions, state machines and event buses (not ${arn})`);
    }
  }

  private async invokeWithRetries(delivery: MutableDelivery, handlers: TargetHandlers, arn: string, input: unknown): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      delivery.attempts = attempt;
      let outcome: Awaited<ReturnType<TargetHandlers['invokeFunction']>>;
      try {
        outcome = await handlers.invokeFunction(arn, input);
      } catch (error) {
        outcome = { ok: false, error: { errorType: (error as Error).name || 'Error', errorMessage: (error as Error).message } };
      }
      if (outcome.ok) {
        delivery.status = 'succeeded';
        delivery.result = outcome.result;
        delete delivery.error;
        return;
      }
      delivery.error = { type: outcome.error.errorType, message: outcome.error.errorMessage };
      if (attempt > this.retryAttempts || outcome.error.errorType.startsWith('Lambda.') || this.stopped) {
        delivery.status = 'failed';
        return;
      }
      try {
        await handlers.clock.sleep(attempt === 1 ? 60_000 : 120_000, this.scheduling?.signal);
      } catch {
        delivery.status = 'failed';
        return;
      }
    }
  }

  private keep(delivery: MutableDelivery): void {
    this.deliveryLog.push(delivery);
    if (this.deliveryLog.length > this.deliveryCapacity) this.deliveryLog.splice(0, this.deliveryLog.length - this.deliveryCapacity);
  }

  /** Fires a scheduled rule: a `Scheduled Event` on the default bus, delivered to its targets only. */
  private runRuleSchedule(rule: EventRule, signal: AbortSignal): void {
    this.runTimer(rule.schedule!, undefined, undefined, signal, (due) => {
      if (rule.state !== 'ENABLED') return;
      const event: EventBridgeEvent = {
        version: '0',
        id: randomUUID(),
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: this.accountId,
        time: new Date(due).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region: this.region,
        resources: [rule.arn],
        detail: {},
      };
      this.recorder.record(rule.busName, event, [rule.name]);
      for (const target of rule.targets) this.deliver(rule.busName, event, rule, target, 0);
    });
  }

  /** Fires a Scheduler schedule: the target gets `Target.Input` (context attributes filled), else `{}`. */
  private runSchedulerSchedule(schedule: SchedulerSchedule, signal: AbortSignal): void {
    this.runTimer(schedule.schedule, schedule.startDate, schedule.endDate, signal, (due) => {
      if (schedule.state !== 'ENABLED') return;
      const executionId = randomUUID();
      const scheduledTime = new Date(due).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const text = (schedule.target.input ?? '{}')
        .replaceAll('<aws.scheduler.schedule-arn>', schedule.arn)
        .replaceAll('<aws.scheduler.scheduled-time>', scheduledTime)
        .replaceAll('<aws.scheduler.execution-id>', executionId)
        .replaceAll('<aws.scheduler.attempt-number>', '1');
      let input: unknown;
      try {
        input = JSON.parse(text);
      } catch {
        input = text;
      }
      const delivery: MutableDelivery = {
        busName: 'scheduler',
        eventId: executionId,
        rule: schedule.name,
        ruleArn: schedule.arn,
        targetId: 'Target',
        targetArn: schedule.target.arn,
        targetKind: schedule.target.kind,
        input,
        time: this.now().toISOString(),
        status: 'pending',
        attempts: 0,
      };
      this.keep(delivery);
      this.dispatch(delivery, schedule.target.kind, schedule.target.arn, input, 0);
    });
  }

  private runTimer(schedule: NonNullable<EventRule['schedule']>, startDate: number | undefined, endDate: number | undefined, signal: AbortSignal, fire: (due: number) => void): void {
    const clock = this.handlers!.clock;
    const origin = clock.now();
    void (async () => {
      let after = Math.max(origin, (startDate ?? origin) - 1);
      for (;;) {
        const due = schedule.next(after, origin);
        if (due === undefined || (endDate !== undefined && due > endDate)) return;
        try {
          // Background: a schedule alone never moves virtual time (see SleepOptions.background).
          await clock.sleep(Math.max(0, due - clock.now()), signal, { background: true });
        } catch {
          return;
        }
        if (signal.aborted || this.stopped) return;
        after = due;
        fire(due);
      }
    })();
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

function fail(delivery: MutableDelivery, type: string, message: string): void {
  delivery.status = 'failed';
  delivery.error = { type, message };
}
