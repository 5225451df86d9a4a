/**
 * Orders submitted without an orderId, end to end: a small CDK app (the OrderStatusStep construct
 * and a Map over a batch of orders) synthesized here and run on @order-flow/local with the real
 * order-status Lambda bundle, DynamoDB Local and virtual time. Checks the orders table afterwards.
 *
 * AWS behaviour relied on (AWS Step Functions Developer Guide):
 * - "ItemSelector (Map)" and "Context object": `$$.Map.Item.Index` is the item's index, available
 *   to the Map's ItemSelector, which hands it to the item's states;
 * - "Retrying after an error": a Retry runs the same Task again in the same execution and state,
 *   so `$$.Execution.Id`, `$$.Execution.StartTime` and `$$.State.Name` are unchanged.
 * Runtime.ExitError after the handler returned (a crash after the write) is the local runtime's
 * `crashAfterSuccessRate` fault; the create task retries it (retryLambdaPlatformErrors).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { OrderRecord } from '@order-flow/contracts';
import { LOCAL_CREDENTIALS, LocalRuntime } from '@order-flow/local';
import { OrderStatusStep } from '@order-flow/order-status';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const STACK = 'OrderIdsE2E';
const FUNCTION_PATH = `${STACK}/OrderStatus/Function`;

/** Batch -> Map (item index via ItemSelector) -> CreateBatchOrder; then a second create state. */
function synthesize(outdir: string): void {
  const app = new App({ outdir });
  const stack = new Stack(app, STACK);
  const orders = new OrderStatusStep(stack, 'OrderStatus', { removalPolicy: RemovalPolicy.DESTROY });
  const perItem = orders.createTask('CreateBatchOrder', { orderPath: '$.order', itemKeyPath: '$.index' });
  const batch = new sfn.Map(stack, 'CreateEachOrder', {
    itemsPath: '$.orders',
    itemSelector: { 'order.$': '$$.Map.Item.Value', 'index.$': '$$.Map.Item.Index' },
    resultSelector: { 'orderIds.$': '$[*].order.orderId' },
    resultPath: '$.batch',
  });
  batch.itemProcessor(perItem);
  const gift = orders.createTask('CreateGiftOrder', { orderPath: '$.gift', resultPath: '$.giftOrder' });
  new sfn.StateMachine(stack, 'Batch', { definitionBody: sfn.DefinitionBody.fromChainable(batch.next(gift)) });
  app.synth();
}

const order = (customerId: string) => ({ customerId, items: [{ sku: 'SKU-RED-MUG', quantity: 1 }], payment: { token: 'tok_visa' }, currency: 'USD' });

let outdir: string;
let runtime: LocalRuntime;
let db: DynamoDBDocumentClient;
let table: string;

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'order-ids-'));
  synthesize(outdir);
  runtime = await LocalRuntime.start({ assemblyDir: outdir, clock: 'virtual', seed: 7 });
  table = runtime.physicalId(`${STACK}/OrderStatus/Table`);
  db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: runtime.dynamodb.endpoint, region: runtime.dynamodb.region, credentials: LOCAL_CREDENTIALS }));
});
afterAll(async () => {
  await runtime?.stop();
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

async function ordersOf(customerPrefix: string): Promise<OrderRecord[]> {
  const { Items = [] } = await db.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
  return (Items as OrderRecord[]).filter((o) => o.customerId.startsWith(customerPrefix));
}

describe('orders without an orderId, created in one execution', () => {
  it('a Map over two orders plus a second create state: three orders, three ids, each recorded once', async () => {
    const result = await runtime.run({ orders: [order('cus_map_a'), order('cus_map_b')], gift: order('cus_map_gift') });

    expect(result.status).toBe('SUCCEEDED');
    const output = result.output as { batch: { orderIds: string[] }; giftOrder: { order: { orderId: string } } };
    const ids = [...output.batch.orderIds, output.giftOrder.order.orderId];
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^ord_[0-9A-Z]{26}$/);

    const records = await ordersOf('cus_map_');
    expect(records.map((r) => r.orderId).sort()).toEqual([...ids].sort());
    expect(Object.fromEntries(records.map((r) => [r.customerId, r.history.map((h) => h.causedBy)]))).toEqual({
      cus_map_a: ['CreateBatchOrder'],
      cus_map_b: ['CreateBatchOrder'],
      cus_map_gift: ['CreateGiftOrder'],
    });
  });

  it('two identical orders in one batch are still two orders', async () => {
    const result = await runtime.run({ orders: [order('cus_twin'), order('cus_twin')], gift: order('cus_twin_gift') });
    expect(result.status).toBe('SUCCEEDED');
    expect(await ordersOf('cus_twin')).toHaveLength(3);
  });

  it('a create that crashes after its write is retried with the same id: the order is recorded once', async () => {
    runtime.setFaults({ seed: 1, functions: { [FUNCTION_PATH]: { crashAfterSuccessRate: 1 } } });
    try {
      const result = await runtime.run({ orders: [order('cus_crash_a')], gift: order('cus_crash_gift') });
      // Every attempt wrote (or found) the order, then crashed: Runtime.ExitError, retried 5
      // times by the create task (1 s, x2, full jitter: no wall time on the virtual clock).
      expect(result.status).toBe('FAILED');
      expect(result.error).toBe('Runtime.ExitError');
      expect(result.retries).toBe(5);
    } finally {
      runtime.setFaults({});
    }
    const records = await ordersOf('cus_crash_');
    expect(records).toHaveLength(1);
    expect(records[0]!.customerId).toBe('cus_crash_a');
    expect(records[0]!.history).toHaveLength(1);
  });

  it('a create whose first attempts crash after the write, then succeeds, returns the one order it recorded', async () => {
    // Half the invocations crash after writing (seeded, so the run is repeatable).
    runtime.setFaults({ seed: 3, functions: { [FUNCTION_PATH]: { crashAfterSuccessRate: 0.5 } } });
    let result: Awaited<ReturnType<LocalRuntime['run']>>;
    try {
      result = await runtime.run({ orders: [order('cus_flaky_a'), order('cus_flaky_b')], gift: order('cus_flaky_gift') });
    } finally {
      runtime.setFaults({});
    }
    expect(result.status).toBe('SUCCEEDED');
    const output = result.output as { batch: { orderIds: string[] }; giftOrder: { order: { orderId: string } } };
    const records = await ordersOf('cus_flaky_');
    expect(records).toHaveLength(3);
    expect(records.map((r) => r.orderId).sort()).toEqual([...output.batch.orderIds, output.giftOrder.order.orderId].sort());
    for (const record of records) expect(record.history).toHaveLength(1);
  });
});
