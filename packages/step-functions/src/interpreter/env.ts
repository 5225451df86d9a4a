import type { Clock } from '../clock.js';
import type { HistoryLine, HistoryRecorder } from '../history.js';
import type { TaskDispatcher } from '../integrations/dispatch.js';
import type { ContextObject, QueryScope } from '../query/types.js';
import type { JsonPathSteps } from './io.js';
import type { VariableScope } from './variables.js';

/** Query language of a state: its own `QueryLanguage`, else the definition's, else JSONPath. */
export type QueryLanguage = 'JSONPath' | 'JSONata';

/** What every state of one execution shares. */
export interface ExecutionEnv {
  readonly clock: Clock;
  readonly history: HistoryRecorder;
  /** Aborts when the execution is stopped or times out. */
  readonly signal: AbortSignal;
  readonly execution: { readonly arn: string; readonly name: string; readonly input: unknown; readonly startTime: string; readonly roleArn?: string };
  readonly stateMachine: { readonly arn: string; readonly name: string };
  readonly region: string;
  readonly tasks: TaskDispatcher;
  /** Uniform in [0, 1): Retry jitter, seeded when the engine is. */
  readonly random: () => number;
}

/** Where a state runs: its history line, its variables, the Map item it belongs to. */
export interface Frame {
  readonly line: HistoryLine;
  readonly variables: VariableScope;
  readonly queryLanguage: QueryLanguage;
  readonly mapItem?: { readonly Index: number; readonly Value: unknown };
  /** Aborts this branch/iteration (a sibling failed) or the whole execution. */
  readonly signal: AbortSignal;
  /**
   * Sees what each JSONPath state of this frame made of its result (TestState's inspection data
   * reads it there rather than computing it a second time).
   * @default - nobody looks
   */
  readonly onResult?: (stateName: string, steps: JsonPathSteps) => void;
}

/** The context object (`$$`) for a state of this frame. */
export function contextObject(
  env: ExecutionEnv,
  frame: Frame,
  state: { name: string; enteredTime: string; retryCount: number },
  taskToken?: string,
): ContextObject {
  const { execution, stateMachine } = executionParts(env);
  const context: { -readonly [K in keyof ContextObject]: ContextObject[K] } = {
    Execution: execution,
    State: { EnteredTime: state.enteredTime, Name: state.name, RetryCount: state.retryCount },
    StateMachine: stateMachine,
  };
  if (taskToken !== undefined) context.Task = { Token: taskToken };
  if (frame.mapItem !== undefined) context.Map = { Item: frame.mapItem };
  return context;
}

type ExecutionParts = { readonly execution: ContextObject['Execution']; readonly stateMachine: ContextObject['StateMachine'] };

// `$$.Execution` and `$$.StateMachine` are the same for every state of an execution: made once
// per execution (frozen, since every state's context shares them), not once per state.
const partsOf = new WeakMap<ExecutionEnv['execution'], ExecutionParts>();
function executionParts(env: ExecutionEnv): ExecutionParts {
  let parts = partsOf.get(env.execution);
  if (parts === undefined) {
    const { arn, input, name, roleArn, startTime } = env.execution;
    parts = {
      execution: Object.freeze({ Id: arn, Input: input, Name: name, ...(roleArn !== undefined && { RoleArn: roleArn }), StartTime: startTime, RedriveCount: 0 }),
      stateMachine: Object.freeze({ Id: env.stateMachine.arn, Name: env.stateMachine.name }),
    };
    partsOf.set(env.execution, parts);
  }
  return parts;
}

/** The query scope of a state: `$`, `$$` and the variables visible in its frame. */
export function queryScope(input: unknown, context: ContextObject, frame: Frame): QueryScope {
  return { input, context, variables: frame.variables.visible() };
}

/** Re-exported for state modules. */
export type { HistoryRecorder };
