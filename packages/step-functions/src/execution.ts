import type { Clock } from './clock.js';
import { StatesError, StatesErrors, toStatesError } from './errors.js';
import type { HistoryRecorder} from './history.js';
import { dataField } from './history.js';
import type { ExecutionEnv } from './interpreter/env.js';
import { runStates, type StatesBlock } from './interpreter/run-states.js';
import { VariableScope } from './interpreter/variables.js';
import type { TaskDispatcher } from './integrations/dispatch.js';
import { FailStateError } from './states/simple.js';

/** Final status of an execution. */
export type ExecutionStatus = 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

/** How an execution ended. */
export interface ExecutionOutcome {
  readonly status: ExecutionStatus;
  /** The output (SUCCEEDED only). */
  readonly output?: unknown;
  /** The Error of a FAILED/TIMED_OUT/ABORTED execution, when there is one. */
  readonly error?: string;
  readonly cause?: string;
  readonly startDate: Date;
  readonly stopDate: Date;
}

/** What one execution needs. */
export interface ExecutionSpec {
  readonly definition: StatesBlock & { readonly TimeoutSeconds?: number };
  readonly input: unknown;
  readonly executionArn: string;
  readonly name: string;
  readonly stateMachine: { readonly arn: string; readonly name: string };
  readonly roleArn?: string;
  /** The longest an execution of this type may run: 1 year (Standard), 5 minutes (Express). */
  readonly maxDurationSeconds: number;
  readonly clock: Clock;
  readonly tasks: TaskDispatcher;
  readonly region: string;
  readonly random: () => number;
  readonly history: HistoryRecorder;
  /** Stops the execution (StopExecution): status ABORTED. */
  readonly abort: AbortSignal;
  /** Error and cause for the ExecutionAborted event. */
  readonly abortDetails?: () => { error?: string; cause?: string };
}

/** Thrown into running work when the execution times out. */
class ExecutionTimedOut extends Error {}

/** Why the execution's timeout timer is cancelled: the execution ended first. */
const EXECUTION_ENDED = new Error('The execution ended before its timeout');

/**
 * Runs one execution from its first state to its end, recording the history: ExecutionStarted,
 * the states' events, then ExecutionSucceeded/Failed/TimedOut/Aborted. The definition's
 * `TimeoutSeconds` (capped by the type's limit) ends it as TIMED_OUT with `States.Timeout`
 * ("Standard and Express workflow types", "State machine structure" > TimeoutSeconds).
 */
export async function runExecution(spec: ExecutionSpec): Promise<ExecutionOutcome> {
  const { clock, history } = spec;
  const startDate = new Date(clock.now());
  const line = history.line();
  line.add('ExecutionStarted', { ...dataField('input', spec.input), ...(spec.roleArn !== undefined && { roleArn: spec.roleArn }) });
  // AWS links the first state's Entered event to 0, not to ExecutionStarted (every localstack
  // snapshot recorded against AWS, e.g. v2/intrinsic_functions/test_array.snapshot.json: ids 1, 2
  // with previousEventId 0, 0).
  line.last = 0;

  // One signal for whatever ends the execution early: StopExecution (spec.abort) or its timeout.
  // A plain controller rather than AbortSignal.any: every state reads `aborted`, and a composite
  // signal recomputes it from its sources on each read.
  const halt = new AbortController();
  const signal = halt.signal;
  const onStop = () => halt.abort(spec.abort.reason);
  if (spec.abort.aborted) onStop();
  else spec.abort.addEventListener('abort', onStop, { once: true });
  const limitSeconds = Math.min(spec.definition.TimeoutSeconds ?? spec.maxDurationSeconds, spec.maxDurationSeconds);
  const stopTimer = new AbortController();
  clock.sleep(limitSeconds * 1000, stopTimer.signal).then(
    () => halt.abort(new ExecutionTimedOut()),
    () => undefined,
  );

  const env: ExecutionEnv = {
    clock,
    history,
    signal,
    execution: {
      arn: spec.executionArn,
      name: spec.name,
      input: spec.input,
      startTime: startDate.toISOString(),
      ...(spec.roleArn !== undefined && { roleArn: spec.roleArn }),
    },
    stateMachine: spec.stateMachine,
    region: spec.region,
    tasks: spec.tasks,
    random: spec.random,
  };
  const frame = { line, variables: new VariableScope(), queryLanguage: (spec.definition.QueryLanguage ?? 'JSONPath'), signal };
  const stopped = new Promise<never>((_, reject) => {
    const rejectStopped = () => reject(signal.reason as Error);
    if (signal.aborted) rejectStopped();
    else signal.addEventListener('abort', rejectStopped, { once: true });
  });
  stopped.catch(() => undefined);

  let outcome: Omit<ExecutionOutcome, 'startDate' | 'stopDate'>;
  try {
    // The states run after a promise turn, so StartExecution answers before any of them has run,
    // as on AWS, even when they never wait (a chain of JSONPath Pass states runs without one).
    const states = Promise.resolve().then(() => runStates(spec.definition, spec.input, frame, env));
    const output = await Promise.race([states, stopped]);
    outcome = { status: 'SUCCEEDED', output };
  } catch (error) {
    outcome = endOf(error, spec);
  } finally {
    // With a reason given, abort() does not build a DOMException (and its stack) per execution.
    stopTimer.abort(EXECUTION_ENDED);
    spec.abort.removeEventListener('abort', onStop);
  }

  const stopDate = new Date(clock.now());
  switch (outcome.status) {
    case 'SUCCEEDED':
      line.add('ExecutionSucceeded', dataField('output', outcome.output));
      break;
    case 'FAILED':
      line.add('ExecutionFailed', errorDetails(outcome));
      break;
    case 'TIMED_OUT':
      line.add('ExecutionTimedOut', errorDetails(outcome));
      break;
    case 'ABORTED':
      line.add('ExecutionAborted', errorDetails(outcome));
      break;
  }
  return { ...outcome, startDate, stopDate };
}

function endOf(error: unknown, spec: ExecutionSpec): Omit<ExecutionOutcome, 'startDate' | 'stopDate'> {
  if (spec.abort.aborted) return { status: 'ABORTED', ...spec.abortDetails?.() };
  if (error instanceof ExecutionTimedOut) return { status: 'TIMED_OUT', error: StatesErrors.Timeout };
  if (error instanceof FailStateError) {
    return { status: 'FAILED', ...(error.failError !== undefined && { error: error.failError }), ...(error.failCause !== undefined && { cause: error.failCause }) };
  }
  const failure = error instanceof StatesError ? error : toStatesError(error);
  return { status: 'FAILED', error: failure.error, ...(failure.cause !== undefined && { cause: failure.cause }) };
}

function errorDetails(outcome: { error?: string; cause?: string }): Record<string, unknown> {
  return { ...(outcome.error !== undefined && { error: outcome.error }), ...(outcome.cause !== undefined && { cause: outcome.cause }) };
}
