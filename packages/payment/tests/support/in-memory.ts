import { PaymentStatus, type DeclineCode } from '../../src/contract.js';
import { PaymentDeclined, PaymentGatewayUnavailable, PaymentIdempotencyConflict, PaymentVoided } from '../../src/domain/errors.js';
import type {
  Clock,
  GatewayCharge,
  GatewayChargeRequest,
  GatewayRefundRequest,
  GatewayVoidResult,
  PaymentGateway,
  PaymentRecord,
  PaymentStore,
  StoredPayment,
} from '../../src/ports.js';

/** PaymentStore test double with the same conditional transitions as the DynamoDB adapter. */
export class InMemoryPaymentStore implements PaymentStore {
  readonly records = new Map<string, StoredPayment>();

  get(orderId: string): Promise<StoredPayment | undefined> {
    return Promise.resolve(this.records.get(orderId));
  }
  createPending(record: PaymentRecord): Promise<boolean> {
    if (this.records.has(record.orderId)) return Promise.resolve(false);
    this.records.set(record.orderId, { ...record, status: PaymentStatus.PENDING });
    return Promise.resolve(true);
  }
  createTombstone(orderId: string, at: string): Promise<boolean> {
    if (this.records.has(orderId)) return Promise.resolve(false);
    this.records.set(orderId, { orderId, status: PaymentStatus.VOIDED, createdAt: at, updatedAt: at });
    return Promise.resolve(true);
  }
  markVoided(orderId: string, at: string): Promise<boolean> {
    return this.move(orderId, [PaymentStatus.PENDING], { status: PaymentStatus.VOIDED, updatedAt: at });
  }
  markCaptured(orderId: string, paymentId: string, at: string): Promise<boolean> {
    return this.move(orderId, [PaymentStatus.PENDING, PaymentStatus.CAPTURED], { status: PaymentStatus.CAPTURED, paymentId, updatedAt: at });
  }
  markDeclined(orderId: string, declineCode: DeclineCode, at: string): Promise<boolean> {
    return this.move(orderId, [PaymentStatus.PENDING], { status: PaymentStatus.DECLINED, declineCode, updatedAt: at });
  }
  markRefunded(orderId: string, refund: { refundId: string; paymentId: string }, at: string): Promise<boolean> {
    return this.move(orderId, [PaymentStatus.PENDING, PaymentStatus.CAPTURED, PaymentStatus.VOIDED], { status: PaymentStatus.REFUNDED, ...refund, updatedAt: at });
  }
  private move(orderId: string, from: PaymentStatus[], patch: Partial<PaymentRecord>): Promise<boolean> {
    const record = this.records.get(orderId);
    if (!record || !from.includes(record.status)) return Promise.resolve(false);
    this.records.set(orderId, { ...record, ...patch } as StoredPayment);
    return Promise.resolve(true);
  }
}

type Outcome = 'approve' | 'unavailable' | { decline: DeclineCode };

/** PaymentGateway test double: scripted outcomes per call, with call counters. */
export class InMemoryGateway implements PaymentGateway {
  readonly ledger = new Map<string, GatewayCharge>();
  /** Keys voided before anything settled under them. */
  readonly voided = new Set<string>();
  readonly calls = { charge: 0, refund: 0, lookup: 0, void: 0 };
  /** Outcomes of the next charge calls, in order; then `approve`. */
  readonly script: Outcome[] = [];
  /** Runs inside `charge` before the outcome is applied: tests make a refund land mid-charge. */
  beforeSettle?: () => Promise<void>;

  async charge(request: GatewayChargeRequest): Promise<{ chargeId: string }> {
    this.calls.charge++;
    if (this.voided.has(request.idempotencyKey)) throw new PaymentVoided(request.idempotencyKey);
    await this.beforeSettle?.();
    return this.settle(request);
  }
  private settle(request: GatewayChargeRequest): Promise<{ chargeId: string }> {
    if (this.voided.has(request.idempotencyKey)) return Promise.reject(new PaymentVoided(request.idempotencyKey));
    const existing = this.ledger.get(request.idempotencyKey);
    if (existing && (existing.amount !== request.amount || existing.currency !== request.currency)) {
      return Promise.reject(new PaymentIdempotencyConflict('different charge under the same key'));
    }
    if (existing?.chargeId) return Promise.resolve({ chargeId: existing.chargeId });
    const outcome = this.script.shift() ?? 'approve';
    if (outcome === 'unavailable') return Promise.reject(new PaymentGatewayUnavailable('scripted outage'));
    const base = { idempotencyKey: request.idempotencyKey, amount: request.amount, currency: request.currency };
    if (typeof outcome === 'object') {
      this.ledger.set(request.idempotencyKey, { ...base, status: 'declined', declineCode: outcome.decline });
      return Promise.reject(new PaymentDeclined(outcome.decline));
    }
    const chargeId = `ch_${request.idempotencyKey}`;
    this.ledger.set(request.idempotencyKey, { ...base, status: 'approved', chargeId });
    return Promise.resolve({ chargeId });
  }
  refund(request: GatewayRefundRequest): Promise<{ refundId: string }> {
    this.calls.refund++;
    const charge = this.ledger.get(request.idempotencyKey);
    if (charge?.chargeId !== request.chargeId) return Promise.reject(new Error('no such charge'));
    const refundId = `re_${request.idempotencyKey}`;
    this.ledger.set(request.idempotencyKey, { ...charge, status: 'refunded', refundId });
    return Promise.resolve({ refundId });
  }
  lookup(idempotencyKey: string): Promise<GatewayCharge | undefined> {
    this.calls.lookup++;
    return Promise.resolve(this.ledger.get(idempotencyKey));
  }
  void(idempotencyKey: string): Promise<GatewayVoidResult> {
    this.calls.void++;
    const settled = this.ledger.get(idempotencyKey);
    if (settled) return Promise.resolve(settled);
    this.voided.add(idempotencyKey);
    return Promise.resolve({ idempotencyKey, status: 'voided' });
  }
}

/** A clock that returns a fixed instant. */
export const fixedClock = (iso = '2026-11-25T12:00:00.000Z'): Clock => ({ now: () => new Date(iso) });
