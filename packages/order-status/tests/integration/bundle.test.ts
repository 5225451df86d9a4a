import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ErrorName, OrderStatus } from '@order-flow/contracts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createOrdersTable, type TestTable } from '../support/dynamodb.js';
import { fixtures } from '../support/fixtures.js';

const execFileAsync = promisify(execFile);
const bundle = fileURLToPath(new URL('../../dist/lambda/index.mjs', import.meta.url));

let table: TestTable;
beforeAll(async () => {
  table = await createOrdersTable();
});
afterAll(async () => {
  await table.dispose();
});

/**
 * Invokes the shipped bundle the way Lambda would: a fresh Node process, configuration only
 * from the environment (the endpoint from AWS_ENDPOINT_URL_DYNAMODB, as the local runtime sets it).
 */
async function invokeBundle(event: unknown): Promise<{ result?: Record<string, unknown>; error?: { name: string; message: string } }> {
  const script = `
    const { handler } = await import(${JSON.stringify(bundle)});
    try { console.log(JSON.stringify({ result: await handler(${JSON.stringify(event)}) })); }
    catch (e) { console.log(JSON.stringify({ error: { name: e.name, message: e.message } })); }`;
  const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      PATH: process.env.PATH,
      ORDERS_TABLE_NAME: table.tableName,
      AWS_ENDPOINT_URL_DYNAMODB: inject('dynamodbEndpoint'),
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    },
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Awaited<ReturnType<typeof invokeBundle>>;
}

describe('the built Lambda bundle (dist/lambda/index.mjs)', () => {
  it('is built (run `pnpm build` first)', () => {
    expect(existsSync(bundle)).toBe(true);
  });

  it('creates an order and reports a bad one with its stable error name', async () => {
    const created = await invokeBundle({ action: 'create', order: fixtures.orderRequest() });
    const invalid = await invokeBundle({ action: 'create', order: { ...fixtures.orderRequest(), orderId: 'ord_2', currency: 'usd' } });

    expect(created.result).toMatchObject({ orderId: 'ord_test_1', status: OrderStatus.PENDING });
    expect(invalid.error).toMatchObject({ name: ErrorName.InvalidOrder, message: expect.stringContaining('currency:') });
    expect(await table.itemCount()).toBe(1);
  });
});
