import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { ErrorName } from '@order-flow/contracts';
import { describe, expect, it } from 'vitest';
import { OutOfStockError } from '../../src/domain/errors.js';
import { Inventory } from '../../src/domain/inventory.js';
import type { StockStore } from '../../src/ports.js';
import { useTestTables, type TestTable } from '../support/dynamodb.js';
import { TWO_LINE_ORDER, TWO_LINE_RESERVATION, TWO_SKUS } from '../support/stock.js';

const newTable = useTestTables();

async function setup(stock = TWO_SKUS) {
  const table = await newTable(stock);
  return { table, inventory: new Inventory(table.store) };
}

/**
 * Makes every TransactWriteItems on `table` fail as DynamoDB cancels a transaction that conflicts
 * with another (DynamoDB Local never raises TransactionConflict), with `reasons` one per item.
 */
function injectTransactionConflict(table: TestTable, message: string, reasons: readonly string[]) {
  table.client.middlewareStack.add(
    (next, context) => (args) => {
      if (context.commandName === 'TransactWriteItemsCommand') {
        throw new TransactionCanceledException({ message, $metadata: {}, CancellationReasons: reasons.map((Code) => ({ Code })) });
      }
      return next(args);
    },
    { step: 'initialize', name: 'injectTransactionConflict' },
  );
}

describe('DynamoDbStockStore + Inventory on DynamoDB Local', () => {
  it('reserves all lines in one transaction and stores the reservation', async () => {
    const { table, inventory } = await setup();

    const result = await inventory.reserve('ord_1', TWO_LINE_ORDER);

    expect(result).toEqual(TWO_LINE_RESERVATION);
    expect(await table.available('SKU-A')).toBe(3);
    expect(await table.available('SKU-B')).toBe(0);
    expect((await table.items()).get('RES#ord_1')).toMatchObject({ orderId: 'ord_1', status: 'RESERVED', total: 2800 });
  });

  it('is all-or-nothing: one short line leaves every line untouched and writes no reservation', async () => {
    const { table, inventory } = await setup();

    const error = await inventory
      .reserve('ord_1', [
        { sku: 'SKU-A', quantity: 2 },
        { sku: 'SKU-B', quantity: 2 },
      ])
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OutOfStockError);
    expect((error as Error).message).toBe('out of stock: SKU-B (requested 2, available 1)');
    expect(await table.available('SKU-A')).toBe(5);
    expect(await table.available('SKU-B')).toBe(1);
    expect((await table.items()).has('RES#ord_1')).toBe(false);
  });

  it('names every short SKU with its available count', async () => {
    const { inventory } = await setup();

    const error = await inventory
      .reserve('ord_1', [
        { sku: 'SKU-A', quantity: 6 },
        { sku: 'SKU-B', quantity: 2 },
      ])
      .catch((e: unknown) => e);

    expect((error as OutOfStockError).message).toBe(
      'out of stock: SKU-A (requested 6, available 5), SKU-B (requested 2, available 1)',
    );
    expect((error as OutOfStockError).skus).toEqual(['SKU-A', 'SKU-B']);
  });

  it('returns the first result for a repeat reserve and changes nothing', async () => {
    const { table, inventory } = await setup();
    const first = await inventory.reserve('ord_1', [{ sku: 'SKU-A', quantity: 2 }]);
    const before = await table.items();

    const again = await inventory.reserve('ord_1', [{ sku: 'SKU-A', quantity: 3 }]);

    expect(again).toEqual(first);
    expect(await table.items()).toEqual(before);
  });

  it('returns the winner when a concurrent reserve of the same order stored it first, taking stock once', async () => {
    const { table } = await setup();
    // This caller saw "no reservation yet" just before the other one committed: two deliveries racing.
    const racing = new Inventory(staleOnce(table.store, 'getReservation', undefined).store);
    const first = await new Inventory(table.store).reserve('ord_1', [{ sku: 'SKU-A', quantity: 2 }]);

    const second = await racing.reserve('ord_1', [{ sku: 'SKU-A', quantity: 2 }]);

    expect(second).toEqual(first);
    expect(await table.available('SKU-A')).toBe(3);
  });

  it('takes stock once for two concurrent reserves of the same order', async () => {
    const { table, inventory } = await setup();

    const [a, b] = await Promise.all([
      inventory.reserve('ord_1', [{ sku: 'SKU-A', quantity: 2 }]),
      inventory.reserve('ord_1', [{ sku: 'SKU-A', quantity: 2 }]),
    ]);

    expect(a).toEqual(b);
    expect(await table.available('SKU-A')).toBe(3);
  });

  it('writes nothing for an unknown SKU', async () => {
    const { table, inventory } = await setup();
    const before = await table.items();

    await expect(
      inventory.reserve('ord_1', [
        { sku: 'SKU-A', quantity: 1 },
        { sku: 'SKU-X', quantity: 1 },
      ]),
    ).rejects.toMatchObject({ name: ErrorName.UnknownSku, message: 'items.1.sku: unknown SKU "SKU-X"' });
    expect(await table.items()).toEqual(before);
  });

  it('puts stock back exactly once when released twice', async () => {
    const { table, inventory } = await setup();
    await inventory.reserve('ord_1', [{ sku: 'SKU-A', quantity: 2 }]);

    const first = await inventory.release('ord_1');
    const second = await inventory.release('ord_1');

    expect([first.released, second.released]).toEqual([true, false]);
    expect(await table.available('SKU-A')).toBe(5);
    expect((await table.items()).get('RES#ord_1')).toMatchObject({ status: 'RELEASED' });
  });

  it('puts stock back exactly once when released twice concurrently', async () => {
    const { table, inventory } = await setup();
    await inventory.reserve('ord_1', [{ sku: 'SKU-A', quantity: 2 }]);

    const results = await Promise.all([inventory.release('ord_1'), inventory.release('ord_1')]);

    expect(results.filter((r) => r.released)).toHaveLength(1);
    expect(await table.available('SKU-A')).toBe(5);
  });

  it('writes a tombstone when releasing nothing, so a late reserve returns empty and takes no stock', async () => {
    const { table, inventory } = await setup();

    const released = await inventory.release('ord_1');
    const late = await inventory.reserve('ord_1', [{ sku: 'SKU-A', quantity: 2 }]);

    expect(released).toEqual({ orderId: 'ord_1', released: false });
    expect((await table.items()).get('RES#ord_1')).toMatchObject({ status: 'RELEASED', lines: [], total: 0 });
    expect(late).toEqual({ orderId: 'ord_1', lines: [], total: 0 });
    expect(await table.available('SKU-A')).toBe(5);
  });

  it('lets exactly 10 of 50 concurrent single-unit reserves through on a SKU with 10', async () => {
    const { table, inventory } = await setup([{ sku: 'SKU-HOT', available: 10, unitPrice: 100 }]);

    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => inventory.reserve(`ord_${i}`, [{ sku: 'SKU-HOT', quantity: 1 }])),
    );

    const rejected = results.filter((r) => r.status === 'rejected');
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
    expect(rejected.map((r) => (r.reason as Error).name)).toEqual(Array(40).fill(ErrorName.OutOfStock));
    expect(await table.available('SKU-HOT')).toBe(0);
    expect([...(await table.items()).keys()].filter((pk) => pk.startsWith('RES#'))).toHaveLength(10);
  });

  it('re-reads the price when it changes between read and write, and charges the new one', async () => {
    const { table } = await setup();
    // The first read returns the old price, as if an admin repriced right after it.
    const prices = staleOnce(table.store, 'getPrices', new Map([['SKU-A', 1000]]));
    const inventory = new Inventory(prices.store);

    const result = await inventory.reserve('ord_1', [{ sku: 'SKU-A', quantity: 1 }]);

    expect(prices.calls()).toBe(2);
    expect(result.total).toBe(1250);
    expect(await table.available('SKU-A')).toBe(4);
  });

  it('maps TransactionConflict to InventoryContention (error injected at the client: DynamoDB Local never raises it)', async () => {
    const { table, inventory } = await setup();
    injectTransactionConflict(table, 'Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict, None]', ['TransactionConflict', 'None']);

    await expect(inventory.reserve('ord_1', [{ sku: 'SKU-A', quantity: 1 }])).rejects.toMatchObject({
      name: ErrorName.InventoryContention,
    });
    expect(await table.available('SKU-A')).toBe(5);
  });

  it('maps TransactionConflict on release to InventoryContention (error injected at the client)', async () => {
    const { table, inventory } = await setup();
    await inventory.reserve('ord_1', [{ sku: 'SKU-A', quantity: 1 }]);
    injectTransactionConflict(table, 'Transaction cancelled [None, TransactionConflict]', ['None', 'TransactionConflict']);

    await expect(inventory.release('ord_1')).rejects.toMatchObject({ name: ErrorName.InventoryContention });
    expect(await table.available('SKU-A')).toBe(4);
  });

  it('reads and seeds stock', async () => {
    const { inventory } = await setup();

    await inventory.putStock('SKU-NEW', { available: 3, unitPrice: 42 });

    expect(await inventory.getStock('SKU-NEW')).toEqual({ sku: 'SKU-NEW', available: 3, unitPrice: 42 });
    expect(await inventory.getStock('SKU-NONE')).toBeUndefined();
  });
});

/**
 * `store`, except that the first call of `method` answers `stale` (what a read just before a
 * concurrent write saw); every later call reads the table. `calls()` counts the calls.
 */
function staleOnce<M extends 'getReservation' | 'getPrices'>(store: StockStore, method: M, stale: Awaited<ReturnType<StockStore[M]>>) {
  let calls = 0;
  const read = store[method].bind(store) as (...args: unknown[]) => Promise<unknown>;
  const wrapped: StockStore = { ...delegateTo(store), [method]: (...args: unknown[]) => (++calls === 1 ? Promise.resolve(stale) : read(...args)) };
  return { store: wrapped, calls: () => calls };
}

/** A StockStore delegating every method to `store`, so a test can override one and keep the rest. */
function delegateTo(store: StockStore): StockStore {
  return {
    getReservation: (orderId) => store.getReservation(orderId),
    getPrices: (skus) => store.getPrices(skus),
    commitReservation: (record) => store.commitReservation(record),
    releaseReservation: (record, at) => store.releaseReservation(record, at),
    putTombstone: (record) => store.putTombstone(record),
    getStock: (sku) => store.getStock(sku),
    putStock: (item) => store.putStock(item),
  };
}
