import { Logger } from '@aws-lambda-powertools/logger';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { expectOpaque500 as expectBare500, sdkResourceNotFound } from '@order-flow/local/testing/vitest';
import { describe, it } from 'vitest';
import { createHandler, type HttpApiEvent } from '../../src/handler.js';
import type { OrderRecords } from '../../src/ports.js';
import postEvent from '../events/post-order.json' with { type: 'json' };
import getEvent from '../events/get-order.json' with { type: 'json' };

const INTERNAL_TABLE = 'OrderFlow-OrderStatus-OrderStatusTable7F07E6EF-1Q2W3E4R5T6Y';
const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:WorkflowStateMachine8F1B1C15-internal';

/** An error the way the SDK raises one: internal names in the message, a stack with file paths. */
const internalError = () => sdkResourceNotFound(INTERNAL_TABLE, ['DynamoDbOrderStore.get (/var/task/index.mjs:12:345)', 'OrderService.create (/work/main/packages/order-status/src/order-service.ts:42:7)']);

const failingOrders: OrderRecords = {
  create: () => Promise.reject(internalError()),
  get: () => Promise.reject(internalError()),
  claimWorkflowStart: () => Promise.reject(internalError()),
  recordWorkflowStarted: () => Promise.reject(internalError()),
  releaseWorkflowClaim: () => Promise.reject(internalError()),
};
const unusedSfn = { send: () => Promise.reject(internalError()) } as unknown as SFNClient;

/** The 500 answer, and proof that nothing internal reached the client. */
const expectOpaque500 = (response: { statusCode: number; body: string; headers?: Record<string, string> }) => expectBare500(response, { body: { error: 'InternalError' }, internalNames: [INTERNAL_TABLE, 'OrderStatusTable', 'stateMachine:'] });

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
