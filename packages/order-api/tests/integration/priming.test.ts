/**
 * Module-init priming (src/priming.ts): the Order API runs a POST and a GET as dry runs with the
 * real SDK clients. Both complete with the answers a real request gets (202, 404; a failing one
 * would prime less, silently), no request leaves the process (no order written, no execution
 * started; unreachable endpoints change nothing), and the opt-in warm-up sends one DynamoDB read.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { WARM_UP_ENV } from '@order-flow/contracts/lambda-init';
import { LOCAL_CREDENTIALS } from '@order-flow/local';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHandler } from '../../src/handler.js';
import { primeOrderApiFunction } from '../../src/priming.js';
import { createOrdersTable, type OrdersTable } from '../support/orders-table.js';
import { StepFunctionsStandIn } from '../support/step-functions-stand-in.js';

const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:OrderWorkflow';
let table: OrdersTable | undefined;
let stepFunctions: StepFunctionsStandIn | undefined;

afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all([table?.dispose(), stepFunctions?.stop()]);
  table = undefined;
  stepFunctions = undefined;
});

/** Clients whose every request would fail: nothing listens on port 1. */
function unreachableClients() {
  const options = { endpoint: 'http://127.0.0.1:1', region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 };
  return { dynamodb: DynamoDBDocumentClient.from(new DynamoDBClient(options)), sfn: new SFNClient(options) };
}

describe('order-api priming', () => {
  it('runs a dry POST and GET to completion: no order written, no execution started', async () => {
    // Prepare
    [table, stepFunctions] = await Promise.all([createOrdersTable(), StepFunctionsStandIn.start()]);
    const sfn = new SFNClient({ endpoint: stepFunctions.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });

    // Act
    const outcome = await primeOrderApiFunction(createHandler, { dynamodb: table.documentClient, sfn }, { tableName: table.tableName, stateMachineArn: STATE_MACHINE_ARN });

    // Assess
    expect(outcome).toEqual({ dryRuns: 2, skipped: false, failures: [], warmUp: 'off' });
    expect(await table.item('order-flow-prime')).toBeUndefined();
    expect(stepFunctions.calls).toEqual([]);
    sfn.destroy();
  });

  it('sends no request: the dry runs complete with nothing listening', async () => {
    const clients = unreachableClients();

    const outcome = await primeOrderApiFunction(createHandler, clients, { tableName: 'orders-nowhere', stateMachineArn: STATE_MACHINE_ARN });

    expect(outcome.failures).toEqual([]);
    clients.dynamodb.destroy();
    clients.sfn.destroy();
  });

  it(`sends one DynamoDB read as warm-up when ${WARM_UP_ENV}=true, and only reports a warm-up that fails`, async () => {
    // Prepare
    table = await createOrdersTable();
    vi.stubEnv(WARM_UP_ENV, 'true');
    const clients = unreachableClients();

    // Act
    const reachable = await primeOrderApiFunction(createHandler, { dynamodb: table.documentClient, sfn: clients.sfn }, { tableName: table.tableName, stateMachineArn: STATE_MACHINE_ARN });
    const unreachable = await primeOrderApiFunction(createHandler, clients, { tableName: 'orders-nowhere', stateMachineArn: STATE_MACHINE_ARN });

    // Assess
    expect(reachable).toEqual({ dryRuns: 2, skipped: false, failures: [], warmUp: 'sent' });
    expect(unreachable).toEqual({ dryRuns: 2, skipped: false, failures: [], warmUp: 'failed' });
    clients.dynamodb.destroy();
    clients.sfn.destroy();
  });

  it('prints nothing, even at the level Advanced Logging Controls set (AWS_LAMBDA_LOG_LEVEL)', async () => {
    // Prepare
    vi.stubEnv('AWS_LAMBDA_LOG_LEVEL', 'DEBUG');
    const clients = unreachableClients();
    const stdout = vi.spyOn(process.stdout, 'write');
    const stderr = vi.spyOn(process.stderr, 'write');

    // Act
    const outcome = await primeOrderApiFunction(createHandler, clients, { tableName: 'orders-nowhere', stateMachineArn: STATE_MACHINE_ARN });

    // Assess
    const written = [...stdout.mock.calls, ...stderr.mock.calls].map(([chunk]) => String(chunk)).filter((line) => line.includes('order-flow-prime') || line.includes('ORDER-FLOW-PRIME'));
    stdout.mockRestore();
    stderr.mockRestore();
    expect(written).toEqual([]);
    expect(outcome.failures).toEqual([]);
    clients.dynamodb.destroy();
    clients.sfn.destroy();
  });
});
