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

/**
 * A line of events that follow one another: the execution's top level, one Parallel branch, one
 * Map iteration. AWS links each event to the one before it on the same line (`previousEventId`),
 * so interleaved branches still read as causal chains.
 */
export class HistoryLine {
  constructor(
    private readonly recorder: HistoryRecorder,
    /** Id of the last event on this line (0 before the first). */
    public last: number,
  ) {}

  /** Records an event on this line; returns its id. */
  add(type: string, details?: Record<string, unknown>, detailsKey?: string): number {
    this.last = this.recorder.add(type, this.last, details, detailsKey);
    return this.last;
  }

  /** When this line's last event was recorded (epoch ms on the engine's clock). */
  lastTime(): number {
    return this.recorder.events[this.last - 1]!.timestamp.getTime();
  }

  /** A new line starting after this line's last event (a branch, an iteration). */
  fork(): HistoryLine {
    return new HistoryLine(this.recorder, this.last);
  }
}

/**
 * Records an execution's events with ids in order and timestamps from the engine's clock.
 * Listeners see each event as it is recorded (the local console, a live history).
 */
export class HistoryRecorder {
  private readonly recorded: HistoryEvent[] = [];
  private readonly listeners = new Set<(event: HistoryEvent) => void>();

  constructor(private readonly now: () => number) {}

  /** The events recorded so far, oldest first. */
  get events(): readonly HistoryEvent[] {
    return this.recorded;
  }

  /** The top-level line of the execution. */
  line(): HistoryLine {
    return new HistoryLine(this, 0);
  }

  /** Calls `listener` with every event recorded from now on; returns the unsubscribe function. */
  subscribe(listener: (event: HistoryEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Records an event; returns its id. `details` go under `detailsKey` (default: the key AWS uses
   * for the type, {@link detailsKeyOf}).
   */
  add(type: string, previousEventId: number, details?: Record<string, unknown>, detailsKey?: string): number {
    const id = this.recorded.length + 1;
    const timestamp = new Date(this.now());
    const key = details === undefined ? undefined : (detailsKey ?? detailsKeyOf(type));
    // State entered/exited events are two of every state run, the engine's hot path: each gets a
    // literal of its own, so all such events share one object shape (a computed key does not).
    const event: HistoryEvent =
      key === undefined
        ? { timestamp, type, id, previousEventId }
        : key === 'stateEnteredEventDetails'
          ? { timestamp, type, id, previousEventId, stateEnteredEventDetails: details }
          : key === 'stateExitedEventDetails'
            ? { timestamp, type, id, previousEventId, stateExitedEventDetails: details }
            : { timestamp, type, id, previousEventId, [key]: details };
    this.recorded.push(event);
    if (this.listeners.size > 0) for (const listener of this.listeners) listener(event);
    return id;
  }
}

// Event types are a small fixed set; the regex below would otherwise run for every event.
const detailsKeys = new Map<string, string>();

/** `TaskStateEntered` -> `stateEnteredEventDetails`, `TaskScheduled` -> `taskScheduledEventDetails`. */
export function detailsKeyOf(type: string): string {
  let key = detailsKeys.get(type);
  if (key === undefined) {
    key = computeDetailsKey(type);
    detailsKeys.set(type, key);
  }
  return key;
}

function computeDetailsKey(type: string): string {
  const stateEvent = /^(?:Task|Pass|Choice|Wait|Succeed|Fail|Parallel|Map)State(Entered|Exited)$/.exec(type);
  if (stateEvent) return `state${stateEvent[1]}EventDetails`;
  return `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
}

/**
 * `{ truncated: false }`, the `inputDetails`/`outputDetails` of every event (the engine has no
 * payload quota, so nothing is ever truncated). One frozen object shared by all events: a history
 * keeps two per state entered, for the execution's lifetime.
 */
export const NOT_TRUNCATED: Readonly<{ truncated: false }> = Object.freeze({ truncated: false });

/** `{ input: "<json>", inputDetails: { truncated: false } }` as AWS reports event data. */
export function dataField(key: 'input' | 'output', value: unknown): Record<string, unknown> {
  return key === 'input' ? { input: jsonText(value), inputDetails: NOT_TRUNCATED } : { output: jsonText(value), outputDetails: NOT_TRUNCATED };
}

/** A value as the JSON text AWS puts in event data (`undefined` reads as `null`). */
export function jsonText(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

/**
 * Returns the events without their `input`/`output`/`parameters` data, as
 * `includeExecutionData: false` does.
 */
export function withoutExecutionData(events: readonly HistoryEvent[]): HistoryEvent[] {
  return events.map((event) =>
    Object.fromEntries(
      Object.entries(event).map(([key, value]) => {
        if (!key.endsWith('EventDetails') || typeof value !== 'object' || value === null) return [key, value];
        const { input: _input, output: _output, parameters: _parameters, inputDetails: _i, outputDetails: _o, ...rest } = value as Record<string, unknown>;
        return [key, rest];
      }),
    ) as unknown as HistoryEvent,
  );
}
