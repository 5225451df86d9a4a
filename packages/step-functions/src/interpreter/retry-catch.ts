import type { StatesError} from '../errors.js';
import { StatesErrors, toStatesError } from '../errors.js';
import { applyResultPath, resolvePayloadTemplate } from '../query/jsonpath.js';
import { queryScope } from './env.js';
import { contextOf, jsonata, runtimeError, type StateResult, type StateRun } from './io.js';

interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: 'FULL' | 'NONE';
}

interface Catcher {
  readonly ErrorEquals: readonly string[];
  readonly Next: string;
  readonly ResultPath?: string | null;
  readonly Output?: unknown;
  readonly Assign?: unknown;
}

/** Where a state goes after an attempt: its result, or a catcher's. */
export interface Outcome extends StateResult {
  /** The catcher's Next when the error was caught; else the state's own transition applies. */
  readonly caughtNext?: string;
}

/**
 * Whether an ErrorEquals list matches an error ("Error handling in Step Functions" > "Error
 * names"): `States.ALL` matches every error but `States.Runtime`, which no Retry or Catch
 * handles; `States.TaskFailed` matches every error but `States.Timeout` (and States.Runtime).
 *
 * `States.DataLimitExceeded` raised by a task IS caught, by name and by `States.ALL`, as AWS was
 * recorded doing (localstack tests/aws/services/stepfunctions/v2/error_handling/
 * test_states_errors.snapshot.json :: test_service_task_lambada_data_limit_exceeded_on_large_utf8_response
 * and ..._catch_state_all_data_limit_exceeded_on_large_utf8_response).
 */
export function matches(errorEquals: readonly string[], error: string): boolean {
  if (error === StatesErrors.Runtime) return false;
  return errorEquals.some(
    (name) => name === error || name === StatesErrors.ALL || (name === StatesErrors.TaskFailed && error !== StatesErrors.Timeout),
  );
}

/**
 * The wait before retry number `retriesSoFar + 1` of a retrier ("Retrying after an error"):
 * IntervalSeconds x BackoffRate^retriesSoFar, capped by MaxDelaySeconds; with JitterStrategy FULL
 * a uniformly random share of it.
 */
export function retryDelayMs(retrier: Retrier, retriesSoFar: number, random: () => number): number {
  const interval = (retrier.IntervalSeconds ?? 1) * 1000;
  let delay = interval * Math.pow(retrier.BackoffRate ?? 2, retriesSoFar);
  if (retrier.MaxDelaySeconds !== undefined) delay = Math.min(delay, retrier.MaxDelaySeconds * 1000);
  if (retrier.JitterStrategy === 'FULL') delay = random() * delay;
  return delay;
}

/**
 * Runs a state's attempts under its Retry and Catch: the first retrier whose ErrorEquals matches
 * decides alone (when it is exhausted the error goes to Catch, not to a later retrier); each
 * retrier counts its own attempts; a caught error becomes `{Error, Cause}` placed by the
 * catcher's ResultPath (JSONPath) or Output (JSONata).
 *
 * @param attempt one attempt; gets the number of retries so far (`$$.State.RetryCount`)
 */
export async function withRetryAndCatch(run: StateRun, attempt: (retryCount: number) => Promise<StateResult>): Promise<Outcome> {
  const retriers = (run.state.Retry as readonly Retrier[] | undefined) ?? [];
  const catchers = (run.state.Catch as readonly Catcher[] | undefined) ?? [];
  const used = retriers.map(() => 0);
  let retryCount = 0;
  for (;;) {
    let failure: StatesError;
    try {
      return await attempt(retryCount);
    } catch (thrown) {
      if (run.frame.signal.aborted) throw thrown;
      failure = runtimeError(run, thrown) ?? toStatesError(thrown);
    }
    const index = retriers.findIndex((retrier) => matches(retrier.ErrorEquals, failure.error));
    const retrier = retriers[index];
    if (retrier !== undefined && used[index]! < (retrier.MaxAttempts ?? 3)) {
      const delay = retryDelayMs(retrier, used[index]!, run.env.random);
      used[index]!++;
      retryCount++;
      await run.env.clock.sleep(delay, run.frame.signal);
      continue;
    }
    const catcher = catchers.find((candidate) => matches(candidate.ErrorEquals, failure.error));
    if (!catcher) throw failure;
    return { ...(await caught(run, catcher, failure)), caughtNext: catcher.Next };
  }
}

async function caught(run: StateRun, catcher: Catcher, failure: StatesError): Promise<StateResult> {
  const errorOutput = { Error: failure.error, ...(failure.cause !== undefined && { Cause: failure.cause }) };
  const context = contextOf(run);
  try {
    if (run.language === 'JSONata') {
      const output = catcher.Output === undefined ? errorOutput : await jsonata(run, context, 'Output', catcher.Output, { errorOutput });
      const assigned = catcher.Assign === undefined ? undefined : ((await jsonata(run, context, 'Assign', catcher.Assign, { errorOutput })) as Record<string, unknown>);
      return { output, ...(assigned !== undefined && { assigned }) };
    }
    const assigned = catcher.Assign === undefined ? undefined : (resolvePayloadTemplate(catcher.Assign, queryScope(errorOutput, context, run.frame), 'Assign') as Record<string, unknown>);
    return { output: applyResultPath(run.rawInput, errorOutput, catcher.ResultPath), ...(assigned !== undefined && { assigned }) };
  } catch (error) {
    throw runtimeError(run, error) ?? toStatesError(error);
  }
}
