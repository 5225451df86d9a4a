import { ErrorName } from '@order-flow/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbPaymentStore, paymentKey } from '../../src/adapters/dynamodb-payment-store.js';
import { SimulatedGateway, gatewayKey } from '../../src/adapters/simulated-gateway.js';
import { PaymentService } from '../../src/domain/payment-service.js';
import { createTestTable, type TestTable } from '../support/dynamodb.js';

let table: TestTable;
let n = 0;
const orderId = () => `ord_svc_${++n}`;

/** A brand-new service and adapters, as after a cold start. */
const coldService = () =>
  new PaymentService(new DynamoDbPaymentStore(table.client, table.tableName), new SimulatedGateway(table.client, table.tableName));

beforeAll(async () => {
  table = await createTestTable();
});
afterAll(async () => {
  await table.drop();
});

describe('PaymentService with DynamoDbPaymentStore + SimulatedGateway', () => {
  it('captures a tok_visa charge and stores the token, nothing card-like', async () => {
    const id = orderId();

    const result = await coldService().charge({ orderId: id, amount: 2598, currency: 'USD', token: 'tok_visa' });

    expect(result).toEqual({ orderId: id, paymentId: expect.stringMatching(/^ch_sim_/), amount: 2598, currency: 'USD', status: 'CAPTURED' });
    const record = await table.item(paymentKey(id));
    expect(record).toMatchObject({ status: 'CAPTURED', token: 'tok_visa', paymentId: result.paymentId, amount: 2598 });
    expect(Object.keys(record!).sort()).toEqual(
      ['amount', 'createdAt', 'currency', 'orderId', 'paymentId', 'pk', 'status', 'token', 'updatedAt'].sort(),
    );
    // No stored value looks like a card number (12+ digits in a row, spaces/dashes allowed).
    expect(JSON.stringify(record)).not.toMatch(/\d[\d -]{10,}\d/);
  });

  it('charges the same orderId once: one ledger entry, one attempt', async () => {
    const id = orderId();
    const input = { orderId: id, amount: 1000, currency: 'EUR', token: 'tok_mastercard' };

    const first = await coldService().charge(input);
    const second = await coldService().charge(input);

    expect(second).toEqual(first);
    const items = await table.scan();
    const entries = items.filter((item) => item.pk === gatewayKey(id));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ attempts: 1, status: 'approved', chargeId: first.paymentId });
    const captures = items.filter((item) => String(item.pk).startsWith('CAPTURE#') && item.idempotencyKey === id);
    expect(captures).toEqual([expect.objectContaining({ amount: 1000, currency: 'EUR', chargeId: first.paymentId })]);
  });

  it('rejects the same orderId with a different amount and changes nothing', async () => {
    const id = orderId();
    await coldService().charge({ orderId: id, amount: 1000, currency: 'USD', token: 'tok_visa' });
    const before = await table.scan();

    await expect(coldService().charge({ orderId: id, amount: 1200, currency: 'USD', token: 'tok_visa' })).rejects.toMatchObject({
      name: ErrorName.PaymentIdempotencyConflict,
      message: expect.stringMatching(/1000 USD.*1200 USD/),
    });
    expect(await table.scan()).toEqual(before);
  });

  it.each([
    ['tok_chargeDeclined', 'card_declined'],
    ['tok_chargeDeclinedInsufficientFunds', 'insufficient_funds'],
    ['tok_somethingElse', 'invalid_token'],
  ])('records %s as DECLINED (%s) and re-throws on a repeat', async (token, declineCode) => {
    const id = orderId();
    const input = { orderId: id, amount: 500, currency: 'USD', token };

    await expect(coldService().charge(input)).rejects.toMatchObject({ name: ErrorName.PaymentDeclined, declineCode });
    await expect(coldService().charge(input)).rejects.toMatchObject({ name: ErrorName.PaymentDeclined, declineCode });
    expect(await table.item(paymentKey(id))).toMatchObject({ status: 'DECLINED', declineCode });
    expect(await table.item(gatewayKey(id))).toMatchObject({ attempts: 1 });
  });

  it('tok_gatewayFlaky fails twice then captures, across new service instances', async () => {
    const id = orderId();
    const input = { orderId: id, amount: 700, currency: 'USD', token: 'tok_gatewayFlaky' };

    await expect(coldService().charge(input)).rejects.toMatchObject({ name: ErrorName.PaymentGatewayUnavailable });
    expect(await table.item(paymentKey(id))).toMatchObject({ status: 'PENDING' });
    await expect(coldService().charge(input)).rejects.toMatchObject({ name: ErrorName.PaymentGatewayUnavailable });
    const result = await coldService().charge(input);

    expect(result.status).toBe('CAPTURED');
    expect(await table.item(paymentKey(id))).toMatchObject({ status: 'CAPTURED', paymentId: result.paymentId });
  });

  it('tok_gatewayDown always fails and leaves the record PENDING until the compensation voids it', async () => {
    const id = orderId();
    const input = { orderId: id, amount: 700, currency: 'USD', token: 'tok_gatewayDown' };

    for (let attempt = 0; attempt < 3; attempt++) {
      await expect(coldService().charge(input)).rejects.toMatchObject({ name: ErrorName.PaymentGatewayUnavailable });
    }
    expect(await table.item(paymentKey(id))).toMatchObject({ status: 'PENDING' });
    // Compensation on a never-charged PENDING payment voids it, at the gateway too, and refunds nothing.
    await expect(coldService().refund(id)).resolves.toEqual({ orderId: id, refunded: false, status: 'VOIDED' });
    expect(await table.item(paymentKey(id))).toMatchObject({ status: 'VOIDED', amount: 700 });
    expect(await table.item(gatewayKey(id))).toMatchObject({ status: 'voided', attempts: 3 });
    await expect(coldService().charge(input)).rejects.toMatchObject({ name: ErrorName.PaymentVoided });
  });

  it('refunds twice -> refunded once', async () => {
    const id = orderId();
    const charged = await coldService().charge({ orderId: id, amount: 900, currency: 'USD', token: 'tok_visa' });

    const first = await coldService().refund(id);
    const second = await coldService().refund(id);

    expect(first).toEqual({ orderId: id, refunded: true, status: 'REFUNDED' });
    expect(second).toEqual({ orderId: id, refunded: false, status: 'REFUNDED' });
    const record = await table.item(paymentKey(id));
    expect(record).toMatchObject({ status: 'REFUNDED', paymentId: charged.paymentId, refundId: expect.stringMatching(/^re_sim_/) });
    expect(await table.item(gatewayKey(id))).toMatchObject({ status: 'refunded', refundId: record!.refundId });
  });

  it('refunds a PENDING payment the gateway approved (answer lost before it was recorded)', async () => {
    const id = orderId();
    const store = new DynamoDbPaymentStore(table.client, table.tableName);
    const now = new Date().toISOString();
    await store.createPending({ orderId: id, amount: 300, currency: 'USD', token: 'tok_visa', status: 'PENDING', createdAt: now, updatedAt: now });
    await new SimulatedGateway(table.client, table.tableName).charge({ idempotencyKey: id, amount: 300, currency: 'USD', token: 'tok_visa' });

    await expect(coldService().refund(id)).resolves.toEqual({ orderId: id, refunded: true, status: 'REFUNDED' });
    expect(await table.item(gatewayKey(id))).toMatchObject({ status: 'refunded' });
  });

  it('voids an order never charged: a tombstone, and a later charge is refused without reaching the gateway', async () => {
    const id = orderId();

    await expect(coldService().refund(id)).resolves.toEqual({ orderId: id, refunded: false, status: 'VOIDED' });
    expect(await table.item(paymentKey(id))).toEqual({ pk: paymentKey(id), orderId: id, status: 'VOIDED', createdAt: expect.any(String), updatedAt: expect.any(String) });
    expect(await table.item(gatewayKey(id))).toMatchObject({ status: 'voided' });
    await expect(coldService().charge({ orderId: id, amount: 300, currency: 'USD', token: 'tok_visa' })).rejects.toMatchObject({
      name: ErrorName.PaymentVoided,
    });
    // Refused before any gateway call: no attempt was counted.
    expect(await table.item(gatewayKey(id))).not.toHaveProperty('attempts');
  });
});
