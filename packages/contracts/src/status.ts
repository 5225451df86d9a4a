import { enumOf, type EnumValue } from './enum.js';

/** Where an order is in its life. PENDING -> CONFIRMED | FAILED; nothing else. */
export const OrderStatus = enumOf('PENDING', 'CONFIRMED', 'FAILED');
export type OrderStatus = EnumValue<typeof OrderStatus>;

/**
 * Why an order FAILED. The first five are decided by the workflow, and each is also the `Error`
 * of its Fail state, so execution metrics count failures by reason. The last four are set by the
 * reconciler, for an order its workflow left PENDING: the execution timed out (`TIMED_OUT`), was
 * stopped (`ABORTED`) or failed without settling the order (`WORKFLOW_FAILED`: a compensation gave
 * up, say), or the order was still PENDING past the workflow's timeout with no end of execution
 * seen (`STALLED`: its execution never started, or died with a local runtime).
 */
export const FailureReason = enumOf(
  // Decided by the workflow.
  'OUT_OF_STOCK', 'UNKNOWN_SKU', 'PAYMENT_DECLINED', 'PAYMENT_ERROR', 'INTERNAL_ERROR',
  // Set by the reconciler.
  'TIMED_OUT', 'ABORTED', 'WORKFLOW_FAILED', 'STALLED',
);
export type FailureReason = EnumValue<typeof FailureReason>;

/**
 * Stable error names. A step throws an Error whose `name` is one of these; Lambda reports it as
 * `errorType` and Step Functions matches it in `Retry`/`Catch` `ErrorEquals`.
 */
export const ErrorName = {
  /** Step input failed schema validation; the message names every field and rule. */
  InvalidInput: 'InvalidInput',
  /** The submitted order failed validation; the message names every field and rule. */
  InvalidOrder: 'InvalidOrder',
  OutOfStock: 'OutOfStock',
  UnknownSku: 'UnknownSku',
  /** Transient: concurrent transactions on the same SKUs; safe to retry. */
  InventoryContention: 'InventoryContention',
  PaymentDeclined: 'PaymentDeclined',
  /** Transient: the gateway could not be reached or answered 5xx; safe to retry. */
  PaymentGatewayUnavailable: 'PaymentGatewayUnavailable',
  /** The same idempotency key (orderId) was charged before with a different amount or currency. */
  PaymentIdempotencyConflict: 'PaymentIdempotencyConflict',
  /**
   * The order's payment was voided (a refund/compensation ran first, or while the charge was in
   * flight): the charge is refused and nothing is kept. Final; never retried.
   */
  PaymentVoided: 'PaymentVoided',
  IllegalTransition: 'IllegalTransition',
  OrderNotFound: 'OrderNotFound',
  /** The same orderId was created before with a different order. */
  OrderConflict: 'OrderConflict',
} as const;
// Written out, not enumOf: each name's TSDoc says when a step throws it.
export type ErrorName = EnumValue<typeof ErrorName>;
