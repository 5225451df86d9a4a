/**
 * Scenario 5: duplicate delivery. Each step function invoked twice with the same input returns
 * the same result and has one effect; a whole execution run again under the same orderId
 * changes nothing in the tables.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalOrderStack } from '../../src/local/stack.js';
import { checkInvariants } from './support/invariants.js';
import { report } from './support/report.js';
import { orderOf, runId } from './support/workload.js';

const INVENTORY = 'Inventory/Function';
const PAYMENT = 'Payment/Function';
const ORDER_STATUS = 'OrderStatus/Function';

let stack: LocalOrderStack;
const fn = (suffix: string) => stack.runtime.functions.find((f) => f.path?.endsWith(`/${suffix}/Resource`))!.name;
beforeAll(async () => {
  stack = await LocalOrderStack.start();
});
afterAll(async () => {
  await stack?.stop();
});

describe('5. duplicate delivery', () => {
  it('each step invoked twice with the same input: same result, one effect', async (context) => {
    const startedAt = Date.now();
    const run = runId();
    const sku = `SKU-DUP-${run}`;
    await stack.seedStock([{ sku, available: 10, unitPrice: 400 }]);
    const order = orderOf(`ord_dup_${run}`, [{ sku, quantity: 3 }]);
    const { orderId } = order as { orderId: string };
    const twice = async (name: string, event: unknown) => [await stack.runtime.invoke(fn(name), event), await stack.runtime.invoke(fn(name), event)] as const;

    const [created1, created2] = await twice(ORDER_STATUS, { action: 'create', order });
    expect(created2).toEqual(created1);
    const [res1, res2] = await twice(INVENTORY, { action: 'reserve', orderId, items: order.items });
    expect(res2).toEqual(res1);
    expect(await stack.stock(sku)).toBe(7);
    const [charge1, charge2] = await twice(PAYMENT, { action: 'charge', orderId, amount: 1200, currency: 'USD', token: 'tok_visa' });
    expect(charge2).toEqual(charge1);
    expect(await stack.payment(orderId)).toMatchObject({ status: 'CAPTURED', amount: 1200 });
    const paymentId = (charge1 as { paymentId: string }).paymentId;
    const confirm = { action: 'confirm', orderId, lines: [{ sku, quantity: 3, unitPrice: 400, lineTotal: 1200 }], total: 1200, paymentId, causedBy: 'ConfirmOrder' };
    const [confirmed1, confirmed2] = await twice(ORDER_STATUS, confirm);
    expect(confirmed2).toEqual(confirmed1);
    expect((await stack.order(orderId))!.history).toHaveLength(2);
    const confirmedInvariants = await checkInvariants(stack, { initialStock: { [sku]: 10 } });
    expect(confirmedInvariants.violations).toEqual([]);

    // The compensations, twice each: refund and release happen once.
    const [refund1, refund2] = await twice(PAYMENT, { action: 'refund', orderId });
    expect([refund1, refund2]).toMatchObject([{ refunded: true }, { refunded: false }]);
    const [release1, release2] = await twice(INVENTORY, { action: 'release', orderId });
    expect([release1, release2]).toMatchObject([{ released: true }, { released: false }]);
    expect(await stack.stock(sku)).toBe(10);
    expect(await stack.payment(orderId)).toMatchObject({ status: 'REFUNDED' });

    const invariants = await checkInvariants(stack, { initialStock: { [sku]: 10 + 3 } });
    report(context, '5a. every step delivered twice', startedAt, confirmedInvariants, { orders: 1 });
    // CONFIRMED yet refunded and released (steps driven by hand): conservation against the
    // pre-release stock must now break, which proves the check reads real state.
    expect(invariants.violations.length).toBeGreaterThan(0);
  });

  it('a whole execution run again under the same orderId (new name) changes nothing; the same name is ExecutionAlreadyExists', async (context) => {
    const startedAt = Date.now();
    const run = runId();
    const sku = `SKU-RERUN-${run}`;
    await stack.seedStock([{ sku, available: 5, unitPrice: 300 }]);
    const orders = [
      orderOf(`ord_rerun_ok_${run}`, [{ sku, quantity: 2 }], 'tok_visa'),
      orderOf(`ord_rerun_declined_${run}`, [{ sku, quantity: 1 }], 'tok_chargeDeclined'),
      orderOf(`ord_rerun_flaky_${run}`, [{ sku, quantity: 1 }], 'tok_gatewayFlaky'),
      orderOf(`ord_rerun_short_${run}`, [{ sku, quantity: 9 }], 'tok_visa'),
    ];
    const first = await Promise.all(orders.map((order) => stack.submit(order, { name: order.orderId! })));
    const before = await stack.snapshotTables();

    const again = await Promise.all(orders.map((order) => stack.submit(order, { name: `${order.orderId!}-again` })));
    expect(again.map((r) => [r.status, r.error])).toEqual(first.map((r) => [r.status, r.error]));
    expect(await stack.snapshotTables()).toEqual(before);
    for (const order of orders) {
      expect(() => stack.start(order, { name: order.orderId! })).toThrow(expect.objectContaining({ name: 'ExecutionAlreadyExists' }));
    }
    expect(await stack.snapshotTables()).toEqual(before);

    const invariants = await checkInvariants(stack, { initialStock: { [sku]: 5 } });
    report(context, '5b. executions re-run under the same orderId', startedAt, invariants);
    expect(invariants.violations).toEqual([]);
    expect(invariants.outcomes).toEqual({ CONFIRMED: 2, 'FAILED(PAYMENT_DECLINED)': 1, 'FAILED(OUT_OF_STOCK)': 1 });
  });
});
