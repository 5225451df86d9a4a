import { ErrorName } from '@order-flow/contracts';
import { type DeclineCode } from '../contract.js';

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

/**
 * The order's payment was voided: a refund (the workflow's compensation) ran before this charge,
 * or while it was in flight. Nothing is kept: either the gateway refused the charge, or the
 * capture it made was refunded before this was thrown. Final, so the workflow never retries it.
 */
export class PaymentVoided extends Error {
  override readonly name = ErrorName.PaymentVoided;

  /** @param orderId the order (idempotency key) whose charge was refused */
  constructor(
    readonly orderId: string,
    detail = 'a refund voided it before the charge could be kept',
  ) {
    super(`Payment for order ${orderId} was voided: ${detail}; a voided order is never charged`);
  }
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
