import { StatesError, StatesErrors } from '../errors.js';
import { evaluateIntrinsic, isIntrinsic, readPath } from '../query/jsonpath.js';
import { queryScope } from '../interpreter/env.js';
import { contextOf, effectiveInput, finish, jsonata, type StateResult, type StateRun } from '../interpreter/io.js';

/**
 * Pass ("Pass workflow state"): JSONPath — `Result` (or the effective input) placed by
 * ResultPath, then OutputPath; JSONata — `Output`, else the input unchanged.
 */
export async function passState(run: StateRun): Promise<StateResult> {
  const context = contextOf(run);
  if (run.language === 'JSONata') return finish(run, context, run.rawInput);
  const result = run.state.Result !== undefined ? run.state.Result : effectiveInput(run, context);
  return finish(run, context, result);
}

/**
 * Succeed ("Succeed workflow state"): InputPath then OutputPath (JSONPath), or Output (JSONata).
 * No ResultPath: a Succeed state has no result.
 */
export async function succeedState(run: StateRun): Promise<StateResult> {
  const context = contextOf(run);
  if (run.language === 'JSONata') return finish(run, context, run.rawInput);
  return finish(run, context, effectiveInput(run, context, null), { resultPath: false });
}

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
