import { StatesError, toStatesError } from '../errors.js';
import { jsonText, NOT_TRUNCATED } from '../history.js';
import { isoTime } from '../iso-time.js';
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

// Every <Type>StateEntered/Exited event keeps its details under these keys ("HistoryEvent" in
// the API reference: stateEnteredEventDetails, stateExitedEventDetails).
const STATE_ENTERED = 'stateEnteredEventDetails';
const STATE_EXITED = 'stateExitedEventDetails';

// `PassStateEntered`, `PassStateExited`, ... made once per state type, not once per event: every
// event keeps its type string for the execution's lifetime.
const eventTypes = new Map<string, { readonly entered: string; readonly exited: string }>();
function eventTypesOf(type: string): { readonly entered: string; readonly exited: string } {
  let types = eventTypes.get(type);
  if (types === undefined) {
    types = { entered: `${type}StateEntered`, exited: `${type}StateExited` };
    eventTypes.set(type, types);
  }
  return types;
}

/**
 * Runs a block from StartAt to a terminal state and returns its output; throws the
 * {@link StatesError} that ends it (a Fail state, an uncaught error). Each state records its
 * `*StateEntered`/`*StateExited` events on the frame's history line.
 */
export async function runStates(block: StatesBlock, input: unknown, frame: Frame, env: ExecutionEnv): Promise<unknown> {
  let name = block.StartAt;
  let data = input;
  // The JSON text of `data` when already made: a state's input is the previous state's output,
  // whose text its Exited event has just recorded.
  let dataText: string | undefined;
  for (;;) {
    if (frame.signal.aborted) throw frame.signal.reason as Error;
    const state = block.States[name];
    if (!state) throw new StatesError('States.Runtime', `State '${name}' does not exist`);
    const language = (state.QueryLanguage as QueryLanguage | undefined) ?? frame.queryLanguage;
    const types = eventTypesOf(state.Type);
    const enteredEventId = frame.line.add(types.entered, { name, input: dataText ?? jsonText(data), inputDetails: NOT_TRUNCATED }, STATE_ENTERED);
    // $$.State.EnteredTime is the StateEntered event's own timestamp (one instant, read once).
    const enteredTime = isoTime(frame.line.lastTime());
    const run: StateRun = { name, state, rawInput: data, frame, env, enteredTime, enteredEventId, language };

    const pending = runState(run);
    const { output, assigned, next } = pending instanceof Promise ? await pending : pending;
    if (assigned !== undefined) frame.variables.assign(assigned);
    if (state.Type === 'Fail') throw new StatesError('States.Runtime', 'unreachable: a Fail state throws');
    const outputText = jsonText(output);
    const exited: Record<string, unknown> = { name, output: outputText, outputDetails: NOT_TRUNCATED };
    if (assigned !== undefined) {
      exited.assignedVariables = Object.fromEntries(Object.entries(assigned).map(([key, value]) => [key, jsonText(value)]));
      exited.assignedVariablesDetails = NOT_TRUNCATED;
    }
    frame.line.add(types.exited, exited, STATE_EXITED);
    if (next === undefined) return output;
    name = next;
    data = output;
    dataText = outputText;
  }
}

/** What a state decided: its output, its assignments, the state to go to (none: the block ends). */
type Outcome = StateResult & { next?: string };

/**
 * Runs one state. JSONPath Pass, Succeed and Choice states do no I/O and never wait, so their
 * outcome comes back without a promise and the loop above goes on without a promise turn (the
 * Pass-only chains of a definition cost what their data handling costs). Everything else is a
 * promise. Errors become the States error the state fails with either way.
 */
function runState(run: StateRun): Outcome | Promise<Outcome> {
  try {
    const outcome = dispatch(run);
    if (!(outcome instanceof Promise)) return outcome;
    return outcome.catch((error: unknown) => {
      throw stateError(run, error);
    });
  } catch (error) {
    throw stateError(run, error);
  }
}

function dispatch(run: StateRun): Outcome | Promise<Outcome> {
  const { state } = run;
  const next = state.End === true ? undefined : (state.Next as string | undefined);
  switch (state.Type) {
    case 'Pass':
      return withNext(passState(run), next);
    case 'Wait':
      return waitState(run).then((result) => withNext(result, next));
    case 'Succeed':
      return withNext(succeedState(run), undefined);
    case 'Fail':
      return failState(run);
    case 'Choice':
      return choiceState(run);
    case 'Task':
    case 'Parallel':
    case 'Map': {
      const attempt = state.Type === 'Task' ? taskAttempt : state.Type === 'Parallel' ? parallelAttempt : mapAttempt;
      return withRetryAndCatch(run, (retryCount) => attempt(run, retryCount)).then((outcome) => ({
        output: outcome.output,
        ...(outcome.assigned !== undefined && { assigned: outcome.assigned }),
        next: outcome.caughtNext ?? next,
      }));
    }
    default:
      throw new StatesError('States.Runtime', `Unknown state type '${state.Type}'`);
  }
}

/** The error a state fails with: a stop passes through; a path miss is States.Runtime naming the state. */
function stateError(run: StateRun, error: unknown): unknown {
  if (run.frame.signal.aborted) return error;
  return runtimeError(run, error) ?? toStatesError(error);
}

/** A state's result with where to go next; a promise of one when the state did wait. */
function withNext(result: StateResult | Promise<StateResult>, next: string | undefined): Outcome | Promise<Outcome> {
  if (result instanceof Promise) return result.then((settled) => withNext(settled, next) as Outcome);
  return result.assigned === undefined ? { output: result.output, next } : { output: result.output, assigned: result.assigned, next };
}
