import { ErrorName, type FailureReason, type OrderStatus } from '@order-flow/contracts';

/**
 * The orderId was created before with a different order (customer, items, currency or token).
 * Not retryable: the same request will always conflict.
 */
export class OrderConflictError extends Error {
  override readonly name = ErrorName.OrderConflict;
  constructor(
    readonly orderId: string,
    readonly differences: readonly string[],
  ) {
    super(`Order ${orderId} already exists with a different ${differences.join(', ')}`);
  }
}

/** No order with this id exists. */
export class OrderNotFoundError extends Error {
  override readonly name = ErrorName.OrderNotFound;
  constructor(readonly orderId: string) {
    super(`Order ${orderId} does not exist`);
  }
}

/**
 * The requested status change is not one of PENDING -> CONFIRMED | FAILED, e.g.
 * `FAILED -> CONFIRMED is not allowed`. Also thrown for FAILED -> FAILED with a different reason:
 * the first reason stands.
 */
export class IllegalTransitionError extends Error {
  override readonly name = ErrorName.IllegalTransition;
  constructor(
    readonly orderId: string,
    readonly from: OrderStatus,
    readonly to: OrderStatus,
    /** Reason the order already has (FAILED only), and the one requested. */
    readonly reasons: { readonly current?: FailureReason; readonly requested?: FailureReason } = {},
  ) {
    const context = [
      reasons.current && `order ${from} with ${reasons.current}`,
      reasons.requested && `requested ${reasons.requested}`,
    ].filter(Boolean);
    super(`Order ${orderId}: ${from} -> ${to} is not allowed${context.length > 0 ? ` (${context.join('; ')})` : ''}`);
  }
}
