import { PaymentStatus, type ChargeResult, type RefundResult } from '../contract.js';
import type { Clock, PaymentGateway, PaymentRecord, PaymentStore, StoredPayment } from '../ports.js';
import { systemClock } from '@order-flow/lambda-kit';
import { PaymentDeclined, PaymentIdempotencyConflict, PaymentVoided, conflictMessage } from './errors.js';

/** A charge as the domain receives it (the handler has already validated it). */
export interface ChargeRequest {
  readonly orderId: string;
  /** Integer minor units. */
  readonly amount: number;
  readonly currency: string;
  readonly token: string;
}

/**
 * Charges and refunds orders through a {@link PaymentGateway}, keeping one {@link PaymentRecord}
 * per order. The orderId is the idempotency key end to end: a retried or redelivered event never
 * charges or refunds twice, and a refund that arrives before (or during) the charge voids it, so a
 * late charge never keeps money on an order that was already compensated.
 */
export class PaymentService {
  constructor(
    private readonly store: PaymentStore,
    private readonly gateway: PaymentGateway,
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * Charges `amount` for the order once.
   * @throws PaymentDeclined (also on a repeat of a declined order)
   * @throws PaymentVoided when a refund voided the order's payment first or while this charge
   *   was in flight; nothing is kept (a capture that landed is refunded before this is thrown)
   * @throws PaymentGatewayUnavailable when the gateway failed transiently (the record stays PENDING)
   * @throws PaymentIdempotencyConflict when the order was charged before with another amount or
   *   currency, or was already refunded
   */
  async charge(request: ChargeRequest): Promise<ChargeResult> {
    const record = await this.intent(request);
    // Before anything else: a tombstone has no amount to compare, and a void is final.
    if (record.status === PaymentStatus.VOIDED) throw new PaymentVoided(request.orderId);
    if (record.amount !== request.amount || record.currency !== request.currency) {
      throw new PaymentIdempotencyConflict(conflictMessage(request.orderId, record, request));
    }
    switch (record.status) {
      case PaymentStatus.CAPTURED:
        return captured(record, record.paymentId ?? '');
      case PaymentStatus.DECLINED:
        // A decline is final for the key; the gateway would say the same again.
        throw new PaymentDeclined(record.declineCode ?? 'card_declined', request.orderId);
      case PaymentStatus.REFUNDED:
        throw refundedConflict(request.orderId);
      case PaymentStatus.PENDING:
        break;
    }

    let chargeId: string;
    try {
      ({ chargeId } = await this.gateway.charge({
        idempotencyKey: request.orderId,
        amount: request.amount,
        currency: request.currency,
        token: request.token,
      }));
    } catch (error) {
      if (error instanceof PaymentDeclined) {
        await this.store.markDeclined(request.orderId, error.declineCode, this.timestamp());
        throw new PaymentDeclined(error.declineCode, request.orderId);
      }
      // The gateway refused: a refund voided the key after our record was written.
      if (error instanceof PaymentVoided) throw new PaymentVoided(request.orderId, 'the gateway refused the voided key');
      throw error; // transient or unexpected: the record stays PENDING so a retry resumes here
    }

    // Conditional on PENDING|CAPTURED: a compensation that already ran must not be undone.
    if (!(await this.store.markCaptured(request.orderId, chargeId, this.timestamp()))) {
      // The record became VOIDED or REFUNDED while the gateway charged: give the money back
      // before refusing (idempotent, so a compensation refunding the same capture is harmless).
      const { refundId } = await this.gateway.refund({ idempotencyKey: request.orderId, chargeId, amount: request.amount });
      await this.store.markRefunded(request.orderId, { refundId, paymentId: chargeId }, this.timestamp());
      throw new PaymentVoided(request.orderId, `a refund ran while the charge was in flight; its capture ${chargeId} was refunded`);
    }
    return captured(record, chargeId);
  }

  /**
   * Compensation: refunds the order's charge, at most once, or voids it so it never happens. Safe
   * to call any number of times, for any order, before, during or after its charge:
   * - nothing recorded: writes a VOIDED tombstone, so a charge arriving later is refused;
   * - PENDING (a charge may be in flight): PENDING -> VOIDED, then voids the key at the gateway;
   *   a capture that won that race is refunded;
   * - CAPTURED: refunds; DECLINED: nothing to refund; REFUNDED: a repeat.
   */
  async refund(orderId: string): Promise<RefundResult> {
    for (;;) {
      const record = await this.store.get(orderId);
      if (!record) {
        if (await this.store.createTombstone(orderId, this.timestamp())) return this.voidAtGateway(orderId);
        continue; // a charge wrote its record first: continue from it
      }
      switch (record.status) {
        case PaymentStatus.DECLINED:
          return { orderId, refunded: false, status: 'NOTHING_TO_REFUND' };
        case PaymentStatus.REFUNDED:
          return { orderId, refunded: false, status: 'REFUNDED' };
        case PaymentStatus.VOIDED:
          // A repeat, or a retry after a crash mid-void: finish the void (idempotent).
          return this.voidAtGateway(orderId);
        case PaymentStatus.PENDING:
          if (await this.store.markVoided(orderId, this.timestamp())) return this.voidAtGateway(orderId);
          continue; // the charge settled meanwhile: continue from its new state
        case PaymentStatus.CAPTURED: {
          const chargeId = record.paymentId;
          if (!chargeId) throw new Error(`Payment record of order ${orderId} is CAPTURED but has no paymentId`);
          // The gateway refund is idempotent, so a retry after a crash between these two calls is safe.
          return this.refundCapture(orderId, chargeId, record.amount);
        }
      }
    }
  }

  /**
   * Voids the key at the gateway, after the record became VOIDED. The gateway linearizes this with
   * the charge: either it reports `voided` (no capture now or ever), or the capture that got there
   * first, which is refunded here.
   */
  private async voidAtGateway(orderId: string): Promise<RefundResult> {
    const outcome = await this.gateway.void(orderId);
    if (outcome.status === 'approved' || outcome.status === 'refunded') {
      if (!outcome.chargeId) throw new Error(`Gateway reported an ${outcome.status} charge for order ${orderId} without a chargeId`);
      return this.refundCapture(orderId, outcome.chargeId, outcome.amount);
    }
    // declined: the charge had failed before the void; voided: it never will be captured.
    return { orderId, refunded: false, status: outcome.status === 'declined' ? 'NOTHING_TO_REFUND' : 'VOIDED' };
  }

  private async refundCapture(orderId: string, chargeId: string, amount: number): Promise<RefundResult> {
    const { refundId } = await this.gateway.refund({ idempotencyKey: orderId, chargeId, amount });
    const refunded = await this.store.markRefunded(orderId, { refundId, paymentId: chargeId }, this.timestamp());
    return { orderId, refunded, status: 'REFUNDED' };
  }

  /** The existing record (or tombstone), or a new PENDING one written before any money moves. */
  private async intent(request: ChargeRequest): Promise<StoredPayment> {
    const existing = await this.store.get(request.orderId);
    if (existing) return existing;
    const now = this.timestamp();
    const record: PaymentRecord = {
      orderId: request.orderId,
      amount: request.amount,
      currency: request.currency,
      token: request.token,
      status: PaymentStatus.PENDING,
      createdAt: now,
      updatedAt: now,
    };
    if (await this.store.createPending(record)) return record;
    // Lost a race with a concurrent delivery of the same order, or with a refund's tombstone.
    const winner = await this.store.get(request.orderId);
    if (!winner) throw new Error(`Payment record of order ${request.orderId} vanished after a conditional put failed`);
    return winner;
  }

  private timestamp(): string {
    return this.clock.now().toISOString();
  }
}

function captured(record: PaymentRecord, paymentId: string): ChargeResult {
  return {
    orderId: record.orderId,
    paymentId,
    amount: record.amount,
    currency: record.currency,
    status: PaymentStatus.CAPTURED,
  };
}

function refundedConflict(orderId: string): PaymentIdempotencyConflict {
  return new PaymentIdempotencyConflict(
    `Payment for order ${orderId} was already refunded; a refunded order is never charged again`,
  );
}
