/**
 * Walks a state machine definition (Amazon States Language) to count what Step Functions bills:
 * every state entered is one state transition, and every Retry attempt is another one.
 */

/** The parts of an ASL state the walk reads. */
export interface AslState {
  readonly Type: string;
  readonly Next?: string;
  readonly End?: boolean;
  readonly Resource?: string;
  readonly Catch?: readonly { readonly ErrorEquals: readonly string[]; readonly Next: string }[];
  readonly Retry?: readonly { readonly ErrorEquals: readonly string[]; readonly MaxAttempts?: number }[];
}

/** The parts of an ASL definition the walk reads. */
export interface AslDefinition {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, AslState>>;
}

/** One path from StartAt to a terminal state. */
export interface AslPath {
  /** `Confirmed`, or the caught error and where it was caught, e.g. `PaymentDeclined@ProcessPayment`. */
  readonly name: string;
  /** States entered, in order. */
  readonly states: readonly string[];
  /** The terminal state (Succeed/Fail/End). */
  readonly end: string;
  /** States entered = Standard state transitions when no Retry fires. */
  readonly transitions: number;
  /** How many of the entered states are Lambda invocations. */
  readonly lambdaInvocations: number;
  /** How many are other service integrations (e.g. EventBridge PutEvents). */
  readonly otherTasks: number;
}

/** Whether a Task state invokes a Lambda function (lambda:invoke integration or a function ARN). */
export function isLambdaTask(state: AslState): boolean {
  return state.Type === 'Task' && /:lambda:|:::lambda:invoke/.test(state.Resource ?? '');
}

/**
 * Every simple path from StartAt to a terminal state, following `Next` (success) and each
 * `Catch` (failure). Retries are not paths: see {@link retryAttempts}.
 */
export function enumeratePaths(definition: AslDefinition): AslPath[] {
  const paths: AslPath[] = [];
  const walk = (name: string, trail: readonly string[], label: string): void => {
    if (trail.includes(name)) return; // a loop would be an unbounded path; this workflow has none
    const state = definition.States[name];
    if (!state) throw new Error(`State ${name} is referenced but not defined`);
    const states = [...trail, name];
    const terminal = state.Type === 'Succeed' || state.Type === 'Fail' || state.End === true || (!state.Next && state.Type !== 'Choice');
    if (terminal) {
      const entered = states.map((s) => definition.States[s]!);
      paths.push({
        name: label || 'Succeeded',
        states,
        end: name,
        transitions: states.length,
        lambdaInvocations: entered.filter(isLambdaTask).length,
        otherTasks: entered.filter((s) => s.Type === 'Task' && !isLambdaTask(s)).length,
      });
      return;
    }
    if (state.Next) walk(state.Next, states, label);
    for (const c of state.Catch ?? []) walk(c.Next, states, label ? `${label}, ${c.ErrorEquals.join('|')}@${name}` : `${c.ErrorEquals.join('|')}@${name}`);
  };
  walk(definition.StartAt, [], '');
  return paths;
}

/** MaxAttempts of the first retrier of `state` matching `error` (what a persistent error costs). */
export function retryAttempts(definition: AslDefinition, state: string, error: string): number {
  const retriers = definition.States[state]?.Retry ?? [];
  const match = retriers.find((r) => r.ErrorEquals.includes(error) || r.ErrorEquals.includes('States.ALL'));
  return match ? (match.MaxAttempts ?? 3) : 0;
}

/**
 * The definition of a synthesized AWS::StepFunctions::StateMachine: its `DefinitionString`
 * (an `Fn::Join` of JSON text and tokens) with each token replaced by a placeholder string,
 * which keeps the JSON shape (tokens only ever stand in for string values).
 */
export function definitionFromTemplate(properties: Record<string, unknown>): AslDefinition {
  const raw = properties.DefinitionString;
  if (typeof raw === 'string') return JSON.parse(raw) as AslDefinition;
  const join = (raw as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (!join) throw new Error('DefinitionString is neither a string nor an Fn::Join');
  const text = join[1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join(join[0]);
  return JSON.parse(text) as AslDefinition;
}
