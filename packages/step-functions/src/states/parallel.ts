import type { StatesError} from '../errors.js';
import { toStatesError } from '../errors.js';
import { runStates, type StatesBlock } from '../interpreter/run-states.js';
import { contextOf, effectiveInput, finishFanOut, jsonata, type StateResult, type StateRun } from '../interpreter/io.js';

/**
 * One attempt of a Parallel state ("Parallel workflow state"): every branch gets the effective
 * input and runs at once, each in its own variable scope and history line; the result is the
 * array of branch outputs in branch order. The first branch to fail fails the state with its
 * error, and the other branches are stopped.
 */
export async function parallelAttempt(run: StateRun, retryCount: number): Promise<StateResult> {
  const { env, frame, state } = run;
  const context = contextOf(run, retryCount);
  const input = run.language === 'JSONata' ? (state.Arguments === undefined ? run.rawInput : await jsonata(run, context, 'Arguments', state.Arguments)) : effectiveInput(run, context);
  const branches = (state.Branches as readonly StatesBlock[]) ?? [];
  frame.line.add('ParallelStateStarted');

  const stop = new AbortController();
  const signal = AbortSignal.any([frame.signal, stop.signal]);
  let firstFailure: StatesError | undefined;
  const outputs = await Promise.all(
    branches.map(async (branch) => {
      try {
        return await runStates(branch, input, { ...frame, line: frame.line.fork(), variables: frame.variables.child(), queryLanguage: run.language, signal }, env);
      } catch (error) {
        if (firstFailure === undefined && !frame.signal.aborted) {
          firstFailure = toStatesError(error);
          stop.abort(firstFailure);
        }
        return undefined;
      }
    }),
  );
  return finishFanOut(run, context, 'Parallel', outputs, firstFailure);
}
