import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { LOCAL_CREDENTIALS } from '@order-flow/local';
import { getOrder, postOrder, sampleOrder, uniqueOrderId } from '../support/events.js';
import { createOrdersTable, type OrdersTable } from '../support/orders-table.js';
import { StepFunctionsStandIn } from '../support/step-functions-stand-in.js';

const bundle = fileURLToPath(new URL('../../dist/lambda/index.mjs', import.meta.url));
const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:OrderWorkflow';

type BundledHandler = (event: unknown) => Promise<{ statusCode: number; headers: Record<string, string>; body: string }>;

/**
 * The shipped bundle, wired from its environment exactly as Lambda runs it: table and state
 * machine from the construct's variables, endpoints from the standard AWS_ENDPOINT_URL_* ones.
 */
describe('dist/lambda/index.mjs', () => {
  let table: OrdersTable;
  let stepFunctions: StepFunctionsStandIn;
  let handler: BundledHandler;

  beforeAll(async () => {
    if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run \`pnpm build\` in packages/order-api first`);
    [table, stepFunctions] = await Promise.all([createOrdersTable(), StepFunctionsStandIn.start()]);
    const env = {
      ORDERS_TABLE_NAME: table.tableName,
      STATE_MACHINE_ARN,
      AWS_ENDPOINT_URL_DYNAMODB: inject('dynamodbEndpoint'),
      AWS_ENDPOINT_URL_SFN: stepFunctions.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    };
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    // The bundle reads its environment once, at import (cold start).
    ({ handler } = (await import(pathToFileURL(bundle).href)) as { handler: BundledHandler });
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await Promise.all([table.dispose(), stepFunctions.stop()]);
  });

  it('accepts an order, starts its execution and serves it back', async () => {
    const orderId = uniqueOrderId();

    const accepted = await handler(postOrder({ orderId, ...sampleOrder() }));
    const fetched = await handler(getOrder(orderId));

    expect(accepted.statusCode).toBe(202);
    expect(stepFunctions.callsFor(orderId)).toHaveLength(1);
    expect(fetched.statusCode).toBe(200);
    expect(JSON.parse(fetched.body)).toMatchObject({ orderId, status: 'PENDING' });
  });
});
