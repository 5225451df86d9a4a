/**
 * A refund (the workflow's compensation) and a charge of the same order, in both orders of
 * arrival and concurrently, against DynamoDB Local. Random latency is injected through the
 * adapters' `delay` constructor parameter (no module mocks), before every DynamoDB call, so the
 * calls interleave differently on every round. Afterwards the tables must never hold an
 * unrefunded capture on a voided order, and must agree with each other.
 */
import { ErrorName } from '@order-flow/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbPaymentStore, paymentKey } from '../../src/adapters/dynamodb-payment-store.js';
import { SimulatedGateway, gatewayKey } from '../../src/adapters/simulated-gateway.js';
import { PaymentService } from '../../src/domain/payment-service.js';
import type { Delay } from '../../src/ports.js';
import { createTestTable, type TestTable } from '../support/dynamodb.js';

let table: TestTable;
let n = 0;
const orderId = () => `ord_void_${++n}`;
const charge = (id: string, token = 'tok_visa') => ({ orderId: id, amount: 4200, currency: 'USD', token });

/** Up to `maxMs` of latency before each DynamoDB call. */
const jitter = (maxMs: number): Delay => () => new Promise((resolve) => setTimeout(resolve, Math.random() * maxMs));
/** A new service per call, as a separate Lambda invocation would have, with its own latency. */
const invocation = (maxMs = 0) => {
  const delay = maxMs > 0 ? jitter(maxMs) : undefined;
  return new PaymentService(
    new DynamoDbPaymentStore(table.client, table.tableName, delay),
    new SimulatedGateway(table.client, table.tableName, undefined, delay),
  );
};

beforeAll(async () => {
  table = await createTestTable();
});
afterAll(async () => {
  await table.drop();
});

/**
 * Checks, from the table alone, every order in `ids` after a refund ran to completion:
 * - no unrefunded capture: captures - refunds = 0 at the gateway;
 * - VOIDED payment <=> the gateway voided (or declined) the key and captured nothing;
 * - REFUNDED payment <=> exactly one capture and one refund, naming the record's paymentId and
 *   refundId, and the gateway entry is refunded.
 * @returns the payment status of each order
 */
async function expectConsistent(ids: readonly string[]): Promise<Map<string, string>> {
  const items = await table.scan();
  const statuses = new Map<string, string>();
  for (const id of ids) {
    const record = items.find((item) => item.pk === paymentKey(id));
    const entry = items.find((item) => item.pk === gatewayKey(id));
    const captures = items.filter((item) => String(item.pk).startsWith('CAPTURE#') && item.idempotencyKey === id);
    const refunds = items.filter((item) => String(item.pk).startsWith('REFUND#') && item.idempotencyKey === id);
    const where = `${id}: ${JSON.stringify({ record, entry, captures: captures.length, refunds: refunds.length })}`;

    expect(captures.length - refunds.length, where).toBe(0);
    expect(captures.length, where).toBeLessThanOrEqual(1);
    expect(['VOIDED', 'REFUNDED'], where).toContain(record?.status);
    if (record?.status === 'VOIDED') {
      expect(captures, where).toEqual([]);
      expect(['voided', 'declined'], where).toContain(entry?.status);
    } else {
      expect(captures, where).toEqual([expect.objectContaining({ chargeId: record?.paymentId, amount: 4200 })]);
      expect(refunds, where).toEqual([expect.objectContaining({ chargeId: record?.paymentId, refundId: record?.refundId, amount: 4200 })]);
      expect(entry, where).toMatchObject({ status: 'refunded', chargeId: record?.paymentId, refundId: record?.refundId });
    }
    statuses.set(id, String(record?.status));
  }
  return statuses;
}

describe('void vs charge (DynamoDB Local)', () => {
  it('void then charge: refused before the gateway, nothing captured', async () => {
    const id = orderId();

    await expect(invocation().refund(id)).resolves.toEqual({ orderId: id, refunded: false, status: 'VOIDED' });
    await expect(invocation().charge(charge(id))).rejects.toMatchObject({ name: ErrorName.PaymentVoided });
    await expect(invocation().charge(charge(id))).rejects.toMatchObject({ name: ErrorName.PaymentVoided });

    expect(await expectConsistent([id])).toEqual(new Map([[id, 'VOIDED']]));
    expect(await table.item(gatewayKey(id))).not.toHaveProperty('attempts');
  });

  it('charge then void: captured, then refunded once', async () => {
    const id = orderId();

    const charged = await invocation().charge(charge(id));
    await expect(invocation().refund(id)).resolves.toEqual({ orderId: id, refunded: true, status: 'REFUNDED' });
    await expect(invocation().refund(id)).resolves.toEqual({ orderId: id, refunded: false, status: 'REFUNDED' });

    expect(await expectConsistent([id])).toEqual(new Map([[id, 'REFUNDED']]));
    expect(await table.item(paymentKey(id))).toMatchObject({ paymentId: charged.paymentId });
  });

  it('a charge in flight when the void lands (gateway slow): refused by the gateway, nothing captured', async () => {
    const id = orderId();
    // The charge's gateway calls wait until the refund has finished.
    let refundDone!: () => void;
    const refunded = new Promise<void>((resolve) => (refundDone = resolve));
    const slowGateway = new SimulatedGateway(table.client, table.tableName, undefined, (point) =>
      point === 'gateway.attempt' ? refunded : Promise.resolve(),
    );
    const charging = new PaymentService(new DynamoDbPaymentStore(table.client, table.tableName), slowGateway).charge(charge(id));
    // Let the charge write its PENDING record and reach the gateway.
    await expect.poll(async () => (await table.item(paymentKey(id)))?.status).toBe('PENDING');

    await expect(invocation().refund(id)).resolves.toEqual({ orderId: id, refunded: false, status: 'VOIDED' });
    refundDone();

    await expect(charging).rejects.toMatchObject({ name: ErrorName.PaymentVoided });
    expect(await expectConsistent([id])).toEqual(new Map([[id, 'VOIDED']]));
  });

  it('a capture that lands after the void was recorded is refunded before the charge refuses', async () => {
    const id = orderId();
    // The charge's gateway approves, then its store write waits for the refund to finish.
    let refundDone!: () => void;
    const refunded = new Promise<void>((resolve) => (refundDone = resolve));
    let captured = false;
    const store = new DynamoDbPaymentStore(table.client, table.tableName, (point) =>
      point === 'store.update' && captured ? refunded : Promise.resolve(),
    );
    const gateway = new SimulatedGateway(table.client, table.tableName, undefined, (point) => {
      if (point === 'gateway.approved') captured = true;
      return Promise.resolve();
    });
    const charging = new PaymentService(store, gateway).charge(charge(id));
    await expect.poll(async () => (await table.item(gatewayKey(id)))?.status).toBe('approved');

    // The compensation finds the record PENDING, voids it, learns of the capture and refunds it.
    await expect(invocation().refund(id)).resolves.toEqual({ orderId: id, refunded: true, status: 'REFUNDED' });
    refundDone();

    await expect(charging).rejects.toMatchObject({ name: ErrorName.PaymentVoided, message: expect.stringMatching(/was refunded/) });
    expect(await expectConsistent([id])).toEqual(new Map([[id, 'REFUNDED']]));
  });

  it('charge and refund concurrently, 60 rounds with random latency: never an unrefunded capture, tables consistent', async () => {
    const rounds = await Promise.all(
      Array.from({ length: 60 }, async () => {
        const id = orderId();
        const [charged, refunded] = await Promise.allSettled([invocation(12).charge(charge(id)), invocation(12).refund(id)]);
        return { id, charged, refunded };
      }),
    );

    const statuses = await expectConsistent(rounds.map((round) => round.id));
    for (const { id, charged, refunded } of rounds) {
      if (refunded.status === 'rejected') throw refunded.reason;
      if (charged.status === 'fulfilled') {
        // It captured before the refund saw it: the refund refunded it.
        expect(refunded.value, id).toEqual({ orderId: id, refunded: true, status: 'REFUNDED' });
      } else {
        expect(charged.reason, id).toMatchObject({ name: ErrorName.PaymentVoided });
      }
      expect(statuses.get(id), id).toBe(refunded.value.status);
    }
    // Both arrival orders really happened.
    const outcomes = new Set(rounds.map((round) => `${round.charged.status}/${statuses.get(round.id)}`));
    expect(outcomes.size, [...outcomes].join(', ')).toBeGreaterThan(1);
  });

  it('redelivered charges racing two refunds, 30 rounds: still one capture at most, refunded', async () => {
    const rounds = await Promise.all(
      Array.from({ length: 30 }, async () => {
        const id = orderId();
        const settled = await Promise.allSettled([
          invocation(10).charge(charge(id, 'tok_mastercard')),
          invocation(10).charge(charge(id, 'tok_mastercard')),
          invocation(10).refund(id),
          invocation(10).refund(id),
        ]);
        return { id, settled };
      }),
    );

    await expectConsistent(rounds.map((round) => round.id));
    for (const { id, settled } of rounds) {
      for (const outcome of settled) {
        if (outcome.status === 'rejected') expect(outcome.reason, id).toMatchObject({ name: ErrorName.PaymentVoided });
      }
    }
  });
});
