import { ErrorName } from '@order-flow/contracts';
import { PaymentStatus } from '../../src/contract.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { PaymentDeclined, PaymentVoided } from '../../src/domain/errors.js';
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
      expect(store.records.get('ord_1')).toMatchObject({ amount: 2598 });
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

    it('has nothing to refund for a declined payment', async () => {
      gateway.script.push({ decline: 'card_declined' });
      await expect(service.charge(charge)).rejects.toThrow(PaymentDeclined);

      await expect(service.refund('ord_1')).resolves.toEqual({ orderId: 'ord_1', refunded: false, status: 'NOTHING_TO_REFUND' });
      expect(gateway.calls.refund).toBe(0);
      expect(store.records.get('ord_1')?.status).toBe(PaymentStatus.DECLINED);
    });

    it('voids an order never charged: a tombstone, and the gateway refuses the key', async () => {
      const result = await service.refund('ord_1');

      expect(result).toEqual({ orderId: 'ord_1', refunded: false, status: 'VOIDED' });
      expect(store.records.get('ord_1')).toEqual({ orderId: 'ord_1', status: 'VOIDED', createdAt: expect.any(String), updatedAt: expect.any(String) });
      expect(gateway.voided.has('ord_1')).toBe(true);
      // A repeat is a no-op with the same answer.
      await expect(service.refund('ord_1')).resolves.toEqual(result);
      expect(gateway.calls.refund).toBe(0);
    });

    it('voids a PENDING payment the gateway never charged', async () => {
      await store.createPending({ ...charge, status: 'PENDING', createdAt: 'x', updatedAt: 'x' });

      const result = await service.refund('ord_1');

      expect(result).toEqual({ orderId: 'ord_1', refunded: false, status: 'VOIDED' });
      expect(gateway.calls.void).toBe(1);
      expect(gateway.calls.refund).toBe(0);
      expect(store.records.get('ord_1')?.status).toBe('VOIDED');
      await expect(service.charge(charge)).rejects.toMatchObject({ name: ErrorName.PaymentVoided });
      expect(gateway.calls.charge).toBe(0);
    });

    it('refunds a PENDING payment whose charge the gateway approved before the void', async () => {
      // The gateway approved, but the record was never updated (e.g. the Lambda timed out).
      await store.createPending({ ...charge, status: 'PENDING', createdAt: 'x', updatedAt: 'x' });
      await gateway.charge({ idempotencyKey: 'ord_1', amount: 2598, currency: 'USD', token: 'tok_visa' });

      const result = await service.refund('ord_1');

      expect(result).toEqual({ orderId: 'ord_1', refunded: true, status: 'REFUNDED' });
      expect(gateway.calls.void).toBe(1);
      expect(gateway.ledger.get('ord_1')?.status).toBe('refunded');
      expect(store.records.get('ord_1')).toMatchObject({ status: 'REFUNDED', paymentId: 'ch_ord_1', refundId: 're_ord_1' });
    });

    it('reports nothing to refund when the gateway had declined a PENDING payment, and keeps it voided', async () => {
      await store.createPending({ ...charge, status: 'PENDING', createdAt: 'x', updatedAt: 'x' });
      gateway.ledger.set('ord_1', { idempotencyKey: 'ord_1', amount: 2598, currency: 'USD', status: 'declined', declineCode: 'card_declined' });

      await expect(service.refund('ord_1')).resolves.toMatchObject({ refunded: false, status: 'NOTHING_TO_REFUND' });
      expect(store.records.get('ord_1')?.status).toBe('VOIDED');
    });
  });

  describe('void vs charge', () => {
    it('void then charge: the charge is refused before the gateway is called', async () => {
      await service.refund('ord_1');

      const attempt = service.charge(charge);

      await expect(attempt).rejects.toBeInstanceOf(PaymentVoided);
      await expect(attempt).rejects.toMatchObject({ name: ErrorName.PaymentVoided, orderId: 'ord_1' });
      expect(gateway.calls.charge).toBe(0);
      expect(gateway.ledger.size).toBe(0);
    });

    it('a refund landing while the charge is at the gateway: the gateway refuses, nothing is captured', async () => {
      gateway.beforeSettle = async () => {
        await expect(service.refund('ord_1')).resolves.toMatchObject({ status: 'VOIDED' });
      };

      await expect(service.charge(charge)).rejects.toMatchObject({ name: ErrorName.PaymentVoided });
      expect(gateway.ledger.size).toBe(0);
      expect(store.records.get('ord_1')?.status).toBe('VOIDED');
    });

    it('a capture that lands after the void was recorded is refunded by the charge itself, then refused', async () => {
      // The compensation voided the record, then failed before reaching the gateway.
      const voidAtGateway = gateway.void.bind(gateway);
      gateway.void = () => Promise.reject(new Error('crashed before the gateway void'));
      gateway.beforeSettle = async () => {
        await expect(service.refund('ord_1')).rejects.toThrow(/crashed/);
      };

      await expect(service.charge(charge)).rejects.toMatchObject({ name: ErrorName.PaymentVoided, message: expect.stringMatching(/ch_ord_1 was refunded/) });
      expect(gateway.ledger.get('ord_1')).toMatchObject({ status: 'refunded', refundId: 're_ord_1' });
      expect(store.records.get('ord_1')).toMatchObject({ status: 'REFUNDED', paymentId: 'ch_ord_1', refundId: 're_ord_1' });
      // The compensation's retry finds it refunded and refunds nothing more.
      gateway.void = voidAtGateway;
      await expect(service.refund('ord_1')).resolves.toEqual({ orderId: 'ord_1', refunded: false, status: 'REFUNDED' });
      expect(gateway.calls.refund).toBe(1);
    });

    it('charge then void: a refund between the capture and its record refunds it; the charge refuses', async () => {
      const markCaptured = store.markCaptured.bind(store);
      store.markCaptured = async (...args) => {
        await expect(service.refund('ord_1')).resolves.toEqual({ orderId: 'ord_1', refunded: true, status: 'REFUNDED' });
        return markCaptured(...args);
      };

      await expect(service.charge(charge)).rejects.toMatchObject({ name: ErrorName.PaymentVoided });
      expect(gateway.ledger.get('ord_1')?.status).toBe('refunded');
      expect(store.records.get('ord_1')).toMatchObject({ status: 'REFUNDED', paymentId: 'ch_ord_1' });
    });

    it('charge then void, sequentially: captured, then refunded', async () => {
      await expect(service.charge(charge)).resolves.toMatchObject({ status: 'CAPTURED' });
      await expect(service.refund('ord_1')).resolves.toEqual({ orderId: 'ord_1', refunded: true, status: 'REFUNDED' });
      expect(gateway.ledger.get('ord_1')?.status).toBe('refunded');
    });
  });
});
