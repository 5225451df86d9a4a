import { Logger } from '@aws-lambda-powertools/logger';
import { ErrorName, ValidationError } from '@order-flow/contracts';
import { describe, expect, it } from 'vitest';
import { createHandler } from '../../src/handler.js';
import releaseEvent from '../events/release.json' with { type: 'json' };
import invalidEvent from '../events/reserve-invalid-quantity.json' with { type: 'json' };
import reserveEvent from '../events/reserve.json' with { type: 'json' };
import { useTestTables } from '../support/dynamodb.js';

const newTable = useTestTables();

async function setup() {
  const table = await newTable([{ sku: 'SKU-A', available: 5, unitPrice: 1250 }]);
  const handler = createHandler({ store: table.store, logger: new Logger({ logLevel: 'SILENT' }) });
  return { table, handler };
}

describe('inventory handler (createHandler) on DynamoDB Local', () => {
  it('reserves, then releases, dispatching on action', async () => {
    const { table, handler } = await setup();

    const reservation = await handler(reserveEvent);
    const afterReserve = await table.available('SKU-A');
    const release = await handler(releaseEvent);

    expect(reservation).toEqual({
      orderId: 'ord_handler_1',
      lines: [{ sku: 'SKU-A', quantity: 2, unitPrice: 1250, lineTotal: 2500 }],
      total: 2500,
    });
    expect(afterReserve).toBe(3);
    expect(release).toEqual({ orderId: 'ord_handler_1', released: true });
    expect(await table.available('SKU-A')).toBe(5);
  });

  it('rejects quantity 0 as InvalidInput naming items.0.quantity, and writes nothing', async () => {
    const { table, handler } = await setup();
    const before = await table.items();

    const error = await handler(invalidEvent).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).name).toBe(ErrorName.InvalidInput);
    expect((error as Error).message).toContain('items.0.quantity: must be at least 1');
    expect(await table.items()).toEqual(before);
  });

  it('rejects an unknown action as InvalidInput', async () => {
    const { handler } = await setup();

    await expect(handler({ action: 'restock', orderId: 'ord_1' })).rejects.toMatchObject({ name: ErrorName.InvalidInput });
  });

  it('reports OutOfStock by error name, as Step Functions sees it', async () => {
    const { handler } = await setup();

    await expect(
      handler({ action: 'reserve', orderId: 'ord_big', items: [{ sku: 'SKU-A', quantity: 6 }] }),
    ).rejects.toMatchObject({ name: ErrorName.OutOfStock, message: 'out of stock: SKU-A (requested 6, available 5)' });
  });
});

describe('inventory handler without configuration', () => {
  it('fails with a clear message when no table is configured', async () => {
    const handler = createHandler({ logger: new Logger({ logLevel: 'SILENT' }) });

    await expect(handler(reserveEvent)).rejects.toThrow(/INVENTORY_TABLE_NAME is not set/);
  });
});
