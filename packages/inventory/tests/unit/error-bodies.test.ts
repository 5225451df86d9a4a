import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { createApiHandler } from '../../src/api-handler.js';
import getEvent from '../events/api-get-stock.json' with { type: 'json' };
import putEvent from '../events/api-put-stock.json' with { type: 'json' };
import { InMemoryStockStore } from '../support/in-memory-stock-store.js';

const INTERNAL_TABLE = 'OrderFlow-Inventory-InventoryTable40A3050B-9Z8X7C6V5B4N';

/** An error the way the SDK raises one: internal names in the message, a stack with file paths. */
function internalError(): Error {
  const error = new Error(`Requested resource not found: Table: ${INTERNAL_TABLE} not found`);
  error.name = 'ResourceNotFoundException';
  error.stack = `${error.name}: ${error.message}\n    at DynamoDbStockStore.getStock (/var/task/index.mjs:3:210)\n    at route (/work/main/packages/inventory/src/api-handler.ts:99:5)`;
  return error;
}

function expectOpaque500(response: { statusCode: number; body: string }): void {
  expect(response.statusCode).toBe(500);
  expect(JSON.parse(response.body)).toEqual({ error: 'InternalError' });
  const wire = JSON.stringify(response);
  for (const leak of [' at ', INTERNAL_TABLE, 'InventoryTable', '/var/task', '.ts:', '.mjs', 'ResourceNotFound', 'INVENTORY_TABLE_NAME']) {
    expect(wire).not.toContain(leak);
  }
}

describe('stock API error bodies carry no stack traces or internal names', () => {
  const store = new InMemoryStockStore();
  store.getStock = () => Promise.reject(internalError());
  store.putStock = () => Promise.reject(internalError());
  const handler = createApiHandler({ store, logger: new Logger({ logLevel: 'SILENT' }) });

  it('GET /inventory/{sku}: a store failure is a bare 500 InternalError', async () => {
    expectOpaque500(await handler(getEvent));
  });

  it('PUT /inventory/{sku}: a store failure is a bare 500 InternalError', async () => {
    expectOpaque500(await handler(putEvent));
  });

  it('a function deployed without its table env var says so only in its log', async () => {
    expectOpaque500(await createApiHandler({ logger: new Logger({ logLevel: 'SILENT' }) })(putEvent));
  });
});
