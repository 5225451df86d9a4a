import type { ExecutionEvent, TaskActivity } from './state-machine.js';

/**
 * One event of an execution history in the shape of the Step Functions `GetExecutionHistory`
 * API: `{ timestamp, type, id, previousEventId, <type>EventDetails }`.
 */
export interface HistoryEvent {
  readonly timestamp: Date;
  readonly type: string;
  readonly id: number;
  readonly previousEventId: number;
  readonly [details: string]: unknown;
}

/** Error and cause given to StopExecution, reported in the ExecutionAborted event. */
export interface AbortDetails {
  readonly error?: string;
  readonly cause?: string;
}

interface StateData {
  readonly name: string;
  readonly type: string;
  readonly input?: unknown;
  readonly output?: unknown;
}

// aws-local-stepfunctions fills a Fail state's missing Error/Cause with these; AWS reports none.
const PLACEHOLDER_ERROR = 'FailStateError';
const PLACEHOLDER_CAUSE = 'Execution failed because of a Fail state';

/**
 * Builds an AWS-shaped execution history while the execution streams.
 *
 * The engine reports state entries/exits through its (asynchronous) event log, while Task
 * integration calls are reported synchronously by the task handlers, so a call can be reported
 * before the engine event of the state entry that caused it is consumed. Each call carries its
 * attempt number per state; it is held back until as many entries and retries of that state have
 * been recorded, which restores the causal order.
 */
export class HistoryRecorder {
  private readonly recorded: HistoryEvent[] = [];
  private readonly attemptsSeen = new Map<string, number>();
  private parked: TaskActivity[] = [];
  private abortDetails: AbortDetails = {};

  /**
   * @param region reported in TaskScheduled events
   * @param roleArn reported in the ExecutionStarted event
   */
  constructor(
    private readonly region: string,
    private readonly roleArn: string | undefined,
  ) {}

  /** The events recorded so far, oldest first. */
  get events(): readonly HistoryEvent[] {
    return this.recorded;
  }

  /** Sets what the ExecutionAborted event reports (call before aborting). */
  aborting(details: AbortDetails): void {
    this.abortDetails = details;
  }

  /** Records an engine event. */
  onEvent(event: ExecutionEvent): void {
    const state = event.state as StateData | undefined;
    switch (event.type) {
      case 'ExecutionStarted':
        this.add(event.timestamp, 'ExecutionStarted', 'executionStartedEventDetails', {
          ...dataField('input', event.input),
          ...(this.roleArn !== undefined && { roleArn: this.roleArn }),
        });
        return;
      case 'StateEntered':
        this.add(event.timestamp, `${state!.type}StateEntered`, 'stateEnteredEventDetails', { name: state!.name, ...dataField('input', state!.input) });
        this.countAttempt(state!.name);
        return;
      case 'StateRetried':
        this.countAttempt(state!.name);
        return;
      case 'StateExited':
        this.add(event.timestamp, `${state!.type}StateExited`, 'stateExitedEventDetails', { name: state!.name, ...dataField('output', state!.output) });
        return;
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed': {
        const parent = event.parentState as StateData;
        const key = `${event.type.charAt(0).toLowerCase()}${event.type.slice(1)}EventDetails`;
        this.add(event.timestamp, event.type, key, { name: parent.name, index: event.index });
        return;
      }
      case 'ExecutionSucceeded':
        this.add(event.timestamp, 'ExecutionSucceeded', 'executionSucceededEventDetails', dataField('output', event.output));
        return;
      case 'ExecutionFailed': {
        const error = typeof event.Error === 'string' && event.Error !== PLACEHOLDER_ERROR ? event.Error : undefined;
        const cause = event.Cause === undefined || event.Cause === PLACEHOLDER_CAUSE ? undefined : textOf(event.Cause);
        this.add(event.timestamp, 'ExecutionFailed', 'executionFailedEventDetails', {
          ...(error !== undefined && { error }),
          ...(cause !== undefined && { cause }),
        });
        return;
      }
      case 'ExecutionAborted':
        this.add(event.timestamp, 'ExecutionAborted', 'executionAbortedEventDetails', { ...this.abortDetails });
        return;
      case 'ExecutionTimeout':
        this.add(event.timestamp, 'ExecutionTimedOut', 'executionTimedOutEventDetails', { error: 'States.Timeout' });
        return;
      default:
        // StateFailed/StateCaught/Parallel branch events have no AWS counterpart: a Task's
        // failure is its TaskFailed event, and the execution's is ExecutionFailed.
        return;
    }
  }

  /** Records a Task integration call (possibly before the engine event of its state entry). */
  onTaskActivity(activity: TaskActivity): void {
    if ((this.attemptsSeen.get(activity.stateName) ?? 0) >= activity.attempt) this.addTask(activity);
    else this.parked.push(activity);
  }

  private countAttempt(stateName: string): void {
    this.attemptsSeen.set(stateName, (this.attemptsSeen.get(stateName) ?? 0) + 1);
    const ready = this.parked.filter((activity) => activity.stateName === stateName && activity.attempt <= this.attemptsSeen.get(stateName)!);
    if (ready.length === 0) return;
    this.parked = this.parked.filter((activity) => !ready.includes(activity));
    for (const activity of ready) this.addTask(activity);
  }

  private addTask(activity: TaskActivity): void {
    const { timestamp, resource } = activity;
    // A Task whose Resource is a function ARN is a "Lambda function" state on AWS, with its own events.
    if (/^arn:[^:]+:lambda:/.test(resource)) {
      if (activity.kind === 'scheduled') {
        this.add(timestamp, 'LambdaFunctionScheduled', 'lambdaFunctionScheduledEventDetails', { resource, ...dataField('input', activity.input) });
        this.add(timestamp, 'LambdaFunctionStarted', undefined, {});
      } else if (activity.kind === 'succeeded') {
        this.add(timestamp, 'LambdaFunctionSucceeded', 'lambdaFunctionSucceededEventDetails', dataField('output', activity.output));
      } else {
        this.add(timestamp, 'LambdaFunctionFailed', 'lambdaFunctionFailedEventDetails', { error: activity.error, cause: activity.cause });
      }
      return;
    }
    const service = /^arn:[^:]+:states:[^:]*:[^:]*:([^:]+):(.+)$/.exec(resource);
    const target = { resourceType: service?.[1] ?? 'unknown', resource: service?.[2] ?? resource };
    if (activity.kind === 'scheduled') {
      this.add(timestamp, 'TaskScheduled', 'taskScheduledEventDetails', { ...target, region: this.region, parameters: JSON.stringify(activity.input ?? {}) });
      this.add(timestamp, 'TaskStarted', 'taskStartedEventDetails', target);
    } else if (activity.kind === 'succeeded') {
      this.add(timestamp, 'TaskSucceeded', 'taskSucceededEventDetails', { ...target, ...dataField('output', activity.output) });
    } else {
      this.add(timestamp, 'TaskFailed', 'taskFailedEventDetails', { ...target, error: activity.error, cause: activity.cause });
    }
  }

  private add(timestamp: number, type: string, detailsKey: string | undefined, details: Record<string, unknown>): void {
    const id = this.recorded.length + 1;
    this.recorded.push({ timestamp: new Date(timestamp), type, id, previousEventId: id - 1, ...(detailsKey !== undefined && { [detailsKey]: details }) });
  }
}

/**
 * Returns the events without their `input`/`output` data, as `includeExecutionData: false` does.
 */
export function withoutExecutionData(events: readonly HistoryEvent[]): HistoryEvent[] {
  return events.map((event) =>
    Object.fromEntries(
      Object.entries(event).map(([key, value]) => {
        if (!key.endsWith('EventDetails') || typeof value !== 'object' || value === null) return [key, value];
        const { input: _input, output: _output, parameters: _parameters, ...rest } = value as Record<string, unknown>;
        return [key, rest];
      }),
    ) as unknown as HistoryEvent,
  );
}

/** `{ input: "<json>", inputDetails: { truncated: false } }` as AWS reports event data. */
function dataField(key: 'input' | 'output', value: unknown): Record<string, unknown> {
  return { [key]: JSON.stringify(value) ?? 'null', [`${key}Details`]: { truncated: false } };
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null');
}
