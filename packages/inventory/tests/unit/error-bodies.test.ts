import { Logger } from '@aws-lambda-powertools/logger';
import { expectOpaque500 as expectBare500, sdkResourceNotFound } from '@order-flow/local/testing/vitest';
import { describe, expect, it } from 'vitest';
import { createApiHandler } from '../../src/api-handler.js';
import getEvent from '../events/api-get-stock.json' with { type: 'json' };
import putEvent from '../events/api-put-stock.json' with { type: 'json' };
import { InMemoryStockStore } from '../support/in-memory-stock-store.js';

const INTERNAL_TABLE = 'OrderFlow-Inventory-InventoryTable40A3050B-9Z8X7C6V5B4N';

/** An error the way the SDK raises one: internal names in the message, a stack with file paths. */
const internalError = () => sdkResourceNotFound(INTERNAL_TABLE, ['DynamoDbStockStore.getStock (/var/task/index.mjs:3:210)', 'route (/work/main/packages/inventory/src/api-handler.ts:99:5)']);

/** The 500 answer, and proof that nothing internal reached the client. */
const expectOpaque500 = (response: { statusCode: number; body: string }) => expectBare500(response, { body: { error: 'InternalError' }, internalNames: [INTERNAL_TABLE, 'InventoryTable', 'INVENTORY_TABLE_NAME'] });

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

  it('negative control: the check fails on a 500 that leaks an internal name in a header', () => {
    const leaking = { statusCode: 500, body: '{"error":"InternalError"}', headers: { 'x-debug': INTERNAL_TABLE } };
    expect(() => expectOpaque500(leaking)).toThrow(/not to contain/);
  });

  it('a function deployed without its table env var says so only in its log', async () => {
    expectOpaque500(await createApiHandler({ logger: new Logger({ logLevel: 'SILENT' }) })(putEvent));
  });
});
