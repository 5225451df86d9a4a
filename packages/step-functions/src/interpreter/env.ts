import type { Clock } from '../clock.js';
import type { HistoryLine, HistoryRecorder } from '../history.js';
import type { TaskDispatcher } from '../integrations/dispatch.js';
import type { ContextObject, QueryScope } from '../query/types.js';
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
}

/** The context object (`$$`) for a state of this frame. */
export function contextObject(
  env: ExecutionEnv,
  frame: Frame,
  state: { name: string; enteredTime: string; retryCount: number },
  taskToken?: string,
): ContextObject {
  return {
    Execution: {
      Id: env.execution.arn,
      Input: env.execution.input,
      Name: env.execution.name,
      ...(env.execution.roleArn !== undefined && { RoleArn: env.execution.roleArn }),
      StartTime: env.execution.startTime,
      RedriveCount: 0,
    },
    State: { EnteredTime: state.enteredTime, Name: state.name, RetryCount: state.retryCount },
    StateMachine: { Id: env.stateMachine.arn, Name: env.stateMachine.name },
    ...(taskToken !== undefined && { Task: { Token: taskToken } }),
    ...(frame.mapItem !== undefined && { Map: { Item: frame.mapItem } }),
  };
}

/** The query scope of a state: `$`, `$$` and the variables visible in its frame. */
export function queryScope(input: unknown, context: ContextObject, frame: Frame): QueryScope {
  return { input, context, variables: frame.variables.visible() };
}

/** Re-exported for state modules. */
export type { HistoryRecorder };
