/**
 * 200 concurrent single-unit orders race for a SKU with 20 in stock, through the synthesized
 * state machine on the local runtime. Exactly 20 win; stock ends at 0 and is never negative.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LocalOrderStack } from '../../src/local/stack.js';

let workflow: LocalOrderStack;
beforeAll(async () => {
  workflow = await LocalOrderStack.start();
});
afterAll(async () => {
  await workflow?.stop();
});

it('200 concurrent orders for 20 units: exactly 20 CONFIRMED, 180 OUT_OF_STOCK, stock 0, never negative', async () => {
  const sku = 'SKU-RACE';
  await workflow.seedStock([{ sku, available: 20, unitPrice: 500 }]);
  const observed: number[] = [];
  let racing = true;
  const watcher = (async () => {
    while (racing) {
      observed.push((await workflow.stock(sku))!);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();

  const ids = Array.from({ length: 200 }, (_, i) => `ord_race_${i}`);
  const results = await Promise.all(
    ids.map((orderId) =>
      workflow.submit({ orderId, customerId: 'cus_race', items: [{ sku, quantity: 1 }], payment: { token: 'tok_visa' }, currency: 'USD' }),
    ),
  );
  racing = false;
  await watcher;

  expect(results.filter((r) => r.status === 'SUCCEEDED')).toHaveLength(20);
  expect(results.filter((r) => r.status === 'FAILED' && r.error === 'OUT_OF_STOCK')).toHaveLength(180);
  const records = await Promise.all(ids.map((id) => workflow.order(id)));
  expect(records.filter((r) => r?.status === 'CONFIRMED')).toHaveLength(20);
  expect(records.filter((r) => r?.status === 'FAILED' && r.reason === 'OUT_OF_STOCK')).toHaveLength(180);
  expect(await workflow.stock(sku)).toBe(0);
  expect(observed.length).toBeGreaterThan(0);
  expect(Math.min(...observed)).toBeGreaterThanOrEqual(0);
  const captured = (await workflow.scan('payment')).filter((p) => String(p.pk).startsWith('PAYMENT#') && p.status === 'CAPTURED');
  expect(captured).toHaveLength(20);
});
