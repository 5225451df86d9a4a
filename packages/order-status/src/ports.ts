import type { FailureReason, HistoryEntry, OrderRecord, OrderStatus, PricedLine } from '@order-flow/contracts';

/** Source of "now", injectable so tests control timestamps. */
export interface Clock {
  now(): Date;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date() };

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
   * Applies `change` only if the order exists and its status is `from`.
   * @returns the record after the change, or `undefined` when the condition did not hold.
   */
  transition(orderId: string, from: OrderStatus, change: StatusChange): Promise<OrderRecord | undefined>;
  /** The current record (strongly consistent), or `undefined`. */
  get(orderId: string): Promise<OrderRecord | undefined>;
}
