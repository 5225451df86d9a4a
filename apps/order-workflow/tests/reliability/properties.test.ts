/**
 * Scenario 3: property-based (fast-check) runs of the real step handlers (the Lambda bundles of
 * the synthesized app) against DynamoDB Local: random operation sequences end in legal states.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FailureReason, type OrderRecord } from '@order-flow/contracts';
import type { LocalOrderStack } from '../../src/local/stack.js';
import { runId } from './support/workload.js';
import { reliabilityStack } from './support/workflow-type.js';

let stack: LocalOrderStack;
const fn = (suffix: string) => stack.runtime.functions.find((f) => f.path?.endsWith(`/${suffix}/Resource`))!.name;
beforeAll(async () => {
  stack = await reliabilityStack();
});
afterAll(async () => {
  await stack?.stop();
});

/** The invocation's result, or `{ error: <errorType> }`. */
async function call(functionName: string, event: unknown): Promise<Record<string, unknown>> {
  try {
    return (await stack.runtime.invoke(functionName, event)) as Record<string, unknown>;
  } catch (error) {
    return { error: (error as Error).name };
  }
}

const reasons = Object.values(FailureReason);
let seq = 0;

describe('3. properties of the real handlers', () => {
  it('order status: any sequence of create/confirm/fail ends in a legal state with a legal history', async (context) => {
    const startedAt = Date.now();
    const op = fc.oneof(
      fc.constant({ kind: 'create' as const }),
      fc.constant({ kind: 'confirm' as const }),
      fc.record({ kind: fc.constant('fail' as const), reason: fc.constantFrom(...reasons) }),
    );
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 7 }), async (ops) => {
        runs++;
        const orderId = `ord_prop_${runId()}_${++seq}`;
        const order = { orderId, customerId: 'cus_prop', items: [{ sku: 'SKU-PROP', quantity: 1 }], payment: { token: 'tok_visa' }, currency: 'USD' };
        // The model: PENDING -> CONFIRMED | FAILED(reason); repeats of the same step are no-ops.
        let model: { status: string; reason?: string } | undefined;
        let transitions = 0;
        for (const o of ops) {
          const event =
            o.kind === 'create'
              ? { action: 'create', order }
              : o.kind === 'confirm'
                ? { action: 'confirm', orderId, lines: [{ sku: 'SKU-PROP', quantity: 1, unitPrice: 100, lineTotal: 100 }], total: 100, paymentId: 'pay_prop', causedBy: 'ConfirmOrder' }
                : { action: 'fail', orderId, reason: o.reason, causedBy: 'Prop' };
          const result = await call(fn('OrderStatus/Function'), event);
          let expected: string;
          if (o.kind === 'create') {
            expected = model?.status ?? 'PENDING';
            if (!model) {
              model = { status: 'PENDING' };
              transitions++;
            }
          } else if (!model) {
            expected = 'error:OrderNotFound';
          } else if (o.kind === 'confirm') {
            expected = model.status === 'FAILED' ? 'error:IllegalTransition' : 'CONFIRMED';
            if (model.status === 'PENDING') {
              model = { status: 'CONFIRMED' };
              transitions++;
            }
          } else if (model.status === 'CONFIRMED' || (model.status === 'FAILED' && model.reason !== o.reason)) {
            expected = 'error:IllegalTransition';
          } else {
            expected = 'FAILED';
            if (model.status === 'PENDING') {
              model = { status: 'FAILED', reason: o.reason };
              transitions++;
            }
          }
          const got = typeof result.error === 'string' ? `error:${result.error}` : String(result.status);
          expect(got, JSON.stringify(ops)).toBe(expected);
        }
        const record = await stack.order(orderId);
        if (!model) {
          expect(record).toBeUndefined();
          return;
        }
        expect(record).toMatchObject(model);
        const history = (record as OrderRecord).history;
        expect(history.map((h) => h.status)).toEqual(['PENDING', 'CONFIRMED', 'FAILED'].filter((s) => s === 'PENDING' || s === model.status).slice(0, transitions));
        if (model.reason) expect(history.at(-1)?.reason).toBe(model.reason);
      }),
      { numRuns: 25, seed: 5150 },
    );
    context.task.meta.reliability = { scenario: '3a. property: order status transitions', orders: runs, outcomes: { runs }, invariantsPassed: 1, invariantsTotal: 1, durationMs: Date.now() - startedAt, note: 'fast-check seed 5150' };
  });

  it('reservations: any reserve/release sequence across orders keeps available + reserved = initial', async (context) => {
    const startedAt = Date.now();
    const op = fc.record({ order: fc.integer({ min: 0, max: 3 }), release: fc.boolean(), a: fc.integer({ min: 0, max: 4 }), b: fc.integer({ min: 0, max: 4 }) });
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), async (ops) => {
        runs++;
        const run = `${runId()}_${++seq}`;
        const skus = [`SKU-PA-${run}`, `SKU-PB-${run}`];
        const initial = 5;
        await stack.seedStock(skus.map((sku) => ({ sku, available: initial, unitPrice: 10 })));
        const releasedTrue = new Map<number, number>();
        for (const o of ops) {
          const orderId = `ord_pres_${run}_${o.order}`;
          const items = [
            { sku: skus[0]!, quantity: o.a },
            { sku: skus[1]!, quantity: o.b },
          ].filter((line) => line.quantity > 0);
          const result = o.release || items.length === 0
            ? await call(fn('Inventory/Function'), { action: 'release', orderId })
            : await call(fn('Inventory/Function'), { action: 'reserve', orderId, items });
          if (result.released === true) releasedTrue.set(o.order, (releasedTrue.get(o.order) ?? 0) + 1);
          if (result.error !== undefined) expect(['OutOfStock', 'InvalidInput']).toContain(result.error);
          // After every operation: per SKU, available + units held by RESERVED reservations = initial.
          const items2 = await stack.scan('inventory');
          for (const sku of skus) {
            const available = Number(items2.find((i) => i.pk === `SKU#${sku}`)?.available);
            const held = items2
              .filter((i) => String(i.pk).startsWith(`RES#ord_pres_${run}_`) && i.status === 'RESERVED')
              .flatMap((i) => (i.lines as { sku: string; quantity: number }[] | undefined) ?? [])
              .filter((l) => l.sku === sku)
              .reduce((n, l) => n + l.quantity, 0);
            expect(available).toBeGreaterThanOrEqual(0);
            expect(available + held, JSON.stringify(ops)).toBe(initial);
          }
        }
        // Stock comes back at most once per order.
        for (const count of releasedTrue.values()) expect(count).toBe(1);
      }),
      { numRuns: 20, seed: 7331 },
    );
    context.task.meta.reliability = { scenario: '3b. property: reservation rules', orders: runs, outcomes: { runs }, invariantsPassed: 1, invariantsTotal: 1, durationMs: Date.now() - startedAt, note: 'fast-check seed 7331' };
  });
});
