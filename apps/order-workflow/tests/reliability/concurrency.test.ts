/**
 * Scenarios 1-2: contention through the synthesized state machine on the local stack.
 * Invariants are read from the tables afterwards (support/invariants.ts).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { OrderRequest } from '@order-flow/contracts';
import type { LocalOrderStack } from '../../src/local/stack.js';
import { checkInvariants } from './support/invariants.js';
import { report } from './support/report.js';
import { between, mapBounded, orderOf, pick, pollStock, runId } from './support/workload.js';
// The engine's seeded PRNG (also behind the fault injector): a scenario's orders are the same on every run.
import { mulberry32 } from '@order-flow/local/faults';
import { reliabilityStack } from './support/workflow-type.js';

let stack: LocalOrderStack;
beforeAll(async () => {
  stack = await reliabilityStack();
});
afterAll(async () => {
  await stack?.stop();
});

it('1,000 concurrent single-unit orders for 100 in stock: exactly 100 CONFIRMED, 900 OUT_OF_STOCK, stock 0, never negative', async (context) => {
  const startedAt = Date.now();
  const run = runId();
  const sku = `SKU-HOT-${run}`;
  await stack.seedStock([{ sku, available: 100, unitPrice: 700 }]);
  const poller = pollStock(stack, [sku]);

  const orders = Array.from({ length: 1000 }, (_, i) => orderOf(`ord_hot_${run}_${i}`, [{ sku, quantity: 1 }]));
  const results = await Promise.all(orders.map((order) => stack.submit(order)));
  const observed = await poller.stop();

  const invariants = await checkInvariants(stack, { initialStock: { [sku]: 100 }, observedMinimum: observed.minimum });
  report(context, '1. 1,000 orders race for 100 units', startedAt, invariants, { note: `${observed.samples} stock samples, min ${observed.minimum}` });
  expect(invariants.violations).toEqual([]);
  expect(invariants.outcomes).toEqual({ CONFIRMED: 100, 'FAILED(OUT_OF_STOCK)': 900 });
  expect(results.filter((r) => r.status === 'SUCCEEDED')).toHaveLength(100);
  expect(results.filter((r) => r.status === 'FAILED' && r.error === 'OUT_OF_STOCK')).toHaveLength(900);
  expect(await stack.stock(sku)).toBe(0);
  expect(observed.samples).toBeGreaterThan(1);
  expect(observed.minimum).toBeGreaterThanOrEqual(0);
});

it('mixed multi-line orders over overlapping SKUs with random declines keep every invariant', async (context) => {
  const startedAt = Date.now();
  const run = runId();
  const random = mulberry32(20261126);
  const skus = Array.from({ length: 5 }, (_, i) => `SKU-MIX${i}-${run}`);
  const initialStock = Object.fromEntries(skus.map((sku, i) => [sku, 12 + 6 * i]));
  await stack.seedStock(skus.map((sku, i) => ({ sku, available: initialStock[sku]!, unitPrice: 100 + 50 * i })));
  // Weighted: mostly approvals, with declines, transient gateway failures and a gateway that stays down.
  const tokens = ['tok_visa', 'tok_visa', 'tok_visa', 'tok_mastercard', 'tok_chargeDeclined', 'tok_chargeDeclinedInsufficientFunds', 'tok_gatewayFlaky', 'tok_gatewayFlaky', 'tok_gatewayDown', 'tok_unknownCard'];
  const orders: OrderRequest[] = Array.from({ length: 160 }, (_, i) => {
    const lineCount = between(random, 1, 3);
    const chosen = [...skus].sort(() => random() - 0.5).slice(0, lineCount);
    return orderOf(`ord_mix_${run}_${i}`, chosen.map((sku) => ({ sku, quantity: between(random, 1, 3) })), pick(random, tokens));
  });
  const poller = pollStock(stack, skus, 20);

  const results = await mapBounded(orders, 60, (order) => stack.submit(order));
  const observed = await poller.stop();

  const invariants = await checkInvariants(stack, { initialStock, observedMinimum: observed.minimum });
  report(context, '2. mixed multi-line orders, random declines', startedAt, invariants);
  expect(invariants.violations).toEqual([]);
  expect(results.every((r) => r.status === 'SUCCEEDED' || r.status === 'FAILED')).toBe(true);
  // The workload really mixes outcomes: each of these paths was taken.
  for (const outcome of ['CONFIRMED', 'FAILED(OUT_OF_STOCK)', 'FAILED(PAYMENT_DECLINED)', 'FAILED(PAYMENT_ERROR)']) {
    expect(invariants.outcomes[outcome], outcome).toBeGreaterThan(0);
  }
  expect(invariants.orders).toHaveLength(160);
});
