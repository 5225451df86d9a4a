import { StatesError, toStatesError } from '../errors.js';
import { dataField } from '../history.js';
import { choiceState } from '../states/choice.js';
import { mapAttempt } from '../states/map.js';
import { parallelAttempt } from '../states/parallel.js';
import { failState, passState, succeedState } from '../states/simple.js';
import { taskAttempt } from '../states/task.js';
import { waitState } from '../states/wait.js';
import type { ExecutionEnv, Frame, QueryLanguage } from './env.js';
import { runtimeError, type StateDef, type StateResult, type StateRun } from './io.js';
import { withRetryAndCatch } from './retry-catch.js';

/** A `StartAt` + `States` block: the definition's top level, a Parallel branch, a Map processor. */
export interface StatesBlock {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, StateDef>>;
  readonly QueryLanguage?: QueryLanguage;
}

/**
 * Runs a block from StartAt to a terminal state and returns its output; throws the
 * {@link StatesError} that ends it (a Fail state, an uncaught error). Each state records its
 * `*StateEntered`/`*StateExited` events on the frame's history line.
 */
export async function runStates(block: StatesBlock, input: unknown, frame: Frame, env: ExecutionEnv): Promise<unknown> {
  let name = block.StartAt;
  let data = input;
  for (;;) {
    if (frame.signal.aborted) throw frame.signal.reason as Error;
    const state = block.States[name];
    if (!state) throw new StatesError('States.Runtime', `State '${name}' does not exist`);
    const language = (state.QueryLanguage as QueryLanguage | undefined) ?? frame.queryLanguage;
    const enteredEventId = frame.line.add(`${state.Type}StateEntered`, { name, ...dataField('input', data) });
    const run: StateRun = { name, state, rawInput: data, frame, env, enteredTime: new Date(env.clock.now()).toISOString(), enteredEventId, language };

    const { output, assigned, next } = await runState(run);
    if (assigned !== undefined) frame.variables.assign(assigned);
    if (state.Type === 'Fail') throw new StatesError('States.Runtime', 'unreachable: a Fail state throws');
    frame.line.add(`${state.Type}StateExited`, {
      name,
      ...dataField('output', output),
      ...(assigned !== undefined && {
        assignedVariables: Object.fromEntries(Object.entries(assigned).map(([key, value]) => [key, JSON.stringify(value) ?? 'null'])),
        assignedVariablesDetails: { truncated: false },
      }),
    });
    if (next === undefined) return output;
    name = next;
    data = output;
  }
}

async function runState(run: StateRun): Promise<StateResult & { next?: string }> {
  const { state } = run;
  const own = { next: state.End === true ? undefined : (state.Next as string | undefined) };
  try {
    switch (state.Type) {
      case 'Pass':
        return { ...(await passState(run)), ...own };
      case 'Wait':
        return { ...(await waitState(run)), ...own };
      case 'Succeed':
        return { ...(await succeedState(run)), next: undefined };
      case 'Fail':
        return await failState(run);
      case 'Choice':
        return await choiceState(run);
      case 'Task':
      case 'Parallel':
      case 'Map': {
        const attempt = state.Type === 'Task' ? taskAttempt : state.Type === 'Parallel' ? parallelAttempt : mapAttempt;
        const outcome = await withRetryAndCatch(run, (retryCount) => attempt(run, retryCount));
        return { output: outcome.output, ...(outcome.assigned !== undefined && { assigned: outcome.assigned }), next: outcome.caughtNext ?? own.next };
      }
      default:
        throw new StatesError('States.Runtime', `Unknown state type '${state.Type}'`);
    }
  } catch (error) {
    if (run.frame.signal.aborted) throw error;
    throw runtimeError(run, error) ?? toStatesError(error);
  }
}
