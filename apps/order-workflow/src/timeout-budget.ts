/**
 * The state machine's timeout must cover its worst-case retry budget: otherwise a long outage
 * times an execution out mid-compensation and strands the order (PENDING, stock reserved, maybe
 * a capture). Checked at synth on the synthesized definition itself.
 */
import { Stack, type Duration } from 'aws-cdk-lib';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { worstCaseDuration, type WorstCase } from '@order-flow/step-functions';

/** Options of {@link addTimeoutBudgetCheck}. */
export interface TimeoutBudgetOptions {
  /**
   * The longest one attempt of a Task without `TimeoutSeconds` may take: the step functions'
   * timeout (construct-kit's default is 10 s) plus the Invoke round trip.
   * @default 15
   */
  readonly taskSeconds?: number;
}

/**
 * Adds a synth-time validation to `stateMachine`: its worst-case duration (every retrier of every
 * state exhausted in turn, along the longest path incl. Catch paths; see `worstCaseDuration` of
 * `@order-flow/step-functions`) must fit in `timeout`. `cdk synth` fails naming the budget and
 * the path when it does not.
 */
export function addTimeoutBudgetCheck(stateMachine: sfn.StateMachine, timeout: Duration, options: TimeoutBudgetOptions = {}): void {
  stateMachine.node.addValidation({
    validate: () => {
      const budget = timeoutBudgetOf(stateMachine, options);
      const limit = timeout.toSeconds();
      if (budget.seconds <= limit) return [];
      const why = budget.unbounded.length > 0 ? `unbounded: ${budget.unbounded.join('; ')}` : `${Math.ceil(budget.seconds)} s along ${budget.path.join(' -> ')}`;
      return [`The state machine's timeout (${limit} s) is shorter than its worst-case retry budget (${why}): a long outage would time executions out mid-compensation.`];
    },
  });
}

/** The worst case of a synthesized state machine (its `DefinitionString` with tokens as placeholders). */
export function timeoutBudgetOf(stateMachine: sfn.StateMachine, options: TimeoutBudgetOptions = {}): WorstCase {
  const cfn = stateMachine.node.defaultChild as sfn.CfnStateMachine;
  const text = flatten(Stack.of(stateMachine).resolve(cfn.definitionString));
  const taskSeconds = options.taskSeconds ?? 15;
  return worstCaseDuration(JSON.parse(text), { taskSeconds: () => taskSeconds });
}

// Pseudo parameters as placeholders that keep ARNs well-formed for the validator.
const PSEUDO: Readonly<Record<string, string>> = { 'AWS::Partition': 'aws', 'AWS::Region': 'us-east-1', 'AWS::AccountId': '123456789012', 'AWS::URLSuffix': 'amazonaws.com' };

// Fn::Join of literal text and references (function ARNs, the partition): the references become
// placeholders, which is all the budget needs.
function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return join[1].map((part) => (typeof part === 'string' ? part : (PSEUDO[(part as { Ref?: string }).Ref ?? ''] ?? 'TOKEN'))).join(join[0]);
  throw new Error(`Unexpected DefinitionString: ${JSON.stringify(value)}`);
}
