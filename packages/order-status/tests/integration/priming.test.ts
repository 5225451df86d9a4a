/**
 * Module-init priming (src/priming.ts): the order-status function runs a `create` as a dry run
 * with the real SDK client. The dry run completes (a failing one would prime less, silently), no
 * request leaves the process (the table stays empty; an unreachable endpoint changes nothing),
 * and the opt-in warm-up sends one read.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { WARM_UP_ENV } from '@order-flow/contracts/lambda-init';
import { LOCAL_CREDENTIALS } from '@order-flow/local';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHandler } from '../../src/handler.js';
import { primeOrderStatusFunction } from '../../src/priming.js';
import { createOrdersTable, type TestTable } from '../support/dynamodb.js';

let table: TestTable | undefined;

afterEach(async () => {
  vi.unstubAllEnvs();
  await table?.dispose();
  table = undefined;
});

/** A client whose every request would fail: nothing listens on port 1. */
function unreachableClient() {
  return DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: 'http://127.0.0.1:1', region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 }));
}

describe('order-status priming', () => {
  it('runs a dry create to completion and writes nothing', async () => {
    table = await createOrdersTable();

    const outcome = await primeOrderStatusFunction(createHandler, table.documentClient, table.tableName);

    expect(outcome).toEqual({ dryRuns: 1, failures: [], warmUp: 'off' });
    expect(await table.itemCount()).toBe(0);
  });

  it('sends no request: the dry run completes with nothing listening', async () => {
    const client = unreachableClient();

    const outcome = await primeOrderStatusFunction(createHandler, client, 'orders-nowhere');

    expect(outcome.failures).toEqual([]);
    client.destroy();
  });

  it(`sends one read as warm-up when ${WARM_UP_ENV}=true, and only reports a warm-up that fails`, async () => {
    // Prepare
    table = await createOrdersTable();
    vi.stubEnv(WARM_UP_ENV, 'true');
    const client = unreachableClient();

    // Act
    const reachable = await primeOrderStatusFunction(createHandler, table.documentClient, table.tableName);
    const unreachable = await primeOrderStatusFunction(createHandler, client, 'orders-nowhere');

    // Assess
    expect(reachable).toEqual({ dryRuns: 1, failures: [], warmUp: 'sent' });
    expect(unreachable).toEqual({ dryRuns: 1, failures: [], warmUp: 'failed' });
    expect(await table.itemCount()).toBe(0);
    client.destroy();
  });

  it('prints nothing, even at the level Advanced Logging Controls set (AWS_LAMBDA_LOG_LEVEL)', async () => {
    // Prepare
    vi.stubEnv('AWS_LAMBDA_LOG_LEVEL', 'DEBUG');
    const client = unreachableClient();
    const stdout = vi.spyOn(process.stdout, 'write');
    const stderr = vi.spyOn(process.stderr, 'write');

    // Act
    const outcome = await primeOrderStatusFunction(createHandler, client, 'orders-nowhere');

    // Assess
    const written = [...stdout.mock.calls, ...stderr.mock.calls].map(([chunk]) => String(chunk)).filter((line) => line.includes('order-flow-prime') || line.includes('ORDER-FLOW-PRIME'));
    stdout.mockRestore();
    stderr.mockRestore();
    expect(written).toEqual([]);
    expect(outcome.failures).toEqual([]);
    client.destroy();
  });
});
