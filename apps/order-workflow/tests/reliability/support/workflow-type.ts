/**
 * Which workflow type this run of the reliability suite tests. The suite runs once per type
 * (`pnpm test:reliability` runs both, as two vitest projects); every scenario starts its stack
 * through {@link reliabilityStack} so the type and its delivery semantics come from one place.
 *
 * Express runs with the engine's at-least-once delivery on ("Standard vs. Express Workflows" >
 * execution semantics: Express is at-least-once): task calls repeated and whole executions run
 * again, so every invariant is checked against redelivery, not only against the faults a scenario
 * injects itself.
 */
import type { OrderRequest } from '@order-flow/contracts';
import { DynamoDbOrderStore, OrderService } from '@order-flow/order-status/runtime';
import { LocalOrderStack, type LocalOrderStackOptions } from '../../../src/local/stack.js';
import type { WorkflowType } from '../../../src/app.js';

/** The environment variable the reliability projects set: STANDARD (default) or EXPRESS. */
export const WORKFLOW_TYPE_ENV = 'ORDER_FLOW_WORKFLOW_TYPE';

/** The workflow type under test. */
export function workflowTypeUnderTest(): WorkflowType {
  const value = process.env[WORKFLOW_TYPE_ENV] ?? 'STANDARD';
  if (value !== 'STANDARD' && value !== 'EXPRESS') throw new Error(`${WORKFLOW_TYPE_ENV}: must be STANDARD or EXPRESS, got '${value}'`);
  return value;
}

/** At-least-once delivery of the Express runs: one task call in ten repeated, one execution in twenty run again. */
export const EXPRESS_REDELIVERY = { taskRedelivery: 0.1, executionRestart: 0.05 } as const;

/** `options` for the workflow type under test (Express: at-least-once delivery on). */
export function reliabilityOptions(options: LocalOrderStackOptions = {}): LocalOrderStackOptions {
  const workflowType = workflowTypeUnderTest();
  return { workflowType, ...(workflowType === 'EXPRESS' && { expressAtLeastOnce: EXPRESS_REDELIVERY }), ...options };
}

/** Starts the order stack for the workflow type under test. */
export function reliabilityStack(options: LocalOrderStackOptions = {}): Promise<LocalOrderStack> {
  return LocalOrderStack.start(reliabilityOptions(options));
}

/**
 * Express: records each order PENDING, as the API does before it starts an execution (a no-op
 * for Standard, whose scenarios start executions the bare way on purpose: the reconciler records
 * an order its execution never wrote, from the execution's status-change event). An Express
 * execution leaves nothing the reconciler can find (no status-change events; its sweep reads the
 * orders table), so an order whose CreateOrder never wrote would be lost: Express orders come in
 * through the API, never by a bare StartExecution.
 */
export async function acceptLikeTheApi(stack: LocalOrderStack, orders: readonly OrderRequest[]): Promise<void> {
  if (workflowTypeUnderTest() !== 'EXPRESS') return;
  const records = new OrderService(new DynamoDbOrderStore(stack.db, stack.tables.orders));
  for (const order of orders) await records.create(order, 'OrderApi');
}
