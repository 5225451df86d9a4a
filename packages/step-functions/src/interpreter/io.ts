import { StatesError } from '../errors.js';
import { evaluateJsonata, type JsonataBindings } from '../query/jsonata.js';
import { applyInputPath, applyOutputPath, applyResultPath, PathNotFoundError, resolvePayloadTemplate } from '../query/jsonpath.js';
import type { ContextObject } from '../query/types.js';
import { contextObject, queryScope, type ExecutionEnv, type Frame, type QueryLanguage } from './env.js';

/** A state of a definition, as parsed JSON (the validator has checked its shape). */
export type StateDef = Readonly<Record<string, unknown>> & { readonly Type: string };

/** One entry into one state. */
export interface StateRun {
  readonly name: string;
  readonly state: StateDef;
  /** The state's input as it arrived (`$states.input`, JSONPath `$` before InputPath). */
  readonly rawInput: unknown;
  readonly frame: Frame;
  readonly env: ExecutionEnv;
  readonly enteredTime: string;
  /** Id of the `*StateEntered` event (AWS cites it in States.Runtime causes). */
  readonly enteredEventId: number;
  readonly language: QueryLanguage;
}

/** What a state produced: its output and the variables its Assign sets. */
export interface StateResult {
  readonly output: unknown;
  readonly assigned?: Readonly<Record<string, unknown>>;
}

/** The context object of this entry, with the attempt's retry count and task token. */
export function contextOf(run: StateRun, retryCount = 0, taskToken?: string): ContextObject {
  return contextObject(run.env, run.frame, { name: run.name, enteredTime: run.enteredTime, retryCount }, taskToken);
}

/** JSONPath: InputPath, then (where the state has it) Parameters — the effective input. */
export function effectiveInput(run: StateRun, context: ContextObject, parametersField: 'Parameters' | null = 'Parameters'): unknown {
  const inputPath = run.state.InputPath as string | null | undefined;
  // No InputPath (the common case) selects the whole input: no scope to build.
  const selected = inputPath === undefined ? run.rawInput : withField('InputPath', () => applyInputPath(inputPath, queryScope(run.rawInput, context, run.frame)));
  const template = parametersField === null ? undefined : run.state[parametersField];
  if (template === undefined) return selected;
  return resolvePayloadTemplate(template, queryScope(selected, context, run.frame), parametersField ?? 'Parameters');
}

/** JSONata bindings of this entry. */
export function bindings(run: StateRun, context: ContextObject, extra: Pick<JsonataBindings, 'result' | 'errorOutput'> = {}): JsonataBindings {
  return { input: run.rawInput, context, variables: run.frame.variables.visible(), ...extra };
}

/** Evaluates a JSONata field of the state (a literal passes through). */
export function jsonata(run: StateRun, context: ContextObject, field: string, value: unknown, extra: Pick<JsonataBindings, 'result' | 'errorOutput'> = {}): Promise<unknown> {
  return evaluateJsonata(value, bindings(run, context, extra), field);
}

/** What {@link finish} does besides the result: which of the result fields apply. */
export interface FinishOptions {
  /** ResultSelector applies (Task, Parallel, Map). */
  readonly resultSelector?: boolean;
  /** ResultPath applies (not for Choice, Wait, Succeed). @default true */
  readonly resultPath?: boolean;
  /** JSONata: the output when the state has no `Output`. @default - the result */
  readonly jsonataDefault?: unknown;
}

/**
 * Turns a state's result into its output and assignments, in each query language's order:
 * JSONPath ResultSelector -> (Assign on the selected result) -> ResultPath -> OutputPath;
 * JSONata Output (default: the result) and Assign, both over `$states.result`.
 * Assign and Output both see the variables as they were before this state assigned any.
 *
 * @param result the task/branch/iteration result, or for Pass/Wait/Choice/Succeed the value
 *   that plays its part (see each state)
 */
export async function finish(run: StateRun, context: ContextObject, result: unknown, options: FinishOptions = {}): Promise<StateResult> {
  const { state } = run;
  if (run.language === 'JSONata') {
    const output = state.Output === undefined ? (options.jsonataDefault ?? result) : await jsonata(run, context, 'Output', state.Output, { result });
    const assigned = state.Assign === undefined ? undefined : ((await jsonata(run, context, 'Assign', state.Assign, { result })) as Record<string, unknown>);
    return { output, ...(assigned !== undefined && { assigned }) };
  }
  return finishJsonPath(run, context, result, options).output;
}

/**
 * Ends an attempt of a state that fans out (Map iterations, Parallel branches) once every
 * branch has settled: an aborted execution rethrows its reason, a failure fails the state with a
 * `<Kind>StateFailed` event carrying its error and cause, and otherwise the outputs, in order,
 * are the state's result (ResultSelector applies, as "Map" and "Parallel" state pages say).
 *
 * @param kind the state type, which names the history events
 * @param failure the error that fails the state, if any branch's failure does
 */
export async function finishFanOut(run: StateRun, context: ContextObject, kind: 'Map' | 'Parallel', outputs: unknown[], failure: StatesError | undefined): Promise<StateResult> {
  const { frame } = run;
  if (frame.signal.aborted) throw frame.signal.reason as Error;
  if (failure !== undefined) {
    frame.line.add(`${kind}StateFailed`, { error: failure.error, ...(failure.cause !== undefined && { cause: failure.cause }) });
    throw failure;
  }
  frame.line.add(`${kind}StateSucceeded`);
  return finish(run, context, outputs, { resultSelector: true });
}

/** What {@link finishJsonPath} made of a result, step by step (TestState reports each step). */
export interface JsonPathSteps {
  readonly output: StateResult;
  /** The result as it came (the task's, or what plays its part for Pass). */
  readonly result: unknown;
  /** The result after ResultSelector (the result itself without one). */
  readonly afterResultSelector: unknown;
  /** The input with the selected result placed by ResultPath (before OutputPath). */
  readonly afterResultPath: unknown;
}

/**
 * {@link finish} for a JSONPath state, synchronously (JSONPath evaluation never waits), with
 * the intermediate values: the one place that applies ResultSelector, Assign, ResultPath and
 * OutputPath, for executions and for TestState's inspection data alike.
 */
export function finishJsonPath(run: StateRun, context: ContextObject, result: unknown, options: Omit<FinishOptions, 'jsonataDefault'> = {}): JsonPathSteps {
  const { state } = run;
  const selected =
    options.resultSelector && state.ResultSelector !== undefined ? resolvePayloadTemplate(state.ResultSelector, queryScope(result, context, run.frame), 'ResultSelector') : result;
  const assigned = state.Assign === undefined ? undefined : (resolvePayloadTemplate(state.Assign, queryScope(selected, context, run.frame), 'Assign') as Record<string, unknown>);
  const merged = options.resultPath === false ? selected : applyResultPath(run.rawInput, selected, state.ResultPath as string | null | undefined);
  const outputPath = state.OutputPath as string | null | undefined;
  const output = outputPath === undefined ? merged : withField('OutputPath', () => applyOutputPath(outputPath, merged, { context, variables: run.frame.variables.visible() }));
  const steps: JsonPathSteps = { output: assigned === undefined ? { output } : { output, assigned }, result, afterResultSelector: selected, afterResultPath: merged };
  run.frame.onResult?.(run.name, steps);
  return steps;
}

/**
 * A path that matches nothing is `States.Runtime`, which no Retry or Catch handles; AWS's cause
 * names the state and the event it entered at.
 */
export function runtimeError(run: StateRun, error: unknown): StatesError | undefined {
  const prefix = `An error occurred while executing the state '${run.name}' (entered at the event id #${run.enteredEventId}).`;
  if (error instanceof FieldPathError) return new StatesError('States.Runtime', `${prefix} Invalid path '${error.path}' : No results for path: ${bracketed(error.path)}`);
  if (error instanceof PathNotFoundError) return new StatesError('States.Runtime', `${prefix} ${error.message}`);
  if (error instanceof StatesError && error.error === 'States.Runtime' && !error.cause?.startsWith('An error occurred while executing the state')) {
    return new StatesError('States.Runtime', `${prefix} ${error.cause ?? ''}`.trim());
  }
  return undefined;
}

/** A PathNotFoundError from InputPath/OutputPath, whose AWS message differs from Parameters'. */
class FieldPathError extends Error {
  constructor(
    readonly field: string,
    readonly path: string,
  ) {
    super(`${field}: no results for ${path}`);
  }
}

function withField<T>(field: string, evaluate: () => T): T {
  try {
    return evaluate();
  } catch (error) {
    if (error instanceof PathNotFoundError) throw new FieldPathError(field, error.path);
    throw error;
  }
}

// `$.a.b` -> `$['a']['b']`, as AWS quotes paths in its InputPath/OutputPath causes.
function bracketed(path: string): string {
  return path.replace(/\.([A-Za-z_][\w-]*)/g, "['$1']");
}
