import { StatesError, StatesErrors } from '../errors.js';
import { readPath } from '../query/jsonpath.js';
import { queryScope } from '../interpreter/env.js';
import { contextOf, effectiveInput, finish, jsonata, type StateResult, type StateRun } from '../interpreter/io.js';
import { parseTimestamp } from './choice-rules.js';

/**
 * Wait ("Wait workflow state"): Seconds, Timestamp, SecondsPath or TimestampPath (read from the
 * effective input), or JSONata Seconds/Timestamp. The wait runs on the engine's clock, so under
 * virtual time a day-long wait is instant while the history shows the day.
 */
export async function waitState(run: StateRun): Promise<StateResult> {
  const context = contextOf(run);
  const { state } = run;
  const jsonataState = run.language === 'JSONata';
  const input = jsonataState ? run.rawInput : effectiveInput(run, context, null);
  const scope = queryScope(input, context, run.frame);
  const errorName = jsonataState ? StatesErrors.QueryEvaluationError : StatesErrors.Runtime;

  let seconds: unknown = jsonataState && state.Seconds !== undefined ? await jsonata(run, context, 'Seconds', state.Seconds) : state.Seconds;
  let timestamp: unknown = jsonataState && state.Timestamp !== undefined ? await jsonata(run, context, 'Timestamp', state.Timestamp) : state.Timestamp;
  if (typeof state.SecondsPath === 'string') seconds = readPath(state.SecondsPath, scope);
  if (typeof state.TimestampPath === 'string') timestamp = readPath(state.TimestampPath, scope);

  let waitMs = 0;
  if (seconds !== undefined) {
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0) {
      throw new StatesError(errorName, `The Seconds value must be a non-negative integer, got ${JSON.stringify(seconds)}`);
    }
    waitMs = seconds * 1000;
  } else if (timestamp !== undefined) {
    const due = typeof timestamp === 'string' ? parseTimestamp(timestamp) : undefined;
    if (due === undefined) throw new StatesError(errorName, `The Timestamp value must be an RFC3339 timestamp, got ${JSON.stringify(timestamp)}`);
    waitMs = Math.max(0, due - run.env.clock.now());
  }
  await run.env.clock.sleep(waitMs, run.frame.signal);
  return finish(run, context, input, { resultPath: false });
}
