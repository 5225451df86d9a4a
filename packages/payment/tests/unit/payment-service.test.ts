import { ErrorName, PaymentStatus } from '@order-flow/contracts';
import { beforeEach, describe, expect, it } from 'vitest';
import { PaymentDeclined } from '../../src/domain/errors.js';
import { PaymentService } from '../../src/domain/payment-service.js';
import { InMemoryGateway, InMemoryPaymentStore, fixedClock } from '../support/in-memory.js';

const charge = { orderId: 'ord_1', amount: 2598, currency: 'USD', token: 'tok_visa' };

describe('PaymentService', () => {
  let store: InMemoryPaymentStore;
  let gateway: InMemoryGateway;
  let service: PaymentService;

  beforeEach(() => {
    store = new InMemoryPaymentStore();
    gateway = new InMemoryGateway();
    service = new PaymentService(store, gateway, fixedClock());
  });

  describe('charge', () => {
    it('captures and records the payment', async () => {
      const result = await service.charge(charge);

      expect(result).toEqual({ orderId: 'ord_1', paymentId: 'ch_ord_1', amount: 2598, currency: 'USD', status: 'CAPTURED' });
      expect(store.records.get('ord_1')).toMatchObject({ status: PaymentStatus.CAPTURED, paymentId: 'ch_ord_1', token: 'tok_visa' });
    });

    it('returns the same result for a repeat without calling the gateway again', async () => {
      const first = await service.charge(charge);
      const second = await service.charge(charge);

      expect(second).toEqual(first);
      expect(gateway.calls.charge).toBe(1);
    });

    it('rejects the same orderId with a different amount, naming both amounts', async () => {
      await service.charge(charge);

      const attempt = service.charge({ ...charge, amount: 9999 });

      await expect(attempt).rejects.toMatchObject({ name: ErrorName.PaymentIdempotencyConflict });
      await expect(attempt).rejects.toThrow(/2598 USD.*9999 USD/);
      expect(store.records.get('ord_1')?.amount).toBe(2598);
      expect(gateway.calls.charge).toBe(1);
    });

    it('rejects the same orderId with a different currency', async () => {
      await service.charge(charge);

      await expect(service.charge({ ...charge, currency: 'EUR' })).rejects.toMatchObject({
        name: ErrorName.PaymentIdempotencyConflict,
      });
    });

    it('records a decline and throws PaymentDeclined with the code', async () => {
      gateway.script.push({ decline: 'insufficient_funds' });

      const attempt = service.charge(charge);

      await expect(attempt).rejects.toBeInstanceOf(PaymentDeclined);
      await expect(attempt).rejects.toMatchObject({ name: 'PaymentDeclined', declineCode: 'insufficient_funds' });
      await expect(attempt).rejects.toThrow(/insufficient_funds/);
      expect(store.records.get('ord_1')).toMatchObject({ status: PaymentStatus.DECLINED, declineCode: 'insufficient_funds' });
    });

    it('re-throws the same decline on a repeat without calling the gateway', async () => {
      gateway.script.push({ decline: 'card_declined' });
      await expect(service.charge(charge)).rejects.toThrow(PaymentDeclined);

      await expect(service.charge(charge)).rejects.toMatchObject({ name: 'PaymentDeclined', declineCode: 'card_declined' });
      expect(gateway.calls.charge).toBe(1);
    });

    it('leaves the record PENDING on a transient failure and captures on retry', async () => {
      gateway.script.push('unavailable');

      await expect(service.charge(charge)).rejects.toMatchObject({ name: ErrorName.PaymentGatewayUnavailable });
      expect(store.records.get('ord_1')?.status).toBe(PaymentStatus.PENDING);

      await expect(service.charge(charge)).resolves.toMatchObject({ status: 'CAPTURED' });
      expect(gateway.calls.charge).toBe(2);
    });

    it('continues from the record a concurrent delivery wrote first', async () => {
      const racing = new InMemoryPaymentStore();
      // The first get misses, the conditional put loses to a record written in between.
      const get = racing.get.bind(racing);
      let gets = 0;
      racing.get = (orderId) => (gets++ === 0 ? Promise.resolve(undefined) : get(orderId));
      await racing.createPending({ ...charge, status: 'PENDING', createdAt: 'x', updatedAt: 'x' });

      const result = await new PaymentService(racing, gateway, fixedClock()).charge(charge);

      expect(result.status).toBe('CAPTURED');
      expect(gateway.calls.charge).toBe(1);
    });

    it('never charges an order again once it was refunded', async () => {
      await service.charge(charge);
      await service.refund('ord_1');

      await expect(service.charge(charge)).rejects.toMatchObject({ name: ErrorName.PaymentIdempotencyConflict });
      expect(gateway.calls.charge).toBe(1);
    });
  });

  describe('refund', () => {
    it('refunds a captured payment once; a repeat reports refunded: false', async () => {
      await service.charge(charge);

      const first = await service.refund('ord_1');
      const second = await service.refund('ord_1');

      expect(first).toEqual({ orderId: 'ord_1', refunded: true, status: 'REFUNDED' });
      expect(second).toEqual({ orderId: 'ord_1', refunded: false, status: 'REFUNDED' });
      expect(gateway.calls.refund).toBe(1);
      expect(store.records.get('ord_1')).toMatchObject({ status: PaymentStatus.REFUNDED, refundId: 're_ord_1' });
    });

    it('has nothing to refund for an unknown order or a declined payment', async () => {
      gateway.script.push({ decline: 'card_declined' });
      await expect(service.charge(charge)).rejects.toThrow(PaymentDeclined);

      await expect(service.refund('ord_1')).resolves.toEqual({ orderId: 'ord_1', refunded: false, status: 'NOTHING_TO_REFUND' });
      await expect(service.refund('ord_unknown')).resolves.toEqual({
        orderId: 'ord_unknown',
        refunded: false,
        status: 'NOTHING_TO_REFUND',
      });
      expect(gateway.calls.refund).toBe(0);
    });

    it('asks the gateway about a PENDING payment and refunds a charge it approved', async () => {
      // The gateway approved, but the record was never updated (e.g. the Lambda timed out).
      await store.createPending({ ...charge, status: 'PENDING', createdAt: 'x', updatedAt: 'x' });
      await gateway.charge({ idempotencyKey: 'ord_1', amount: 2598, currency: 'USD', token: 'tok_visa' });

      const result = await service.refund('ord_1');

      expect(result).toEqual({ orderId: 'ord_1', refunded: true, status: 'REFUNDED' });
      expect(gateway.calls.lookup).toBe(1);
      expect(gateway.ledger.get('ord_1')?.status).toBe('refunded');
      expect(store.records.get('ord_1')).toMatchObject({ status: 'REFUNDED', paymentId: 'ch_ord_1', refundId: 're_ord_1' });
    });

    it('asks the gateway about a PENDING payment and refunds nothing when it never charged', async () => {
      await store.createPending({ ...charge, status: 'PENDING', createdAt: 'x', updatedAt: 'x' });

      const result = await service.refund('ord_1');

      expect(result).toEqual({ orderId: 'ord_1', refunded: false, status: 'NOTHING_TO_REFUND' });
      expect(gateway.calls.lookup).toBe(1);
      expect(gateway.calls.refund).toBe(0);
      expect(store.records.get('ord_1')?.status).toBe('PENDING');
    });

    it('records a decline the gateway knows about for a PENDING payment', async () => {
      await store.createPending({ ...charge, status: 'PENDING', createdAt: 'x', updatedAt: 'x' });
      gateway.ledger.set('ord_1', { idempotencyKey: 'ord_1', amount: 2598, currency: 'USD', status: 'declined', declineCode: 'card_declined' });

      await expect(service.refund('ord_1')).resolves.toMatchObject({ status: 'NOTHING_TO_REFUND' });
      expect(store.records.get('ord_1')).toMatchObject({ status: 'DECLINED', declineCode: 'card_declined' });
    });
  });
});
