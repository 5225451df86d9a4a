import type { FailureReason, HistoryEntry, OrderRecord, OrderStatus, PricedLine } from '@order-flow/contracts';

/** Source of "now", injectable so tests control timestamps (one definition, in lambda-kit). */
export { systemClock, type Clock } from '@order-flow/lambda-kit';

/** A status change to apply atomically, only if the order is still in the expected status. */
export interface StatusChange {
  readonly status: OrderStatus;
  readonly updatedAt: string;
  /** Appended to the record's history in the same write. */
  readonly entry: HistoryEntry;
  readonly reason?: FailureReason;
  readonly lines?: readonly PricedLine[];
  readonly total?: number;
  readonly paymentId?: string;
}

/**
 * Who is starting an order's workflow execution: a claim written on the order record, so that
 * of two requests for one order exactly one starts the execution (Express's StartExecution is
 * not idempotent by name; Standard's is, and the claim costs it nothing it relies on).
 */
export interface WorkflowClaim {
  /** The claimant's token (e.g. the API request id). */
  readonly token: string;
  /** When the claim was made (ISO 8601). */
  readonly at: string;
}

/** Outcome of {@link OrderStore.claimWorkflowStart}. */
export type ClaimResult =
  | { readonly claimed: true }
  | {
      readonly claimed: false;
      /** The order's status, `undefined` when there is no such order. */
      readonly status: OrderStatus | undefined;
      /** The execution already started for it, if one was recorded. */
      readonly executionArn?: string;
      /** When the claim that stands was made, if one does. */
      readonly claimedAt?: string;
    };

/** Outcome of {@link OrderStore.putIfAbsent}. */
export type PutIfAbsentResult = { readonly created: true } | { readonly created: false; readonly existing: OrderRecord };

/**
 * Persistence of order records. Every write is conditional, so concurrent callers cannot both
 * win: the store, not the caller's earlier read, decides.
 */
export interface OrderStore {
  /** Writes `record` unless an order with its id exists; then returns the existing record. */
  putIfAbsent(record: OrderRecord): Promise<PutIfAbsentResult>;
  /**
   * Applies `change` only if the order exists and its stored status is one of `from`, checked
   * in the same atomic write (not by an earlier read).
   * @returns the record after the change, or `undefined` when the condition did not hold.
   */
  transition(orderId: string, from: readonly OrderStatus[], change: StatusChange): Promise<OrderRecord | undefined>;
  /** The current record (strongly consistent), or `undefined`. */
  get(orderId: string): Promise<OrderRecord | undefined>;
  /**
   * Records `claim` as the one starting the order's workflow, in one conditional write: only if
   * the order is PENDING, has no started execution, and has no claim made at or after
   * `staleBefore` (a claimant that crashed loses its claim once it is stale).
   */
  claimWorkflowStart(orderId: string, claim: WorkflowClaim, staleBefore: string): Promise<ClaimResult>;
  /**
   * Records the started execution, only if `token` still holds the claim.
   * @returns false when the claim was lost (taken over after going stale)
   */
  recordWorkflowStarted(orderId: string, token: string, executionArn: string): Promise<boolean>;
  /** Gives up the claim (the execution could not be started), only if `token` holds it. */
  releaseWorkflowClaim(orderId: string, token: string): Promise<void>;
}
