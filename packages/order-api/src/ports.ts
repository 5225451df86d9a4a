import type { OrderRecord } from '@order-flow/contracts';
import type { ClaimResult } from '@order-flow/order-status/runtime';

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
  /**
   * Claims the start of the order's workflow for `token`: the duplicate guard. One request per
   * order gets it; the others learn the status and the execution already started, if any.
   */
  claimWorkflowStart(orderId: string, token: string): Promise<ClaimResult>;
  /** Records the execution the claim started (false: the claim went stale and was taken over). */
  recordWorkflowStarted(orderId: string, token: string, executionArn: string): Promise<boolean>;
  /** Gives the claim up after a failed start, so a retry of the request can start the workflow. */
  releaseWorkflowClaim(orderId: string, token: string): Promise<void>;
}

/** Outcome of {@link Workflow.start}. */
export interface WorkflowStart {
  readonly executionArn: string;
  /** True when an execution of this order existed already (nothing new was started). */
  readonly alreadyStarted: boolean;
}

/** Starts the order workflow (the caller makes sure it is once per order: see {@link OrderRecords.claimWorkflowStart}). */
export interface Workflow {
  /**
   * Starts the execution named `orderId` with `input`, or reports the one that exists (Standard
   * only: an Express StartExecution starts a new execution whatever its name).
   * @throws WorkflowUnavailableError when the execution could not be started
   */
  start(orderId: string, input: string): Promise<WorkflowStart>;
}
