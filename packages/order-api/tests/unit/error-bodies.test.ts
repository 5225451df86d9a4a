import { Logger } from '@aws-lambda-powertools/logger';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { createHandler, type HttpApiEvent } from '../../src/handler.js';
import type { OrderRecords } from '../../src/ports.js';
import postEvent from '../events/post-order.json' with { type: 'json' };
import getEvent from '../events/get-order.json' with { type: 'json' };

const INTERNAL_TABLE = 'OrderFlow-OrderStatus-OrderStatusTable7F07E6EF-1Q2W3E4R5T6Y';
const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:WorkflowStateMachine8F1B1C15-internal';

/** An error the way the SDK raises one: internal names in the message, a stack with file paths. */
function internalError(): Error {
  const error = new Error(`Requested resource not found: Table: ${INTERNAL_TABLE} not found`);
  error.name = 'ResourceNotFoundException';
  error.stack = `${error.name}: ${error.message}\n    at DynamoDbOrderStore.get (/var/task/index.mjs:12:345)\n    at OrderService.create (/work/main/packages/order-status/src/order-service.ts:42:7)`;
  return error;
}

const failingOrders: OrderRecords = {
  create: () => Promise.reject(internalError()),
  get: () => Promise.reject(internalError()),
  claimWorkflowStart: () => Promise.reject(internalError()),
  recordWorkflowStarted: () => Promise.reject(internalError()),
  releaseWorkflowClaim: () => Promise.reject(internalError()),
};
const unusedSfn = { send: () => Promise.reject(internalError()) } as unknown as SFNClient;

/** The 500 answer, and proof that nothing internal reached the client. */
function expectOpaque500(response: { statusCode: number; body: string; headers?: Record<string, string> }): void {
  expect(response.statusCode).toBe(500);
  expect(JSON.parse(response.body)).toEqual({ error: 'InternalError' });
  const wire = JSON.stringify(response);
  for (const leak of [' at ', INTERNAL_TABLE, 'OrderStatusTable', '/var/task', '.ts:', '.mjs', 'ResourceNotFound', 'stateMachine:']) {
    expect(wire).not.toContain(leak);
  }
}

describe('order API error bodies carry no stack traces or internal names', () => {
  const handler = createHandler({ orders: failingOrders, sfn: unusedSfn, stateMachineArn: STATE_MACHINE_ARN, logger: new Logger({ logLevel: 'SILENT' }) });

  it('POST /orders: a store failure is a bare 500 InternalError', async () => {
    const event: HttpApiEvent = { ...postEvent, body: JSON.stringify({ customerId: 'cus_1', items: [{ sku: 'SKU-1', quantity: 1 }], payment: { token: 'tok_visa' }, currency: 'USD' }) };
    expectOpaque500(await handler(event));
  });

  it('GET /orders/{orderId}: a store failure is a bare 500 InternalError', async () => {
    expectOpaque500(await handler(getEvent));
  });
});
