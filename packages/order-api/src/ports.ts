import type { OrderRecord } from '@order-flow/contracts';

/**
 * The order-status use cases the API needs. `OrderService` from
 * `@order-flow/order-status/runtime` implements it, so the API and the workflow share one set of
 * rules (validation, conflict detection, idempotent create) and one table layout.
 */
export interface OrderRecords {
  /**
   * Stores the order PENDING; a repeat with the same content returns the stored record unchanged.
   * @throws an error named `OrderConflict` when the id exists with a different order
   */
  create(order: unknown, causedBy: string): Promise<OrderRecord>;
  /** The order record, or `undefined` when there is none. */
  get(orderId: string): Promise<OrderRecord | undefined>;
}

/** Outcome of {@link Workflow.start}. */
export interface WorkflowStart {
  readonly executionArn: string;
  /** True when an execution of this order existed already (nothing new was started). */
  readonly alreadyStarted: boolean;
}

/** Starts the order workflow, one execution per order. */
export interface Workflow {
  /**
   * Starts the execution named `orderId` with `input`, or reports the one that exists.
   * @throws WorkflowUnavailableError when the execution could not be started
   */
  start(orderId: string, input: string): Promise<WorkflowStart>;
}
