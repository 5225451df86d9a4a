import { PaymentStatus, type ChargeResult, type RefundResult } from '@order-flow/contracts';
import type { Clock, PaymentGateway, PaymentRecord, PaymentStore } from '../ports.js';
import { systemClock } from '../ports.js';
import { PaymentDeclined, PaymentIdempotencyConflict, conflictMessage } from './errors.js';

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
 * charges or refunds twice.
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
   * @throws PaymentGatewayUnavailable when the gateway failed transiently (the record stays PENDING)
   * @throws PaymentIdempotencyConflict when the order was charged before with another amount or
   *   currency, or was already refunded
   */
  async charge(request: ChargeRequest): Promise<ChargeResult> {
    const record = await this.intent(request);
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
      throw error; // transient or unexpected: the record stays PENDING so a retry resumes here
    }

    // Conditional on "not REFUNDED": a compensation that already ran must not be undone.
    if (!(await this.store.markCaptured(request.orderId, chargeId, this.timestamp()))) {
      throw refundedConflict(request.orderId);
    }
    return captured(record, chargeId);
  }

  /**
   * Compensation: refunds the order's charge, at most once. Safe to call any number of times,
   * for any order (an order never charged has nothing to refund).
   */
  async refund(orderId: string): Promise<RefundResult> {
    const record = await this.store.get(orderId);
    if (!record || record.status === PaymentStatus.DECLINED) {
      return { orderId, refunded: false, status: 'NOTHING_TO_REFUND' };
    }
    if (record.status === PaymentStatus.REFUNDED) {
      return { orderId, refunded: false, status: 'REFUNDED' };
    }

    let chargeId = record.paymentId;
    if (record.status === PaymentStatus.PENDING) {
      // The charge may have reached the gateway even though we never recorded its answer
      // (timeout, crash): the gateway's ledger is the truth.
      const charge = await this.gateway.lookup(orderId);
      if (charge?.status === 'declined' && charge.declineCode) {
        await this.store.markDeclined(orderId, charge.declineCode, this.timestamp());
      }
      if (!charge?.chargeId || charge.status === 'declined') {
        return { orderId, refunded: false, status: 'NOTHING_TO_REFUND' };
      }
      chargeId = charge.chargeId;
    }
    if (!chargeId) throw new Error(`Payment record of order ${orderId} is ${record.status} but has no paymentId`);

    // The gateway refund is idempotent, so a retry after a crash between these two calls is safe.
    const { refundId } = await this.gateway.refund({ idempotencyKey: orderId, chargeId, amount: record.amount });
    const refunded = await this.store.markRefunded(orderId, { refundId, paymentId: chargeId }, this.timestamp());
    return { orderId, refunded, status: 'REFUNDED' };
  }

  /** The existing record, or a new PENDING one written before any money moves. */
  private async intent(request: ChargeRequest): Promise<PaymentRecord> {
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
    // Lost a race with a concurrent delivery of the same order: continue from its record.
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
