import type { DeclineCode, PaymentStatus } from './contract.js';

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

/** The gateway's own view of a charge, as returned by {@link PaymentGateway.lookup} and {@link PaymentGateway.void}. */
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
 * What {@link PaymentGateway.void} found: `voided` (nothing was captured under the key and nothing
 * ever will be), or the charge that had already settled before the void could take effect:
 * `approved` (the caller must refund it), `refunded`, or `declined` (nothing was taken).
 */
export type GatewayVoidResult = { readonly idempotencyKey: string; readonly status: 'voided' } | GatewayCharge;

/**
 * A payment gateway (Stripe, Adyen, ... or the bundled `SimulatedGateway`). Implement this port
 * to plug in a real one; the domain relies only on the guarantees written here.
 */
export interface PaymentGateway {
  /**
   * Charges once per idempotency key: the same key again returns the same chargeId without a
   * second charge (of two racing requests only one captures); the same key with another amount
   * or currency throws `PaymentIdempotencyConflict`.
   * @throws PaymentDeclined when the gateway refuses (final)
   * @throws PaymentVoided when the key was voided ({@link void}): nothing is captured (final)
   * @throws PaymentGatewayUnavailable on a transient failure (safe to retry)
   */
  charge(request: GatewayChargeRequest): Promise<{ chargeId: string }>;
  /** Refunds a charge in full. Idempotent: a repeat returns the same refundId. */
  refund(request: GatewayRefundRequest): Promise<{ refundId: string }>;
  /** The gateway's record for a key, or `undefined` when nothing was charged or declined under it. */
  lookup(idempotencyKey: string): Promise<GatewayCharge | undefined>;
  /**
   * Voids the key (a real gateway's "cancel payment intent"), whether or not a charge under it
   * was ever requested. Idempotent. The guarantee the domain relies on, linearizable with
   * {@link charge}: when this returns `voided`, no charge under the key has captured and none ever
   * will: every charge with the key, already in flight or later, fails with `PaymentVoided`.
   * When a capture won the race, it is returned as `approved` and stays captured: the caller
   * refunds it.
   * @throws PaymentGatewayUnavailable on a transient failure (safe to retry)
   */
  void(idempotencyKey: string): Promise<GatewayVoidResult>;
}

/** The step's own record of an order's payment (one per orderId; VOIDED once a refund voided its charge). */
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
 * What a refund leaves for an order it finds no record of: a VOIDED tombstone, with no charge
 * details. It blocks {@link PaymentStore.createPending}, so a charge arriving later is refused
 * before any gateway call.
 */
export interface PaymentTombstone {
  readonly orderId: string;
  readonly status: typeof PaymentStatus.VOIDED;
  /** ISO-8601 timestamps. */
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** An order's stored payment: a charge record, or a void tombstone. */
export type StoredPayment = PaymentRecord | PaymentTombstone;

/**
 * Storage for {@link PaymentRecord}s. Every transition is conditional, so a lost race reports
 * `false` instead of overwriting a newer state.
 */
export interface PaymentStore {
  /** The record (or tombstone) for an order (strongly consistent), or `undefined`. */
  get(orderId: string): Promise<StoredPayment | undefined>;
  /** Writes a PENDING record unless one (or a tombstone) exists. @returns false when one already existed. */
  createPending(record: PaymentRecord): Promise<boolean>;
  /** Writes a VOIDED tombstone unless a record exists. @returns false when one already existed. */
  createTombstone(orderId: string, at: string): Promise<boolean>;
  /** PENDING -> VOIDED (a charge may be in flight). @returns false when the record was not PENDING. */
  markVoided(orderId: string, at: string): Promise<boolean>;
  /** PENDING|CAPTURED -> CAPTURED (never from REFUNDED or VOIDED). @returns false when the condition failed. */
  markCaptured(orderId: string, paymentId: string, at: string): Promise<boolean>;
  /** PENDING -> DECLINED. @returns false when the record was not PENDING. */
  markDeclined(orderId: string, declineCode: DeclineCode, at: string): Promise<boolean>;
  /**
   * CAPTURED|PENDING|VOIDED -> REFUNDED, keeping the chargeId as `paymentId` (VOIDED: a capture
   * landed before the void took effect).
   * @returns false when it was already REFUNDED (or missing, or DECLINED).
   */
  markRefunded(orderId: string, refund: { refundId: string; paymentId: string }, at: string): Promise<boolean>;
}

/** Source of the current time, injectable so tests can pin timestamps (one definition, in lambda-kit). */
export type { Clock } from '@order-flow/lambda-kit';

/**
 * Awaited by the DynamoDB adapters before each call they make, labelled with the call: tests pass
 * random delays to force interleavings of concurrent charges and refunds. Production: none.
 */
export type Delay = (point: string) => Promise<void>;
