import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { createApiHandler } from '../../src/api-handler.js';
import getEvent from '../events/api-get-stock.json' with { type: 'json' };
import putEvent from '../events/api-put-stock.json' with { type: 'json' };
import { InMemoryStockStore } from '../support/in-memory-stock-store.js';

const silent = () => new Logger({ logLevel: 'SILENT' });

describe('stock API handler failures', () => {
  it('answers 500 InternalError, without details, when the store fails', async () => {
    const store = new InMemoryStockStore();
    store.getStock = () => Promise.reject(new Error('ProvisionedThroughputExceededException: secret details'));
    const handler = createApiHandler({ store, logger: silent() });

    const response = await handler(getEvent);

    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body)).toEqual({ error: 'InternalError' });
  });

  it('answers 500 InternalError when no table is configured', async () => {
    const handler = createApiHandler({ logger: silent() });

    const response = await handler(putEvent);

    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body)).toEqual({ error: 'InternalError' });
  });

  it.each([[undefined], [null], ['text'], [{}]])('answers 404 NotFound for a malformed event %j', async (event) => {
    const handler = createApiHandler({ store: new InMemoryStockStore(), logger: silent() });

    const response = await handler(event);

    expect(response.statusCode).toBe(404);
  });

  it('logs the sku and route of each request, not of the previous one', async () => {
    const lines: string[] = [];
    const logger = new Logger({ serviceName: 'inventory-api', logLevel: 'INFO' });
    const spy = (line: string) => void lines.push(line);
    // Powertools writes structured JSON lines to its console; capture them instead of stdout.
    (logger as unknown as { console: { info: typeof spy } }).console.info = spy;
    const handler = createApiHandler({ store: new InMemoryStockStore([{ sku: 'SKU-A', available: 1, unitPrice: 1 }]), logger });

    await handler(getEvent);
    await handler({ ...getEvent, pathParameters: {} });

    const [first, second] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(first).toMatchObject({ message: 'responded', statusCode: 200, sku: 'SKU-A', routeKey: 'GET /inventory/{sku}', requestId: 'req-get-1' });
    expect(second).toMatchObject({ message: 'responded', statusCode: 400 });
    expect(second?.sku).toBeUndefined();
  });
});
