import { randomBytes } from 'node:crypto';
import type { HttpApiEvent } from '../../src/handler.js';
import getOrderEvent from '../events/get-order.json' with { type: 'json' };
import postOrderEvent from '../events/post-order.json' with { type: 'json' };
import orderRequest from '../events/order-request.json' with { type: 'json' };

/** A fresh, unique order id, so tests sharing a table never collide. */
export function uniqueOrderId(): string {
  return `ord_test_${randomBytes(8).toString('hex')}`;
}

/** The sample order request (no orderId), deep-copied so a test may change it. */
export function sampleOrder(): typeof orderRequest {
  return structuredClone(orderRequest);
}

/** A `POST /orders` event carrying `body` (JSON-encoded unless already a string). */
export function postOrder(body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }): HttpApiEvent {
  return {
    ...structuredClone(postOrderEvent),
    headers: { host: postOrderEvent.headers.host, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

/** A `GET /orders/{orderId}` event. */
export function getOrder(orderId: string): HttpApiEvent {
  return {
    ...structuredClone(getOrderEvent),
    rawPath: `/orders/${orderId}`,
    pathParameters: { orderId },
  };
}
