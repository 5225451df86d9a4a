/**
 * What a path or expression of a state may read: the state's input (`$` / `$states.input`), the
 * context object (`$$` / `$states.context`) and the workflow variables in scope (`$name`).
 */
export interface QueryScope {
  /** The data `$` refers to (JSONPath) or `$states.input` (JSONata). */
  readonly input: unknown;
  /** The context object (`$$`): Execution, State, StateMachine, Task, Map. */
  readonly context: ContextObject;
  /** Workflow variables visible to this state (from `Assign`), by name without the `$`. */
  readonly variables: Readonly<Record<string, unknown>>;
}

/** The context object as Step Functions documents it ("Accessing execution data from the Context object"). */
export interface ContextObject {
  readonly Execution: {
    readonly Id: string;
    readonly Input: unknown;
    readonly Name: string;
    readonly RoleArn?: string;
    readonly StartTime: string;
    readonly RedriveCount: number;
  };
  readonly State: { readonly EnteredTime: string; readonly Name: string; readonly RetryCount: number };
  readonly StateMachine: { readonly Id: string; readonly Name: string };
  readonly Task?: { readonly Token: string };
  readonly Map?: { readonly Item: { readonly Index: number; readonly Value: unknown; readonly Key?: string } };
}
