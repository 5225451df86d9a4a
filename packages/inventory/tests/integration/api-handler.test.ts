import { Logger } from '@aws-lambda-powertools/logger';
import { MAX_BODY_BYTES } from '@order-flow/contracts';
import { describe, expect, it } from 'vitest';
import { createApiHandler } from '../../src/api-handler.js';
import getEvent from '../events/api-get-stock.json' with { type: 'json' };
import putEvent from '../events/api-put-stock.json' with { type: 'json' };
import { useTestTables } from '../support/dynamodb.js';

const newTable = useTestTables();

async function setup() {
  const table = await newTable([{ sku: 'SKU-A', available: 5, unitPrice: 1250 }]);
  const handler = createApiHandler({ store: table.store, logger: new Logger({ logLevel: 'SILENT' }) });
  return { table, handler };
}

const get = (sku: string) => ({ ...getEvent, pathParameters: { sku } });
const put = (sku: string, body: string, headers: Record<string, string> = putEvent.headers) => ({
  ...putEvent,
  headers,
  pathParameters: { sku },
  body,
});
/** A response body: the stored item, or `{ error, message?, issues? }`. */
interface Body {
  readonly error?: string;
  readonly message?: string;
  readonly issues?: { path: string; message: string }[];
  readonly [field: string]: unknown;
}
const bodyOf = (response: { body: string }): Body => JSON.parse(response.body) as Body;

describe('stock API GET /inventory/{sku} on DynamoDB Local', () => {
  it('returns 200 with the stock of a stocked SKU', async () => {
    const { handler } = await setup();

    const response = await handler(getEvent);

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(bodyOf(response)).toEqual({ sku: 'SKU-A', available: 5, unitPrice: 1250 });
  });

  it('returns 404 UnknownSku for a SKU never stocked', async () => {
    const { handler } = await setup();

    const response = await handler(get('SKU-NONE'));

    expect(response.statusCode).toBe(404);
    expect(bodyOf(response)).toEqual({ error: 'UnknownSku' });
  });

  it.each([['bad sku!'], ['x'.repeat(65)], ['']])('returns 400 InvalidSku naming sku for %j', async (sku) => {
    const { handler } = await setup();

    const response = await handler(get(sku));

    expect(response.statusCode).toBe(400);
    const body = bodyOf(response);
    expect(body.error).toBe('InvalidSku');
    expect(body.issues).toEqual([{ path: 'sku', message: expect.any(String) }]);
    expect(body.message).toMatch(/^sku: /);
  });
});

describe('stock API PUT /inventory/{sku} on DynamoDB Local', () => {
  it('stores a new SKU, answers 200 with the stored item, and GET shows it', async () => {
    const { table, handler } = await setup();

    const response = await handler(putEvent);
    const read = await handler(get('SKU-NEW'));

    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({ sku: 'SKU-NEW', available: 40, unitPrice: 1999 });
    expect(bodyOf(read)).toEqual({ sku: 'SKU-NEW', available: 40, unitPrice: 1999 });
    expect(await table.available('SKU-NEW')).toBe(40);
  });

  it('replaces the stock of an existing SKU outright, accepting 0 and a base64 body', async () => {
    const { handler } = await setup();

    const response = await handler({
      ...put('SKU-A', Buffer.from('{"available":0,"unitPrice":0}').toString('base64')),
      isBase64Encoded: true,
    });

    expect(response.statusCode).toBe(200);
    expect(bodyOf(await handler(get('SKU-A')))).toEqual({ sku: 'SKU-A', available: 0, unitPrice: 0 });
  });

  it('accepts available at the 1,000,000 limit', async () => {
    const { handler } = await setup();

    const response = await handler(put('SKU-A', '{"available":1000000,"unitPrice":1}'));

    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({ sku: 'SKU-A', available: 1_000_000, unitPrice: 1 });
  });

  // Each case breaks one field of a valid body (undefined: the field is left out) and expects
  // that field, and only it, named.
  const VALID_STOCK = { available: 1, unitPrice: 100 };
  it.each<[string, Partial<Record<keyof typeof VALID_STOCK, unknown>>]>([
    ['negative available', { available: -1 }],
    ['fractional available', { available: 1.5 }],
    ['available over 1,000,000', { available: 1_000_001 }],
    ['available as a string', { available: '5' }],
    ['negative unitPrice', { unitPrice: -100 }],
    ['fractional unitPrice', { unitPrice: 9.99 }],
    ['missing unitPrice', { unitPrice: undefined }],
    ['missing available', { available: undefined }],
  ])('rejects %s with 400 InvalidStock naming the field, and writes nothing', async (_case, broken) => {
    const { table, handler } = await setup();
    const before = await table.items();
    const [field] = Object.keys(broken) as [string];

    const response = await handler(put('SKU-A', JSON.stringify({ ...VALID_STOCK, ...broken })));

    expect(response.statusCode).toBe(400);
    const parsed = bodyOf(response);
    expect(parsed.error).toBe('InvalidStock');
    expect(parsed.issues).toEqual([{ path: field, message: expect.any(String) }]);
    expect(parsed.message).toContain(`${field}: `);
    expect(await table.items()).toEqual(before);
  });

  it('rejects an extra field with 400 InvalidStock naming it, and writes nothing', async () => {
    const { table, handler } = await setup();
    const before = await table.items();

    const response = await handler(put('SKU-A', '{"available":1,"unitPrice":100,"sku":"SKU-B"}'));

    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toMatchObject({
      error: 'InvalidStock',
      issues: [{ path: 'sku', message: 'is not allowed here' }],
    });
    expect(await table.items()).toEqual(before);
  });

  it('reports every offending field at once', async () => {
    const { handler } = await setup();

    const response = await handler(put('SKU-A', '{"available":-1,"unitPrice":0.5}'));

    expect(bodyOf(response).issues?.map((issue) => issue.path).sort()).toEqual(['available', 'unitPrice']);
  });

  it('rejects a bad sku with 400 InvalidSku before reading the body, and writes nothing', async () => {
    const { table, handler } = await setup();
    const before = await table.items();

    const response = await handler(put('no/slashes', '{"available":1,"unitPrice":1}'));

    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toMatchObject({ error: 'InvalidSku', issues: [{ path: 'sku' }] });
    expect(await table.items()).toEqual(before);
  });

  it('answers 415 for a body that is not declared JSON, and writes nothing', async () => {
    const { table, handler } = await setup();
    const before = await table.items();

    const response = await handler(put('SKU-A', '{"available":1,"unitPrice":1}', { 'content-type': 'text/plain' }));

    expect(response.statusCode).toBe(415);
    expect(bodyOf(response).error).toBe('UnsupportedMediaType');
    expect(await table.items()).toEqual(before);
  });

  it('answers 413 for a body over the size limit, and writes nothing', async () => {
    const { table, handler } = await setup();
    const before = await table.items();
    const padding = ' '.repeat(MAX_BODY_BYTES);

    const response = await handler(put('SKU-A', `{"available":1,"unitPrice":1}${padding}`));

    expect(response.statusCode).toBe(413);
    expect(bodyOf(response).error).toBe('PayloadTooLarge');
    expect(await table.items()).toEqual(before);
  });

  it.each([['{"available":1,'], [''], ['not json']])('answers 400 InvalidJson for %j, and writes nothing', async (body) => {
    const { table, handler } = await setup();
    const before = await table.items();

    const response = await handler(put('SKU-A', body));

    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).error).toBe('InvalidJson');
    expect(await table.items()).toEqual(before);
  });
});

describe('stock API routing', () => {
  it.each([['DELETE /inventory/{sku}'], ['GET /orders/{id}'], ['$default']])('answers 404 NotFound for %s', async (routeKey) => {
    const { handler } = await setup();

    const response = await handler({ ...getEvent, routeKey });

    expect(response.statusCode).toBe(404);
    expect(bodyOf(response).error).toBe('NotFound');
  });
});
