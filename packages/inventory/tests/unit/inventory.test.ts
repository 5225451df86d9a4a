import { describe, expect, it } from 'vitest';
import { ErrorName, MAX_AVAILABLE, ValidationError } from '@order-flow/contracts';
import { OutOfStockError, UnknownSkuError } from '../../src/domain/errors.js';
import { Inventory } from '../../src/domain/inventory.js';
import type { CommitOutcome } from '../../src/ports.js';
import { InMemoryStockStore } from '../support/in-memory-stock-store.js';
import { TWO_LINE_ORDER, TWO_LINE_RESERVATION, TWO_SKUS } from '../support/stock.js';

const clock = { now: () => new Date('2026-01-02T03:04:05.000Z') };

/** Order lines from `{ sku: quantity }`, in that order. */
const linesOf = (quantities: Record<string, number>) => Object.entries(quantities).map(([sku, quantity]) => ({ sku, quantity }));

function setup() {
  const store = new InMemoryStockStore([...TWO_SKUS, { sku: 'SKU-C', available: 0, unitPrice: 99 }]);
  return { store, inventory: new Inventory(store, clock) };
}

describe('Inventory.reserve', () => {
  it('prices every line from stock, totals the order and takes the stock', async () => {
    const { store, inventory } = setup();

    const result = await inventory.reserve('ord_1', TWO_LINE_ORDER);

    expect(result).toEqual(TWO_LINE_RESERVATION);
    expect(store.stock.get('SKU-A')?.available).toBe(3);
    expect(store.stock.get('SKU-B')?.available).toBe(0);
    expect(store.reservations.get('ord_1')).toMatchObject({ status: 'RESERVED', reservedAt: '2026-01-02T03:04:05.000Z' });
  });

  it('is idempotent: a repeat returns the first result and takes nothing, even after a price change', async () => {
    const { store, inventory } = setup();
    const first = await inventory.reserve('ord_1', [{ sku: 'SKU-A', quantity: 2 }]);
    store.stock.get('SKU-A')!.unitPrice = 9999;

    const again = await inventory.reserve('ord_1', [{ sku: 'SKU-A', quantity: 4 }]);

    expect(again).toEqual(first);
    expect(store.stock.get('SKU-A')?.available).toBe(3);
  });

  it('returns the released reservation unchanged and takes nothing after a release', async () => {
    const { store, inventory } = setup();
    const first = await inventory.reserve('ord_1', [{ sku: 'SKU-A', quantity: 2 }]);
    await inventory.release('ord_1');

    const again = await inventory.reserve('ord_1', [{ sku: 'SKU-A', quantity: 2 }]);

    expect(again).toEqual(first);
    expect(store.stock.get('SKU-A')?.available).toBe(5);
  });

  it.each([
    {
      test: 'throws OutOfStock listing every short SKU with requested/available, and takes nothing',
      lines: linesOf({ 'SKU-A': 1, 'SKU-B': 2, 'SKU-C': 3 }),
      type: OutOfStockError,
      error: { name: ErrorName.OutOfStock, message: 'out of stock: SKU-B (requested 2, available 1), SKU-C (requested 3, available 0)', skus: ['SKU-B', 'SKU-C'] },
    },
    {
      test: 'throws UnknownSku naming the field path of every unknown SKU, and writes nothing',
      lines: linesOf({ 'SKU-A': 1, 'SKU-X': 1, 'SKU-Y': 1 }),
      type: UnknownSkuError,
      error: { name: ErrorName.UnknownSku, message: 'items.1.sku: unknown SKU "SKU-X"; items.2.sku: unknown SKU "SKU-Y"' },
    },
  ])('$test', async ({ lines, type, error: expected }) => {
    const { store, inventory } = setup();

    const error = await inventory.reserve('ord_1', lines).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject(expected);
    expect(store.stock.get('SKU-A')?.available).toBe(5);
    expect(store.reservations.size).toBe(0);
  });

  it('re-reads prices when they change between read and write, and charges the new price', async () => {
    const { store, inventory } = setup();
    const commit = store.commitReservation.bind(store);
    let calls = 0;
    store.commitReservation = (record) => {
      calls++;
      // An admin reprices between our read and our write, once.
      if (calls === 1) store.stock.get('SKU-A')!.unitPrice = 1300;
      return commit(record);
    };

    const result = await inventory.reserve('ord_1', [{ sku: 'SKU-A', quantity: 1 }]);

    expect(calls).toBe(2);
    expect(result.total).toBe(1300);
  });

  it('gives up with InventoryContention when prices keep changing', async () => {
    const { store, inventory } = setup();
    store.commitReservation = (): Promise<CommitOutcome> => Promise.resolve({ kind: 'price-changed' });

    await expect(inventory.reserve('ord_1', [{ sku: 'SKU-A', quantity: 1 }])).rejects.toMatchObject({
      name: ErrorName.InventoryContention,
    });
  });

  it('returns the winner when a concurrent reserve stored the order first', async () => {
    const { store, inventory } = setup();
    const winner = { orderId: 'ord_1', lines: [], total: 0, status: 'RESERVED' as const, reservedAt: 'x' };
    const getReservation = store.getReservation.bind(store);
    let reads = 0;
    store.getReservation = (orderId) => (++reads === 1 ? Promise.resolve(undefined) : getReservation(orderId));
    store.reservations.set('ord_1', winner);

    const result = await inventory.reserve('ord_1', [{ sku: 'SKU-A', quantity: 1 }]);

    expect(result).toEqual({ orderId: 'ord_1', lines: [], total: 0 });
    expect(store.stock.get('SKU-A')?.available).toBe(5);
  });
});

describe('Inventory.release', () => {
  it('puts the stock back exactly once', async () => {
    const { store, inventory } = setup();
    await inventory.reserve('ord_1', [{ sku: 'SKU-A', quantity: 2 }]);

    const first = await inventory.release('ord_1');
    const second = await inventory.release('ord_1');

    expect(first).toEqual({ orderId: 'ord_1', released: true });
    expect(second).toEqual({ orderId: 'ord_1', released: false });
    expect(store.stock.get('SKU-A')?.available).toBe(5);
  });

  it('leaves a tombstone when nothing was reserved, so a late reserve takes nothing', async () => {
    const { store, inventory } = setup();

    const released = await inventory.release('ord_1');
    const late = await inventory.reserve('ord_1', [{ sku: 'SKU-A', quantity: 2 }]);

    expect(released).toEqual({ orderId: 'ord_1', released: false });
    expect(late).toEqual({ orderId: 'ord_1', lines: [], total: 0 });
    expect(store.stock.get('SKU-A')?.available).toBe(5);
  });

  it('releases a reservation that lands between its read and its tombstone write', async () => {
    const { store, inventory } = setup();
    const getReservation = store.getReservation.bind(store);
    let reads = 0;
    store.getReservation = async (orderId) => {
      if (++reads === 1) {
        // The reserve wins the race right after release looked.
        await store.commitReservation({
          orderId,
          lines: [{ sku: 'SKU-A', quantity: 2, unitPrice: 1250, lineTotal: 2500 }],
          total: 2500,
          status: 'RESERVED',
          reservedAt: 'x',
        });
        return undefined;
      }
      return getReservation(orderId);
    };

    const result = await inventory.release('ord_1');

    expect(result).toEqual({ orderId: 'ord_1', released: true });
    expect(store.stock.get('SKU-A')?.available).toBe(5);
  });
});

describe('Inventory stock admin', () => {
  it('stores and reads stock', async () => {
    const { inventory } = setup();

    await inventory.putStock('SKU-NEW', { available: 7, unitPrice: 0 });

    expect(await inventory.getStock('SKU-NEW')).toEqual({ sku: 'SKU-NEW', available: 7, unitPrice: 0 });
    expect(await inventory.getStock('SKU-NONE')).toBeUndefined();
  });

  it('rejects negative or fractional amounts as InvalidInput naming each field', async () => {
    const { store, inventory } = setup();

    const error = await inventory.putStock('SKU-A', { available: -1, unitPrice: 1.5 }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).name).toBe(ErrorName.InvalidInput);
    expect((error as ValidationError).message).toBe('available: must be at least 0; unitPrice: must be a whole number of minor units');
    expect(store.stock.get('SKU-A')?.available).toBe(5);
  });

  it('applies the stock API\'s maximum: MAX_AVAILABLE is stored, one more is refused', async () => {
    const { store, inventory } = setup();

    const atMaximum = await inventory.putStock('SKU-A', { available: MAX_AVAILABLE, unitPrice: 1 });
    const overMaximum = await inventory.putStock('SKU-A', { available: MAX_AVAILABLE + 1, unitPrice: 1 }).catch((e: unknown) => e);

    expect(atMaximum.available).toBe(MAX_AVAILABLE);
    expect((overMaximum as ValidationError).message).toBe(`available: must be at most ${MAX_AVAILABLE}`);
    expect(store.stock.get('SKU-A')?.available).toBe(MAX_AVAILABLE);
  });

  it('rejects a malformed SKU', async () => {
    const { inventory } = setup();

    await expect(inventory.putStock('bad sku', { available: 1, unitPrice: 1 })).rejects.toThrow(/^sku: /);
  });
});
