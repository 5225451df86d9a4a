import type { DeclineCode, PaymentStatus } from '@order-flow/contracts';

/** What the step asks a gateway to charge. The key makes a repeated request a no-op. */
export interface GatewayChargeRequest {
  /** The orderId: the same key never charges twice. */
  readonly idempotencyKey: string;
  /** Integer minor units. */
  readonly amount: number;
  readonly currency: string;
  /** A gateway token (`tok_...`), never a card number. */
  readonly token: string;
}

/** What the step asks a gateway to refund. */
export interface GatewayRefundRequest {
  /** The key the charge was made with. */
  readonly idempotencyKey: string;
  readonly chargeId: string;
  readonly amount: number;
}

/** The gateway's own view of a charge, as returned by {@link PaymentGateway.lookup}. */
export interface GatewayCharge {
  readonly idempotencyKey: string;
  readonly status: 'approved' | 'declined' | 'refunded';
  readonly amount: number;
  readonly currency: string;
  /** Set when the charge was approved (and kept once refunded). */
  readonly chargeId?: string;
  /** Set when the charge was declined. */
  readonly declineCode?: DeclineCode;
  /** Set once refunded. */
  readonly refundId?: string;
}

/**
 * A payment gateway (Stripe, Adyen, ... or the bundled `SimulatedGateway`). Implement this port
 * to plug in a real one; the domain relies only on the guarantees written here.
 */
export interface PaymentGateway {
  /**
   * Charges once per idempotency key: the same key again returns the same chargeId without a
   * second charge; the same key with another amount or currency throws
   * `PaymentIdempotencyConflict`.
   * @throws PaymentDeclined when the gateway refuses (final)
   * @throws PaymentGatewayUnavailable on a transient failure (safe to retry)
   */
  charge(request: GatewayChargeRequest): Promise<{ chargeId: string }>;
  /** Refunds a charge in full. Idempotent: a repeat returns the same refundId. */
  refund(request: GatewayRefundRequest): Promise<{ refundId: string }>;
  /** The gateway's record for a key, or `undefined` when nothing was charged or declined under it. */
  lookup(idempotencyKey: string): Promise<GatewayCharge | undefined>;
}

/** The step's own record of an order's payment (one per orderId). */
export interface PaymentRecord {
  readonly orderId: string;
  readonly amount: number;
  readonly currency: string;
  /** The gateway token only; card numbers are rejected before they get here. */
  readonly token: string;
  readonly status: PaymentStatus;
  /** The gateway's chargeId, returned to the workflow as `paymentId`. Set once CAPTURED. */
  readonly paymentId?: string;
  /** Set once DECLINED. */
  readonly declineCode?: DeclineCode;
  /** Set once REFUNDED. */
  readonly refundId?: string;
  /** ISO-8601 timestamps. */
  readonly createdAt: string;
  readonly updatedAt: string;
}

/**
 * Storage for {@link PaymentRecord}s. Every transition is conditional, so a lost race reports
 * `false` instead of overwriting a newer state.
 */
export interface PaymentStore {
  /** The record for an order (strongly consistent), or `undefined`. */
  get(orderId: string): Promise<PaymentRecord | undefined>;
  /** Writes a PENDING record unless one exists. @returns false when a record already existed. */
  createPending(record: PaymentRecord): Promise<boolean>;
  /** PENDING|CAPTURED -> CAPTURED (never from REFUNDED). @returns false when the condition failed. */
  markCaptured(orderId: string, paymentId: string, at: string): Promise<boolean>;
  /** PENDING -> DECLINED. @returns false when the record was not PENDING. */
  markDeclined(orderId: string, declineCode: DeclineCode, at: string): Promise<boolean>;
  /**
   * CAPTURED|PENDING -> REFUNDED, keeping the chargeId as `paymentId`.
   * @returns false when it was already REFUNDED (or missing, or DECLINED).
   */
  markRefunded(orderId: string, refund: { refundId: string; paymentId: string }, at: string): Promise<boolean>;
}

/** Source of the current time, injectable so tests can pin timestamps. */
export interface Clock {
  now(): Date;
}

/** The system clock. */
export const systemClock: Clock = { now: () => new Date() };
