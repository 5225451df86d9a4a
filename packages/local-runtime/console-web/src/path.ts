/**
 * The path an execution took, read from its history: for each state, what it did (succeeded,
 * failed, caught, running), its attempts with their timing, and its input, output, error and
 * cause. Pure functions of the events, so a live page recomputes it as events arrive.
 */

/** One event as the console API returns it (the GetExecutionHistory shape, dates as ISO text). */
export interface HistoryEvent {
  readonly id: number;
  readonly previousEventId: number;
  readonly type: string;
  readonly timestamp: string;
  readonly [details: string]: unknown;
}

/** What a state did in an execution. */
export type StateStatus = 'succeeded' | 'failed' | 'caught' | 'running' | 'aborted';

/** One attempt of a state (a Task's try; other states have one). */
export interface Attempt {
  readonly start: string;
  end?: string;
  error?: string;
  cause?: string;
}

/** A state's part in an execution. */
export interface StateRun {
  readonly name: string;
  status: StateStatus;
  /** How often the state was entered (a loop or a Map iteration enters it again). */
  entered: number;
  attempts: Attempt[];
  input?: string;
  output?: string;
  error?: string;
  cause?: string;
  /** Events of this state, by id, for the history table. */
  readonly eventIds: number[];
}

const FAILURE = /(?:Failed|TimedOut|StartFailed|ScheduleFailed|SubmitFailed)$/;
const ATTEMPT_START = new Set(['TaskScheduled', 'LambdaFunctionScheduled']);
const ATTEMPT_SUCCESS = new Set(['TaskSucceeded', 'LambdaFunctionSucceeded']);

/** The `*EventDetails` object of an event, if it has one. */
export function detailsOf(event: HistoryEvent): Record<string, unknown> | undefined {
  for (const key of Object.keys(event)) {
    if (key.endsWith('EventDetails')) return event[key] as Record<string, unknown>;
  }
  return undefined;
}

/**
 * Each state's run, by name. An event belongs to the state whose Entered event starts its line
 * (AWS links every event to the one before it on the same branch through `previousEventId`).
 */
export function stateRuns(events: readonly HistoryEvent[], executionStatus: string): Map<string, StateRun> {
  const runs = new Map<string, StateRun>();
  const stateOfEvent = new Map<number, string>();
  const lastAttemptFailed = new Map<string, boolean>();
  for (const event of events) {
    const details = detailsOf(event) ?? {};
    let name: string | undefined;
    if (event.type.endsWith('StateEntered')) {
      name = String(details.name);
      let run = runs.get(name);
      if (!run) {
        run = { name, status: 'running', entered: 0, attempts: [], eventIds: [] };
        runs.set(name, run);
      }
      run.entered++;
      run.status = 'running';
      run.input = details.input as string | undefined;
      lastAttemptFailed.set(name, false);
      if (!event.type.startsWith('Task')) run.attempts.push({ start: event.timestamp });
    } else {
      name = stateOfEvent.get(event.previousEventId);
    }
    if (name === undefined) continue;
    stateOfEvent.set(event.id, name);
    const run = runs.get(name)!;
    run.eventIds.push(event.id);
    const attempt = run.attempts.at(-1);
    if (ATTEMPT_START.has(event.type)) {
      run.attempts.push({ start: event.timestamp });
      run.status = 'running';
    } else if (ATTEMPT_SUCCESS.has(event.type)) {
      if (attempt) attempt.end = event.timestamp;
      lastAttemptFailed.set(name, false);
    } else if (event.type === 'ExecutionAborted') {
      run.status = 'aborted';
    } else if (FAILURE.test(event.type)) {
      const error = details.error as string | undefined;
      const cause = details.cause as string | undefined;
      if (attempt && attempt.end === undefined) Object.assign(attempt, { end: event.timestamp, ...(error !== undefined && { error }), ...(cause !== undefined && { cause }) });
      if (error !== undefined) run.error = error;
      if (cause !== undefined) run.cause = cause;
      lastAttemptFailed.set(name, true);
      // A failed attempt may still be retried or caught; the execution failing from this state
      // (a Fail state, an error nothing caught) decides.
      if (event.type.startsWith('Execution')) run.status = 'failed';
    } else if (event.type.endsWith('StateExited')) {
      run.output = details.output as string | undefined;
      if (attempt && attempt.end === undefined) attempt.end = event.timestamp;
      // Exited after its last attempt failed: a Catch took it elsewhere.
      run.status = lastAttemptFailed.get(name) ? 'caught' : 'succeeded';
    }
  }
  if (executionStatus !== 'RUNNING') {
    // Still open when the execution ended: failed inside a branch, or stopped with it.
    for (const run of runs.values()) if (run.status === 'running') run.status = lastAttemptFailed.get(run.name) || executionStatus === 'FAILED' ? 'failed' : 'aborted';
  }
  return runs;
}
