/**
 * The order API contract through real HTTP against the local stack (`pnpm start`'s wiring, in
 * process): API Gateway emulation -> the order API's Lambda bundle -> StartExecution through the
 * local Step Functions endpoint with the real @aws-sdk/client-sfn -> the synthesized workflow.
 */
import { DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalOrderStack } from '../../src/local/stack.js';

let stack: LocalOrderStack;
let sfn: SFNClient;
let seq = 0;

beforeAll(async () => {
  stack = await LocalOrderStack.start({ apiPort: 0, stepFunctionsPort: 0 });
  sfn = new SFNClient({ endpoint: stack.stepFunctionsEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});
afterAll(async () => {
  sfn?.destroy();
  await stack?.stop();
});

async function putStock(sku: string, available: number, unitPrice = 1000): Promise<Response> {
  return fetch(`${stack.apiUrl}/inventory/${sku}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ available, unitPrice }),
  });
}

async function freshSku(available: number, unitPrice = 1000): Promise<string> {
  const sku = `SKU-API${++seq}-${Date.now().toString(36)}`;
  expect((await putStock(sku, available, unitPrice)).status).toBe(200);
  return sku;
}

function order(token: string, sku: string, quantity = 1) {
  return { orderId: `ord_api_${++seq}_${Date.now().toString(36)}`, customerId: 'cus_api', items: [{ sku, quantity }], payment: { token }, currency: 'USD' };
}

const post = (body: unknown) =>
  fetch(`${stack.apiUrl}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Polls GET /orders/{id} until the order leaves PENDING (the workflow runs asynchronously). */
async function settled(orderId: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const response = await fetch(`${stack.apiUrl}/orders/${orderId}`);
    const body = (await response.json()) as Record<string, unknown>;
    if (response.status === 200 && body.status !== 'PENDING') return body;
    if (Date.now() > deadline) throw new Error(`order ${orderId} still ${String(body.status)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('POST /orders and GET /orders/{orderId}', () => {
  it('accepts an order with 202, a Location and the execution, and the order reaches CONFIRMED', async () => {
    const sku = await freshSku(5, 1250);
    const o = order('tok_visa', sku, 2);

    const response = await post(o);

    expect(response.status).toBe(202);
    expect(response.headers.get('location')).toBe(`/orders/${o.orderId}`);
    const accepted = (await response.json()) as { orderId: string; status: string; executionArn: string };
    expect(accepted).toMatchObject({ orderId: o.orderId, status: 'PENDING' });
    expect(accepted.executionArn).toMatch(new RegExp(`:execution:[^:]+:${o.orderId}$`));

    const final = await settled(o.orderId);
    expect(final).toMatchObject({ orderId: o.orderId, status: 'CONFIRMED', total: 2500, currency: 'USD' });
    expect(final.lines).toEqual([{ sku, quantity: 2, unitPrice: 1250, lineTotal: 2500 }]);
    expect((final.history as { status: string }[]).map((h) => h.status)).toEqual(['PENDING', 'CONFIRMED']);
    expect(JSON.stringify(final)).not.toContain('tok_visa');

    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: accepted.executionArn }));
    expect(described.status).toBe('SUCCEEDED');
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: accepted.executionArn }));
    expect(history.events?.[0]?.type).toBe('ExecutionStarted');
    expect(history.events?.at(-1)?.type).toBe('ExecutionSucceeded');
  });

  it('a duplicate submission starts nothing new: same 202 and executionArn, one execution', async () => {
    const sku = await freshSku(5);
    const o = order('tok_visa', sku);

    const first = (await (await post(o)).json()) as { executionArn: string };
    await settled(o.orderId);
    const again = await post(o);

    expect(again.status).toBe(202);
    expect(((await again.json()) as { executionArn: string }).executionArn).toBe(first.executionArn);
    const machineArn = first.executionArn.replace(':execution:', ':stateMachine:').replace(/:[^:]+$/, '');
    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn, maxResults: 1000 }));
    expect(listed.executions?.filter((e) => e.name === o.orderId)).toHaveLength(1);
    expect((await fetch(`${stack.apiUrl}/inventory/${sku}`).then((r) => r.json())) as object).toMatchObject({ available: 4 });
  });

  it('the same orderId with a different body is 409 and changes nothing', async () => {
    const sku = await freshSku(5);
    const o = order('tok_visa', sku);
    await post(o);
    const before = await settled(o.orderId);

    const response = await post({ ...o, items: [{ sku, quantity: 3 }] });

    expect(response.status).toBe(409);
    expect(((await response.json()) as { error: string }).error).toBe('OrderConflict');
    expect(await settled(o.orderId)).toEqual(before);
  });

  it('generates an orderId when the client sends none', async () => {
    const sku = await freshSku(2);
    const { orderId: _omit, ...o } = order('tok_visa', sku);
    const response = await post(o);
    expect(response.status).toBe(202);
    const { orderId } = (await response.json()) as { orderId: string };
    expect(orderId).toMatch(/^ord_[0-9A-Z]{26}$/);
    expect((await settled(orderId)).status).toBe('CONFIRMED');
  });

  it('GET of an unknown order is 404, of a malformed id 400 naming orderId', async () => {
    const missing = await fetch(`${stack.apiUrl}/orders/ord_never_seen`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toBe('OrderNotFound');
    const bad = await fetch(`${stack.apiUrl}/orders/${encodeURIComponent('ord 1')}`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('orderId');
  });
});

describe('inventory API', () => {
  it('PUT then GET /inventory/{sku}; unknown SKU 404; bad stock 400 naming the field', async () => {
    const sku = `SKU-INV-${Date.now().toString(36)}`;
    expect((await putStock(sku, 7, 499)).status).toBe(200);
    expect(await fetch(`${stack.apiUrl}/inventory/${sku}`).then((r) => r.json())).toEqual({ sku, available: 7, unitPrice: 499 });
    expect((await fetch(`${stack.apiUrl}/inventory/SKU-NOT-THERE`)).status).toBe(404);
    const bad = await fetch(`${stack.apiUrl}/inventory/${sku}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ available: -1, unitPrice: 1 }),
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('available');
    expect(await fetch(`${stack.apiUrl}/inventory/${sku}`).then((r) => r.json())).toMatchObject({ available: 7 });
  });
});

describe('order events', () => {
  it.each([
    ['tok_visa', 5, 1, 'OrderConfirmed', undefined],
    ['tok_gatewayFlaky', 5, 1, 'OrderConfirmed', undefined],
    ['tok_chargeDeclined', 5, 1, 'OrderFailed', 'PAYMENT_DECLINED'],
    ['tok_gatewayDown', 5, 1, 'OrderFailed', 'PAYMENT_ERROR'],
    ['tok_visa', 1, 3, 'OrderFailed', 'OUT_OF_STOCK'],
  ])('%s (stock %i, qty %i) publishes exactly one %s %s, in the EventBridge envelope', async (token, stock, qty, detailType, reason) => {
    const sku = await freshSku(stock, 800);
    const o = order(token, sku, qty);
    await post(o);
    await settled(o.orderId);
    // The event is published after the status is written: wait for the execution to end.
    await expect.poll(() => stack.events().filter((e) => (e.detail as { orderId?: string }).orderId === o.orderId).length, { timeout: 10_000 }).toBe(1);

    const [event] = stack.events().filter((e) => (e.detail as { orderId?: string }).orderId === o.orderId);
    expect(event).toMatchObject({
      version: '0',
      source: 'order-flow.orders',
      'detail-type': detailType,
      detail: { orderId: o.orderId, ...(reason ? { reason } : {}) },
    });
    expect(typeof event!.id).toBe('string');
    expect(Number.isNaN(Date.parse(String((event!.detail as { timestamp: string }).timestamp)))).toBe(false);
    const listed = (await fetch(`${stack.apiUrl.replace(/\/$/, '')}/events`).then((r) => r.json())) as { events: { detail: { orderId: string } }[] };
    expect(listed.events.filter((e) => e.detail.orderId === o.orderId)).toHaveLength(1);
  });
});
