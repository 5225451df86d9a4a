import { ErrorName } from '@order-flow/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOutageWindows } from '../../src/adapters/outage-windows.js';
import { SimulatedGateway, gatewayKey } from '../../src/adapters/simulated-gateway.js';
import type { Delay } from '../../src/ports.js';
import { createTestTable, type TestTable } from '../support/dynamodb.js';

let table: TestTable;
let n = 0;
const key = () => `ord_gw_${++n}`;
const request = (token: string, idempotencyKey = key()) => ({ idempotencyKey, amount: 1500, currency: 'USD', token });
/** The gateway's money ledger for a key: its CAPTURE# and REFUND# items. */
const movements = async (idempotencyKey: string) => {
  const items = (await table.scan()).filter((item) => item.idempotencyKey === idempotencyKey);
  return {
    captures: items.filter((item) => String(item.pk).startsWith('CAPTURE#')),
    refunds: items.filter((item) => String(item.pk).startsWith('REFUND#')),
  };
};
const randomDelay = (maxMs: number): Delay => () => new Promise((resolve) => setTimeout(resolve, Math.random() * maxMs));

beforeAll(async () => {
  table = await createTestTable();
});
afterAll(async () => {
  await table.drop();
});

describe('SimulatedGateway (DynamoDB Local ledger)', () => {
  it.each(['tok_visa', 'tok_mastercard'])('approves %s', async (token) => {
    const gateway = new SimulatedGateway(table.client, table.tableName);
    const req = request(token);

    const { chargeId } = await gateway.charge(req);

    expect(chargeId).toMatch(/^ch_sim_/);
    expect(await gateway.lookup(req.idempotencyKey)).toMatchObject({ status: 'approved', chargeId, amount: 1500, currency: 'USD' });
  });

  it.each([
    ['tok_chargeDeclined', 'card_declined'],
    ['tok_chargeDeclinedInsufficientFunds', 'insufficient_funds'],
    ['tok_unknownCard', 'invalid_token'],
  ])('declines %s as %s, again on a repeat', async (token, declineCode) => {
    const gateway = new SimulatedGateway(table.client, table.tableName);
    const req = request(token);

    await expect(gateway.charge(req)).rejects.toMatchObject({ name: ErrorName.PaymentDeclined, declineCode });
    await expect(gateway.charge(req)).rejects.toMatchObject({ name: ErrorName.PaymentDeclined, declineCode });
    expect(await gateway.lookup(req.idempotencyKey)).toMatchObject({ status: 'declined', declineCode });
  });

  it('fails tok_gatewayFlaky exactly twice per key, then approves, across new instances', async () => {
    const req = request('tok_gatewayFlaky');
    // A new adapter each time: only the DynamoDB ledger can remember the attempts.
    const fresh = () => new SimulatedGateway(table.client, table.tableName);

    await expect(fresh().charge(req)).rejects.toMatchObject({ name: ErrorName.PaymentGatewayUnavailable });
    await expect(fresh().charge(req)).rejects.toMatchObject({ name: ErrorName.PaymentGatewayUnavailable });
    const { chargeId } = await fresh().charge(req);

    expect(chargeId).toMatch(/^ch_sim_/);
    expect(await table.item(gatewayKey(req.idempotencyKey))).toMatchObject({ attempts: 3, status: 'approved' });
    // Another key starts its own count.
    await expect(fresh().charge(request('tok_gatewayFlaky'))).rejects.toMatchObject({ name: ErrorName.PaymentGatewayUnavailable });
  });

  it('always fails tok_gatewayDown and records no charge', async () => {
    const gateway = new SimulatedGateway(table.client, table.tableName);
    const req = request('tok_gatewayDown');

    for (let attempt = 0; attempt < 4; attempt++) {
      await expect(gateway.charge(req)).rejects.toMatchObject({ name: ErrorName.PaymentGatewayUnavailable });
    }
    expect(await gateway.lookup(req.idempotencyKey)).toBeUndefined();
    expect(await table.item(gatewayKey(req.idempotencyKey))).toMatchObject({ attempts: 4, status: 'pending' });
  });

  it('returns the same chargeId for the same key and charges once', async () => {
    const gateway = new SimulatedGateway(table.client, table.tableName);
    const req = request('tok_visa');

    const first = await gateway.charge(req);
    const second = await new SimulatedGateway(table.client, table.tableName).charge(req);

    expect(second.chargeId).toBe(first.chargeId);
    expect(await table.item(gatewayKey(req.idempotencyKey))).toMatchObject({ attempts: 1, status: 'approved' });
  });

  it('rejects the same key with a different amount or currency and changes nothing', async () => {
    const gateway = new SimulatedGateway(table.client, table.tableName);
    const req = request('tok_visa');
    await gateway.charge(req);
    const before = await table.item(gatewayKey(req.idempotencyKey));

    await expect(gateway.charge({ ...req, amount: 1501 })).rejects.toMatchObject({
      name: ErrorName.PaymentIdempotencyConflict,
      message: expect.stringMatching(/1500 USD.*1501 USD/),
    });
    await expect(gateway.charge({ ...req, currency: 'EUR' })).rejects.toMatchObject({ name: ErrorName.PaymentIdempotencyConflict });
    expect(await table.item(gatewayKey(req.idempotencyKey))).toEqual(before);
  });

  it('rejects a different amount while the first charge is still pending', async () => {
    const gateway = new SimulatedGateway(table.client, table.tableName);
    const req = request('tok_gatewayDown');
    await expect(gateway.charge(req)).rejects.toMatchObject({ name: ErrorName.PaymentGatewayUnavailable });

    await expect(gateway.charge({ ...req, amount: 99 })).rejects.toMatchObject({ name: ErrorName.PaymentIdempotencyConflict });
    expect(await table.item(gatewayKey(req.idempotencyKey))).toMatchObject({ attempts: 1, amount: 1500 });
  });

  it('refunds idempotently with the same refundId', async () => {
    const gateway = new SimulatedGateway(table.client, table.tableName);
    const req = request('tok_visa');
    const { chargeId } = await gateway.charge(req);

    const first = await gateway.refund({ idempotencyKey: req.idempotencyKey, chargeId, amount: 1500 });
    const second = await gateway.refund({ idempotencyKey: req.idempotencyKey, chargeId, amount: 1500 });

    expect(second.refundId).toBe(first.refundId);
    expect(await gateway.lookup(req.idempotencyKey)).toMatchObject({ status: 'refunded', refundId: first.refundId, chargeId });
  });

  it('records each capture and refund in its ledger, keyed by its own id, not by the order', async () => {
    const gateway = new SimulatedGateway(table.client, table.tableName);
    const req = request('tok_visa');

    const { chargeId } = await gateway.charge(req);
    await gateway.charge(req);
    const { refundId } = await gateway.refund({ idempotencyKey: req.idempotencyKey, chargeId, amount: 1500 });
    await gateway.refund({ idempotencyKey: req.idempotencyKey, chargeId, amount: 1500 });

    const { captures, refunds } = await movements(req.idempotencyKey);
    expect(captures).toEqual([
      { pk: expect.stringMatching(/^CAPTURE#cap_/), idempotencyKey: req.idempotencyKey, amount: 1500, currency: 'USD', chargeId, at: expect.any(String) },
    ]);
    expect(refunds).toEqual([
      { pk: expect.stringMatching(/^REFUND#rf_/), idempotencyKey: req.idempotencyKey, amount: 1500, currency: 'USD', chargeId, refundId, at: expect.any(String) },
    ]);
  });

  it('captures once when many attempts race on one key: the losers return the same chargeId and record nothing', async () => {
    const req = request('tok_visa');
    const racers = Array.from({ length: 8 }, () => new SimulatedGateway(table.client, table.tableName, undefined, randomDelay(15)));

    const results = await Promise.all(racers.map((gateway) => gateway.charge(req)));

    expect(new Set(results.map((r) => r.chargeId)).size).toBe(1);
    expect((await movements(req.idempotencyKey)).captures).toHaveLength(1);
    expect(await table.item(gatewayKey(req.idempotencyKey))).toMatchObject({ status: 'approved', attempts: 8 });
  });

  it('refunds once when refunds race', async () => {
    const req = request('tok_visa');
    const { chargeId } = await new SimulatedGateway(table.client, table.tableName).charge(req);
    const racers = Array.from({ length: 6 }, () => new SimulatedGateway(table.client, table.tableName, undefined, randomDelay(15)));

    const results = await Promise.all(racers.map((gateway) => gateway.refund({ idempotencyKey: req.idempotencyKey, chargeId, amount: 1500 })));

    expect(new Set(results.map((r) => r.refundId)).size).toBe(1);
    expect((await movements(req.idempotencyKey)).refunds).toHaveLength(1);
  });

  describe('void', () => {
    it('voids a key never charged; a later charge is refused and captures nothing', async () => {
      const gateway = new SimulatedGateway(table.client, table.tableName);
      const req = request('tok_visa');

      await expect(gateway.void(req.idempotencyKey)).resolves.toEqual({ idempotencyKey: req.idempotencyKey, status: 'voided' });
      const afterFirst = await table.item(`GATEWAY#${req.idempotencyKey}`);
      await expect(gateway.void(req.idempotencyKey)).resolves.toEqual({ idempotencyKey: req.idempotencyKey, status: 'voided' });
      // A repeated void (a redelivered refund) writes nothing, not even updatedAt.
      expect(await table.item(`GATEWAY#${req.idempotencyKey}`)).toEqual(afterFirst);

      await expect(gateway.charge(req)).rejects.toMatchObject({ name: ErrorName.PaymentVoided });
      expect(await gateway.lookup(req.idempotencyKey)).toBeUndefined();
      expect((await movements(req.idempotencyKey)).captures).toEqual([]);
    });

    it('voids a pending key (a charge failing transiently); its retry is refused', async () => {
      const gateway = new SimulatedGateway(table.client, table.tableName);
      const req = request('tok_gatewayFlaky');
      await expect(gateway.charge(req)).rejects.toMatchObject({ name: ErrorName.PaymentGatewayUnavailable });

      await expect(gateway.void(req.idempotencyKey)).resolves.toMatchObject({ status: 'voided' });

      await expect(gateway.charge(req)).rejects.toMatchObject({ name: ErrorName.PaymentVoided });
      await expect(gateway.charge(req)).rejects.toMatchObject({ name: ErrorName.PaymentVoided });
      expect(await table.item(gatewayKey(req.idempotencyKey))).toMatchObject({ status: 'voided', attempts: 1 });
      expect((await movements(req.idempotencyKey)).captures).toEqual([]);
    });

    it('reports an approved charge (the caller refunds it), and a refunded or declined one', async () => {
      const gateway = new SimulatedGateway(table.client, table.tableName);
      const req = request('tok_visa');
      const { chargeId } = await gateway.charge(req);

      await expect(gateway.void(req.idempotencyKey)).resolves.toMatchObject({ status: 'approved', chargeId, amount: 1500 });
      await gateway.refund({ idempotencyKey: req.idempotencyKey, chargeId, amount: 1500 });
      await expect(gateway.void(req.idempotencyKey)).resolves.toMatchObject({ status: 'refunded', chargeId });

      const declined = request('tok_chargeDeclined');
      await expect(gateway.charge(declined)).rejects.toMatchObject({ name: ErrorName.PaymentDeclined });
      await expect(gateway.void(declined.idempotencyKey)).resolves.toMatchObject({ status: 'declined', declineCode: 'card_declined' });
    });

    it('races charges: either the void wins and nothing is captured, or it reports the one capture', async () => {
      for (let round = 0; round < 15; round++) {
        const req = request('tok_visa');
        const slow = () => new SimulatedGateway(table.client, table.tableName, undefined, randomDelay(20));
        const [charged, voided] = await Promise.allSettled([slow().charge(req), slow().void(req.idempotencyKey)]);

        const { captures } = await movements(req.idempotencyKey);
        if (voided.status === 'rejected') throw voided.reason;
        if (voided.value.status === 'voided') {
          expect(charged).toMatchObject({ status: 'rejected', reason: { name: ErrorName.PaymentVoided } });
          expect(captures).toEqual([]);
        } else {
          expect(voided.value).toMatchObject({ status: 'approved' });
          expect(charged).toMatchObject({ status: 'fulfilled' });
          expect(captures).toHaveLength(1);
        }
      }
    });
  });

  describe('outage windows', () => {
    const outages = parseOutageWindows('2030-01-01T00:10:00Z/2030-01-01T00:40:00Z');
    /** A gateway reading its time from `time.now`, so a test moves it across the window. */
    const gatewayAt = (time: { now: Date }) => new SimulatedGateway(table.client, table.tableName, { now: () => time.now }, undefined, outages);

    it('refuses every call during a window, before touching the ledger, whatever the token', async () => {
      const time = { now: new Date('2030-01-01T00:05:00Z') };
      const gateway = gatewayAt(time);
      const charged = request('tok_visa');
      const { chargeId } = await gateway.charge(charged);
      const untouched = request('tok_visa');
      const before = await table.scan();

      for (const moment of ['2030-01-01T00:10:00.000Z', '2030-01-01T00:39:59.999Z']) {
        time.now = new Date(moment);
        const unavailable = { name: ErrorName.PaymentGatewayUnavailable, message: expect.stringContaining('outage 2030-01-01T00:10:00.000Z/2030-01-01T00:40:00.000Z') };
        await expect(gateway.charge(untouched)).rejects.toMatchObject(unavailable);
        await expect(gateway.charge(request('tok_chargeDeclined'))).rejects.toMatchObject(unavailable);
        await expect(gateway.refund({ idempotencyKey: charged.idempotencyKey, chargeId, amount: 1500 })).rejects.toMatchObject(unavailable);
        await expect(gateway.void(untouched.idempotencyKey)).rejects.toMatchObject(unavailable);
        await expect(gateway.lookup(charged.idempotencyKey)).rejects.toMatchObject(unavailable);
      }
      expect(await table.scan()).toEqual(before);
    });

    it('answers as usual before the window and from its end on', async () => {
      const time = { now: new Date('2030-01-01T00:09:59.999Z') };
      const gateway = gatewayAt(time);
      const req = request('tok_visa');
      const { chargeId } = await gateway.charge(req);

      time.now = new Date('2030-01-01T00:40:00.000Z');
      await expect(gateway.charge(req)).resolves.toEqual({ chargeId });
      await expect(gateway.refund({ idempotencyKey: req.idempotencyKey, chargeId, amount: 1500 })).resolves.toMatchObject({ refundId: expect.any(String) });
      await expect(gateway.lookup(req.idempotencyKey)).resolves.toMatchObject({ status: 'refunded' });
      await expect(gateway.void(key())).resolves.toMatchObject({ status: 'voided' });
    });
  });

  it('refuses to refund a charge it does not hold', async () => {
    const gateway = new SimulatedGateway(table.client, table.tableName);

    await expect(gateway.refund({ idempotencyKey: key(), chargeId: 'ch_nope', amount: 1 })).rejects.toThrow(/no approved charge/);
  });
});
