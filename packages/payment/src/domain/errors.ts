import { ErrorName, type DeclineCode } from '@order-flow/contracts';

/**
 * The gateway refused the charge. Final for this order: a retry with the same orderId gets the
 * same decline, so the workflow catches it instead of retrying.
 */
export class PaymentDeclined extends Error {
  override readonly name = ErrorName.PaymentDeclined;

  /**
   * @param declineCode the gateway's reason, e.g. `insufficient_funds`
   * @param orderId the order (idempotency key) the charge was for
   */
  constructor(
    readonly declineCode: DeclineCode,
    readonly orderId?: string,
  ) {
    super(`Payment${orderId ? ` for order ${orderId}` : ''} was declined: ${declineCode}`);
  }
}

/** Transient: the gateway could not be reached or failed on its side. Safe to retry. */
export class PaymentGatewayUnavailable extends Error {
  override readonly name = ErrorName.PaymentGatewayUnavailable;
}

/**
 * The idempotency key (orderId) was used before for a different charge, or for a payment that
 * can no longer be charged. Retrying cannot help, so it is never retried.
 */
export class PaymentIdempotencyConflict extends Error {
  override readonly name = ErrorName.PaymentIdempotencyConflict;
}

/** Conflict message naming both charges, so an operator sees what differed. */
export function conflictMessage(
  key: string,
  existing: { amount: number; currency: string },
  requested: { amount: number; currency: string },
): string {
  return (
    `Idempotency key ${key} was already used to charge ${existing.amount} ${existing.currency}; ` +
    `refusing to charge ${requested.amount} ${requested.currency} with the same key`
  );
}
