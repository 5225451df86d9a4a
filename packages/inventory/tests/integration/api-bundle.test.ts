import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { LOCAL_CREDENTIALS } from '@order-flow/local';
import { describe, expect, it, inject } from 'vitest';
import { API_BUNDLE_DIR } from '../../src/bundle.js';
import getEvent from '../events/api-get-stock.json' with { type: 'json' };
import putEvent from '../events/api-put-stock.json' with { type: 'json' };
import { useTestTables } from '../support/dynamodb.js';

const run = promisify(execFile);
const newTable = useTestTables();

/**
 * Loads the built bundle in a fresh Node process configured only by the environment the
 * construct and the local runtime set, as Lambda would: proves the module-scope wiring.
 */
async function invokeBundle(tableName: string, events: unknown[]): Promise<{ statusCode: number; body: string }[]> {
  const bundle = join(API_BUNDLE_DIR, 'index.mjs');
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run \`pnpm build\` in packages/inventory first`);
  const script = `const { handler } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
const out = [];
for (const event of ${JSON.stringify(events)}) out.push(await handler(event));
process.stdout.write(JSON.stringify(out));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      PATH: process.env.PATH,
      INVENTORY_TABLE_NAME: tableName,
      AWS_ENDPOINT_URL_DYNAMODB: inject('dynamodbEndpoint'),
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    },
  });
  return JSON.parse(stdout) as { statusCode: number; body: string }[];
}

describe('stock API bundle (dist/lambda-api)', () => {
  it('serves PUT then GET from the environment alone', async () => {
    const table = await newTable();

    const [putResponse, getResponse] = await invokeBundle(table.tableName, [
      putEvent,
      { ...getEvent, pathParameters: { sku: 'SKU-NEW' } },
    ]);

    expect(putResponse?.statusCode).toBe(200);
    expect(JSON.parse(getResponse!.body)).toEqual({ sku: 'SKU-NEW', available: 40, unitPrice: 1999 });
    expect(await table.available('SKU-NEW')).toBe(40);
  });
});
