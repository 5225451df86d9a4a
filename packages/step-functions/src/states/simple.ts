import { StatesError, StatesErrors } from '../errors.js';
import { evaluateIntrinsic, isIntrinsic, readPath } from '../query/jsonpath.js';
import { queryScope } from '../interpreter/env.js';
import { contextOf, effectiveInput, finish, finishJsonPath, jsonata, type StateResult, type StateRun } from '../interpreter/io.js';
import type { ContextObject } from '../query/types.js';

/**
 * Pass ("Pass workflow state"): JSONPath — `Result` (or the effective input) placed by
 * ResultPath, then OutputPath; JSONata — `Output`, else the input unchanged.
 */
export function passState(run: StateRun): StateResult | Promise<StateResult> {
  if (run.language === 'JSONata') return finish(run, contextOf(run), run.rawInput);
  const context = jsonPathContext(run);
  // JSONPath never waits: the outcome comes back without a promise (see runState).
  const result = run.state.Result !== undefined ? run.state.Result : effectiveInput(run, context);
  return finishJsonPath(run, context, result).output;
}

/**
 * Succeed ("Succeed workflow state"): InputPath then OutputPath (JSONPath), or Output (JSONata).
 * No ResultPath: a Succeed state has no result.
 */
export function succeedState(run: StateRun): StateResult | Promise<StateResult> {
  if (run.language === 'JSONata') return finish(run, contextOf(run), run.rawInput);
  const context = jsonPathContext(run);
  return finishJsonPath(run, context, effectiveInput(run, context, null), { resultPath: false }).output;
}

// The fields through which a JSONPath Pass or Succeed state can read `$$` (paths and payload
// templates; Result and ResultPath cannot). A state with none of them never reads its context
// object, so none is made: Pass chains are where the engine spends its time per state.
const CONTEXT_READERS = ['InputPath', 'Parameters', 'ResultSelector', 'Assign', 'OutputPath'] as const;

function jsonPathContext(run: StateRun): ContextObject {
  return CONTEXT_READERS.some((field) => run.state[field] !== undefined) ? contextOf(run) : UNREAD_CONTEXT;
}

// Stands for the context object of a state that has no field to read it: any read is a bug in
// CONTEXT_READERS, and fails loudly instead of reading an empty context.
const UNREAD_CONTEXT = new Proxy({} as ContextObject, {
  get(_target, key) {
    throw new Error(`Internal error: the context object was read (${String(key)}) by a state with no field that reads it`);
  },
});

/**
 * Fail ("Fail workflow state"): Error/Cause as given, or from ErrorPath/CausePath (a path or an
 * intrinsic function over the input), or JSONata expressions. Always throws.
 */
export async function failState(run: StateRun): Promise<never> {
  const context = contextOf(run);
  const { state } = run;
  const read = async (field: 'Error' | 'Cause'): Promise<string | undefined> => {
    let value: unknown = state[field];
    if (run.language === 'JSONata' && value !== undefined) value = await jsonata(run, context, field, value);
    const path = state[`${field}Path`];
    if (typeof path === 'string') {
      const scope = queryScope(run.rawInput, context, run.frame);
      value = isIntrinsic(path) ? evaluateIntrinsic(path, scope) : readPath(path, scope);
    }
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      throw new StatesError(
        run.language === 'JSONata' ? StatesErrors.QueryEvaluationError : StatesErrors.Runtime,
        `The ${field}${run.language === 'JSONata' ? '' : 'Path'} field must resolve to a string, got ${JSON.stringify(value)}`,
      );
    }
    return value;
  };
  const error = await read('Error');
  const cause = await read('Cause');
  throw new FailStateError(error, cause);
}

/** What a Fail state raises: its Error and Cause may both be absent, as on AWS. */
export class FailStateError extends StatesError {
  constructor(
    readonly failError: string | undefined,
    readonly failCause: string | undefined,
  ) {
    super(failError ?? '', failCause);
  }
}
