import { SFNClient } from '@aws-sdk/client-sfn';
import { Logger } from '@aws-lambda-powertools/logger';
import { LOCAL_CREDENTIALS } from '@order-flow/local';
import { DynamoDbOrderStore, OrderService } from '@order-flow/order-status/runtime';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHandler, handler as lambdaHandler, type OrderApiHandler } from '../../src/handler.js';
import { getOrder, postOrder, sampleOrder, uniqueOrderId } from '../support/events.js';
import { createOrdersTable, type OrdersTable } from '../support/orders-table.js';
import { StepFunctionsStandIn } from '../support/step-functions-stand-in.js';

const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:OrderWorkflow';
const executionArnOf = (orderId: string) => `arn:aws:states:us-east-1:123456789012:execution:OrderWorkflow:${orderId}`;

let table: OrdersTable;
let stepFunctions: StepFunctionsStandIn;
let sfn: SFNClient;
let handler: OrderApiHandler;
const logger = new Logger({ serviceName: 'order-api-test', logLevel: 'SILENT' });

beforeAll(async () => {
  [table, stepFunctions] = await Promise.all([createOrdersTable(), StepFunctionsStandIn.start()]);
  // Two attempts keep the SDK's retry path in play while keeping the outage tests fast.
  sfn = new SFNClient({ endpoint: stepFunctions.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 2 });
  handler = createHandler({
    orders: new OrderService(new DynamoDbOrderStore(table.documentClient, table.tableName)),
    sfn,
    stateMachineArn: STATE_MACHINE_ARN,
    logger,
  });
});

afterAll(async () => {
  sfn.destroy();
  await Promise.all([table.dispose(), stepFunctions.stop()]);
});

afterEach(() => {
  stepFunctions.failure = undefined;
});

function bodyOf(response: { body: string }): Record<string, unknown> {
  return JSON.parse(response.body) as Record<string, unknown>;
}

describe('POST /orders', () => {
  it('records the order PENDING, starts one execution named by the orderId and answers 202 with its Location', async () => {
    // Prepare
    const orderId = uniqueOrderId();
    const order = { orderId, ...sampleOrder() };

    // Act
    const response = await handler(postOrder(order));

    // Assess
    expect(response.statusCode).toBe(202);
    expect(response.headers.location).toBe(`/orders/${orderId}`);
    expect(response.headers['content-type']).toBe('application/json');
    expect(bodyOf(response)).toEqual({ orderId, status: 'PENDING', executionArn: executionArnOf(orderId) });
    const item = await table.item(orderId);
    expect(item).toMatchObject({ orderId, status: 'PENDING', customerId: 'cus_42', paymentToken: 'tok_visa' });
    expect(item?.history).toEqual([{ status: 'PENDING', at: item?.createdAt, causedBy: 'OrderApi' }]);
    const calls = stepFunctions.callsFor(orderId);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.stateMachineArn).toBe(STATE_MACHINE_ARN);
    expect(JSON.parse(calls[0]!.input)).toEqual(order);
  });

  it('answers a resubmission of the same order with the same execution and changes nothing', async () => {
    // Prepare
    const orderId = uniqueOrderId();
    const order = { orderId, ...sampleOrder() };
    const first = await handler(postOrder(order));
    const recordAfterFirst = await table.item(orderId);

    // Act
    const second = await handler(postOrder(order));

    // Assess
    expect(second.statusCode).toBe(202);
    expect(bodyOf(second)).toEqual(bodyOf(first));
    expect(await table.item(orderId)).toEqual(recordAfterFirst);
  });

  it('answers a resubmission after the execution finished with the recorded executionArn, without calling StartExecution again', async () => {
    // Prepare
    const orderId = uniqueOrderId();
    const order = { orderId, ...sampleOrder() };
    await handler(postOrder(order));
    const recordBefore = await table.item(orderId);
    stepFunctions.closeAll();

    // Act
    const again = await handler(postOrder(order));

    // Assess
    expect(again.statusCode).toBe(202);
    expect(bodyOf(again)).toEqual({ orderId, status: 'PENDING', executionArn: executionArnOf(orderId) });
    expect(await table.item(orderId)).toEqual(recordBefore);
    expect(stepFunctions.callsFor(orderId)).toHaveLength(1);
  });

  it('starts one execution for concurrent duplicates: the PENDING record is the guard, not the execution name (Express does not dedupe names)', async () => {
    // Prepare
    const orderId = uniqueOrderId();
    const order = { orderId, ...sampleOrder() };

    // Act: eight copies of the request at once
    const responses = await Promise.all(Array.from({ length: 8 }, () => handler(postOrder(order))));

    // Assess: all accepted, one StartExecution sent, the record names the execution it started
    expect(responses.map((response) => response.statusCode)).toEqual(Array(8).fill(202));
    expect(stepFunctions.callsFor(orderId)).toHaveLength(1);
    expect(await table.item(orderId)).toMatchObject({ status: 'PENDING', executionArn: executionArnOf(orderId) });
    const arns = new Set(responses.map((response) => bodyOf(response).executionArn).filter(Boolean));
    expect([...arns]).toEqual([executionArnOf(orderId)]);
  });

  it('takes over a claim whose request died before starting the workflow, once the claim is stale', async () => {
    // Prepare: a request that claimed the start and then vanished (no executionArn, no release)
    const orderId = uniqueOrderId();
    const order = { orderId, ...sampleOrder() };
    const service = new OrderService(new DynamoDbOrderStore(table.documentClient, table.tableName));
    await service.create(order, 'OrderApi');
    expect(await service.claimWorkflowStart(orderId, 'crashed-request')).toEqual({ claimed: true });

    // Act: the client's retry while the claim is live, then after its lease (a clock 31 s on)
    const whileLive = await handler(postOrder(order));
    const later = createHandler({
      orders: new OrderService(new DynamoDbOrderStore(table.documentClient, table.tableName), { now: () => new Date(Date.now() + 31_000) }),
      sfn,
      stateMachineArn: STATE_MACHINE_ARN,
      logger,
    });
    const afterLease = await later(postOrder(order));

    // Assess: the live claim is respected (accepted, nothing started), the stale one taken over
    expect(whileLive.statusCode).toBe(202);
    expect(bodyOf(whileLive)).toEqual({ orderId, status: 'PENDING' });
    expect(afterLease.statusCode).toBe(202);
    expect(bodyOf(afterLease).executionArn).toBe(executionArnOf(orderId));
    expect(stepFunctions.callsFor(orderId)).toHaveLength(1);
  });

  it('treats the same order with its items listed in another order as a resubmission', async () => {
    // Prepare
    const orderId = uniqueOrderId();
    const order = { orderId, ...sampleOrder() };
    await handler(postOrder(order));
    const reordered = { ...order, items: [...order.items].reverse() };

    // Act
    const again = await handler(postOrder(reordered));

    // Assess: Step Functions refuses the different input; the API answers as for the first call
    expect(again.statusCode).toBe(202);
    expect(bodyOf(again).executionArn).toBe(executionArnOf(orderId));
  });

  it('answers 409 OrderConflict for the same orderId with a different order, leaving the record and workflow alone', async () => {
    // Prepare
    const orderId = uniqueOrderId();
    await handler(postOrder({ orderId, ...sampleOrder() }));
    const recordBefore = await table.item(orderId);
    const different = { orderId, ...sampleOrder(), items: [{ sku: 'SKU-RED-MUG', quantity: 5 }] };

    // Act
    const response = await handler(postOrder(different));

    // Assess
    expect(response.statusCode).toBe(409);
    expect(bodyOf(response)).toEqual({ error: 'OrderConflict', message: expect.stringContaining('items') });
    expect(await table.item(orderId)).toEqual(recordBefore);
    expect(stepFunctions.callsFor(orderId)).toHaveLength(1);
  });

  it('generates an orderId when the order has none and names the execution by it', async () => {
    // Act
    const response = await handler(postOrder(sampleOrder()));

    // Assess
    expect(response.statusCode).toBe(202);
    const { orderId, executionArn } = bodyOf(response) as { orderId: string; executionArn: string };
    expect(orderId).toMatch(/^ord_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(executionArn).toBe(executionArnOf(orderId));
    expect(response.headers.location).toBe(`/orders/${orderId}`);
    expect(await table.item(orderId)).toMatchObject({ status: 'PENDING' });
    expect(JSON.parse(stepFunctions.callsFor(orderId)[0]!.input)).toMatchObject({ orderId });
  });

  describe('body rules (nothing written, nothing started)', () => {
    it('answers 415 for a body that is not application/json', async () => {
      const orderId = uniqueOrderId();
      const response = await handler(postOrder({ orderId, ...sampleOrder() }, { 'content-type': 'text/plain' }));
      expect(response.statusCode).toBe(415);
      expect(bodyOf(response).error).toBe('UnsupportedMediaType');
      expect(await table.item(orderId)).toBeUndefined();
      expect(stepFunctions.callsFor(orderId)).toHaveLength(0);
    });

    it('answers 413 for a 300 KiB body', async () => {
      const orderId = uniqueOrderId();
      const response = await handler(postOrder({ orderId, ...sampleOrder(), padding: 'x'.repeat(300 * 1024) }));
      expect(response.statusCode).toBe(413);
      expect(bodyOf(response).error).toBe('PayloadTooLarge');
      expect(await table.item(orderId)).toBeUndefined();
    });

    it('answers 400 InvalidJson for a body that is not JSON', async () => {
      const response = await handler(postOrder('{"customerId": "cus_42",'));
      expect(response.statusCode).toBe(400);
      expect(bodyOf(response)).toEqual({ error: 'InvalidJson', message: expect.any(String) });
    });

    it('answers 400 InvalidOrder naming every offending field', async () => {
      // Prepare
      const orderId = uniqueOrderId();
      const order = { orderId, ...sampleOrder(), items: [{ sku: 'SKU-RED-MUG', quantity: 0 }], currency: 'usd' };

      // Act
      const response = await handler(postOrder(order));

      // Assess
      expect(response.statusCode).toBe(400);
      const body = bodyOf(response);
      expect(body.error).toBe('InvalidOrder');
      expect(body.issues).toEqual(
        expect.arrayContaining([
          { path: 'items.0.quantity', message: 'must be at least 1' },
          expect.objectContaining({ path: 'currency' }),
        ]),
      );
      expect(await table.item(orderId)).toBeUndefined();
      expect(stepFunctions.callsFor(orderId)).toHaveLength(0);
    });

    it('accepts a base64-encoded JSON body', async () => {
      const orderId = uniqueOrderId();
      const event = postOrder({ orderId, ...sampleOrder() });
      const response = await handler({ ...event, body: Buffer.from(event.body!).toString('base64'), isBase64Encoded: true });
      expect(response.statusCode).toBe(202);
    });
  });

  it('answers 503 WorkflowUnavailable when StartExecution fails, keeps the order PENDING, and a retry starts it', async () => {
    // Prepare
    const orderId = uniqueOrderId();
    const order = { orderId, ...sampleOrder() };
    stepFunctions.failure = { status: 500, type: 'ServiceUnavailable' };

    // Act
    const failed = await handler(postOrder(order));

    // Assess
    expect(failed.statusCode).toBe(503);
    expect(bodyOf(failed)).toEqual({ error: 'WorkflowUnavailable', message: expect.stringContaining(orderId) });
    expect(await table.item(orderId)).toMatchObject({ status: 'PENDING' });

    // Act: the client retries once Step Functions is back
    stepFunctions.failure = undefined;
    const retried = await handler(postOrder(order));

    // Assess
    expect(retried.statusCode).toBe(202);
    expect(bodyOf(retried).executionArn).toBe(executionArnOf(orderId));
    expect((await table.item(orderId))?.history).toHaveLength(1);
  });

  it('answers 503 when StartExecution is refused for good (e.g. no such state machine)', async () => {
    stepFunctions.failure = { status: 400, type: 'StateMachineDoesNotExist' };
    const response = await handler(postOrder({ orderId: uniqueOrderId(), ...sampleOrder() }));
    expect(response.statusCode).toBe(503);
    expect(bodyOf(response).error).toBe('WorkflowUnavailable');
  });
});

describe('GET /orders/{orderId}', () => {
  it('answers 200 with the order, its status and history, without payment details', async () => {
    // Prepare
    const orderId = uniqueOrderId();
    await handler(postOrder({ orderId, ...sampleOrder() }));

    // Act
    const response = await handler(getOrder(orderId));

    // Assess
    expect(response.statusCode).toBe(200);
    const body = bodyOf(response);
    expect(body).toEqual({
      orderId,
      customerId: 'cus_42',
      status: 'PENDING',
      items: sampleOrder().items,
      currency: 'USD',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      history: [{ status: 'PENDING', at: body.createdAt, causedBy: 'OrderApi' }],
    });
    expect(response.body).not.toContain('tok_');
  });

  it('answers 404 OrderNotFound for an unknown order', async () => {
    const response = await handler(getOrder(uniqueOrderId()));
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response)).toEqual({ error: 'OrderNotFound', message: expect.any(String) });
  });

  it('answers 400 naming orderId for a malformed id', async () => {
    const response = await handler(getOrder('not an id!'));
    expect(response.statusCode).toBe(400);
    const body = bodyOf(response);
    expect(body.error).toBe('InvalidRequest');
    expect(body.issues).toEqual([{ path: 'orderId', message: expect.stringContaining('1-64 characters') }]);
  });
});

describe('anything else', () => {
  it('answers 404 NotFound for an unknown route', async () => {
    const response = await handler({ ...getOrder('ord_1'), routeKey: 'DELETE /orders/{orderId}' });
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response).error).toBe('NotFound');
  });

  it('answers 404 for an event that is not an HTTP API event', async () => {
    expect((await handler('ping')).statusCode).toBe(404);
  });

  it('answers 500 InternalError without the detail when the store fails', async () => {
    // Prepare: a handler whose table does not exist
    const broken = createHandler({
      orders: new OrderService(new DynamoDbOrderStore(table.documentClient, 'no-such-table')),
      sfn,
      stateMachineArn: STATE_MACHINE_ARN,
      logger,
    });

    // Act
    const response = await broken(getOrder(uniqueOrderId()));

    // Assess
    expect(response.statusCode).toBe(500);
    expect(bodyOf(response)).toEqual({ error: 'InternalError' });
  });

  it('answers 500 from the Lambda entry point when deployed without its environment', async () => {
    // This test process sets neither ORDERS_TABLE_NAME nor STATE_MACHINE_ARN.
    const response = await lambdaHandler(getOrder(uniqueOrderId()));
    expect(response.statusCode).toBe(500);
    expect(bodyOf(response)).toEqual({ error: 'InternalError' });
  });

  it('refuses a state machine ARN it cannot derive execution ARNs from', () => {
    expect(() => createHandler({ orders: { create: vi.fn(), get: vi.fn(), claimWorkflowStart: vi.fn(), recordWorkflowStarted: vi.fn(), releaseWorkflowClaim: vi.fn() }, sfn, stateMachineArn: 'OrderWorkflow', logger })).toThrow(
      /Not a state machine ARN/,
    );
  });
});

describe('logs', () => {
  it('are JSON lines carrying the orderId, never the payment token or the body', async () => {
    // Prepare: a logger that writes, captured at stdout
    const lines: string[] = [];
    // Powertools writes INFO to stdout and WARN/ERROR to stderr.
    const capture = (chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    };
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    const loud = createHandler({
      orders: new OrderService(new DynamoDbOrderStore(table.documentClient, table.tableName)),
      sfn,
      stateMachineArn: STATE_MACHINE_ARN,
      logger: new Logger({ serviceName: 'order-api', logLevel: 'INFO' }),
    });
    const orderId = uniqueOrderId();

    // Act
    try {
      await loud(postOrder({ orderId, ...sampleOrder(), payment: { token: 'tok_secretLooking' } }));
      await loud(postOrder({ orderId, ...sampleOrder(), payment: { token: 'tok_otherSecret' } }));
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }

    // Assess
    const records = lines.join('').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toEqual([
      expect.objectContaining({ level: 'INFO', message: 'order accepted', orderId, service: 'order-api' }),
      expect.objectContaining({ level: 'WARN', message: 'request rejected', orderId, statusCode: 409, errorName: 'OrderConflict' }),
    ]);
    expect(lines.join('')).not.toMatch(/tok_|SKU-RED-MUG/);
  });
});
