import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorName } from '@order-flow/contracts';
import { Inventory } from '../../src/domain/inventory.js';
import { InMemoryStockStore } from '../support/in-memory-stock-store.js';

const SKUS = ['SKU-A', 'SKU-B', 'SKU-C'] as const;
const ORDERS = ['ord_1', 'ord_2', 'ord_3', 'ord_4', 'ord_5'] as const;

const reserveOp = fc.record({
  kind: fc.constant('reserve' as const),
  orderId: fc.constantFrom(...ORDERS),
  items: fc.uniqueArray(
    fc.record({ sku: fc.constantFrom(...SKUS), quantity: fc.integer({ min: 1, max: 6 }) }),
    { minLength: 1, maxLength: SKUS.length, selector: (item) => item.sku },
  ),
});
const releaseOp = fc.record({ kind: fc.constant('release' as const), orderId: fc.constantFrom(...ORDERS) });
/** Operations run in small concurrent batches, so reads and writes of different calls interleave. */
const batches = fc.array(fc.array(fc.oneof(reserveOp, releaseOp), { minLength: 1, maxLength: 4 }), { maxLength: 10 });
const initialStock = fc.tuple(...SKUS.map(() => fc.integer({ min: 0, max: 10 })));

describe('stock invariant (property)', () => {
  it('never goes negative, and initial = available + reserved, for any reserve/release sequence', async () => {
    await fc.assert(
      fc.asyncProperty(initialStock, batches, async (initial, opBatches) => {
        const store = new InMemoryStockStore(SKUS.map((sku, i) => ({ sku, available: initial[i]!, unitPrice: 100 })));
        const inventory = new Inventory(store);

        for (const batch of opBatches) {
          const results = await Promise.allSettled(
            batch.map((op) => (op.kind === 'reserve' ? inventory.reserve(op.orderId, op.items) : inventory.release(op.orderId))),
          );
          for (const result of results) {
            // Only business outcomes are allowed; anything else is a bug.
            if (result.status === 'rejected') expect((result.reason as Error).name).toBe(ErrorName.OutOfStock);
          }

          SKUS.forEach((sku, i) => {
            const available = store.stock.get(sku)!.available;
            const reserved = [...store.reservations.values()]
              .filter((r) => r.status === 'RESERVED')
              .flatMap((r) => r.lines)
              .filter((line) => line.sku === sku)
              .reduce((sum, line) => sum + line.quantity, 0);
            expect(available).toBeGreaterThanOrEqual(0);
            expect(available + reserved).toBe(initial[i]);
          });
        }
      }),
      { numRuns: 200 },
    );
  });
});
