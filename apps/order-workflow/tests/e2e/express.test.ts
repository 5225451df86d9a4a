/**
 * The order workflow built as Express (`workflowType: 'EXPRESS'`), end to end through the API on
 * the local runtime, with the engine's at-least-once delivery on: task calls repeated and whole
 * executions run again, as AWS may. Checks the tables afterwards.
 *
 * AWS behaviour relied on (AWS Step Functions Developer Guide and API Reference):
 * - "Standard vs. Express Workflows": Express executions are at-least-once and end at 5 minutes;
 * - StartExecution: "StartExecution isn't idempotent for EXPRESS workflows" (a name does not
 *   make a second call return the first execution);
 * - DescribeExecution / GetExecutionHistory: "Executions of an EXPRESS state machine aren't
 *   supported" (the API does not serve Express executions; their record is CloudWatch Logs).
 */
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { OrderRequest } from '@order-flow/contracts';
import { LOCAL_CREDENTIALS } from '@order-flow/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalOrderStack } from '../../src/local/stack.js';
import { testOrders } from './support/test-orders.js';

let stack: LocalOrderStack;
let sfn: SFNClient;
/** Every execution of the workflow state machine and its last status, from the engine's status changes. */
const executions = new Map<string, string>();

beforeAll(async () => {
  stack = await LocalOrderStack.start({
    workflowType: 'EXPRESS',
    seed: 11,
    expressAtLeastOnce: { taskRedelivery: 0.3, executionRestart: 0.2 },
    apiPort: 0,
    stepFunctionsPort: 0,
  });
  stack.runtime.engine.onExecutionStatusChange((description) => {
    if (description.stateMachineArn === stack.stateMachineArn) executions.set(description.executionArn, description.status);
  });
  sfn = new SFNClient({ endpoint: stack.stepFunctionsEndpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
});
afterAll(async () => {
  sfn?.destroy();
  await stack?.stop();
});

const { freshSku, order } = testOrders(() => stack, { sku: 'X', order: 'express', customer: 'cus_express' });

async function post(body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${stack.apiUrl}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Polls `GET /orders/{id}` (the orders table, never the execution) until the order is settled. */
async function settled(orderId: string): Promise<Record<string, unknown>> {
  for (let attempt = 0; attempt < 600; attempt++) {
    const response = await fetch(`${stack.apiUrl}/orders/${orderId}`);
    const view = (await response.json()) as Record<string, unknown>;
    if (response.status === 200 && view.status !== 'PENDING') return view;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`order ${orderId} still PENDING`);
}

/** Waits until the engine has no Express execution of the workflow running (redeliveries included). */
async function quiet(): Promise<void> {
  for (let attempt = 0; attempt < 600 && [...executions.values()].includes('RUNNING'); attempt++) await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('Express order workflow with at-least-once delivery', () => {
  it('synthesizes the workflow as EXPRESS', () => {
    expect(stack.runtime.engine.describeStateMachine(stack.stateMachineArn).type).toBe('EXPRESS');
  });

  it('negative control: the engine does not dedupe Express executions by name, so the API guard is what keeps duplicates out', async () => {
    const input = JSON.stringify(order('tok_visa', [{ sku: await freshSku(5), quantity: 1 }]));
    const first = await sfn.send(new StartExecutionCommand({ stateMachineArn: stack.stateMachineArn, name: 'same-name', input }));
    const second = await sfn.send(new StartExecutionCommand({ stateMachineArn: stack.stateMachineArn, name: 'same-name', input }));
    expect(first.executionArn).not.toBe(second.executionArn);
    await quiet();
  });

  it('concurrent and repeated POSTs of one order: one execution started, stock taken once, one capture, CONFIRMED; GET never needs the execution', async () => {
    const sku = await freshSku(10, 700);
    const o = order('tok_visa', [{ sku, quantity: 2 }]);
    const startsBefore = executions.size;

    const responses = await Promise.all(Array.from({ length: 6 }, () => post(o)));
    const view = await settled(o.orderId!);
    const retried = await post(o);
    await quiet();

    expect(responses.map((response) => response.status)).toEqual(Array(6).fill(202));
    expect(retried.status).toBe(202);
    expect(executions.size - startsBefore).toBe(1);
    expect(view).toMatchObject({ status: 'CONFIRMED', total: 1400 });
    expect(await stack.stock(sku)).toBe(8);
    expect(await stack.payment(o.orderId!)).toMatchObject({ status: 'CAPTURED', amount: 1400 });
    // The API does not serve Express executions: the order's state is in the orders table only.
    const executionArn = String(responses.find((response) => response.body.executionArn)?.body.executionArn);
    expect(executionArn).toMatch(/:express:/);
    await expect(sfn.send(new DescribeExecutionCommand({ executionArn }))).rejects.toMatchObject({ name: 'InvalidArn' });
  });

  it('every path settles consistently under redelivery: stock and money match each order status', async () => {
    const plenty = await freshSku(50, 500);
    const cases: [OrderRequest, string, string | undefined][] = [
      [order('tok_visa', [{ sku: plenty, quantity: 1 }]), 'CONFIRMED', undefined],
      [order('tok_visa', [{ sku: plenty, quantity: 99 }]), 'FAILED', 'OUT_OF_STOCK'],
      [order('tok_chargeDeclined', [{ sku: plenty, quantity: 1 }]), 'FAILED', 'PAYMENT_DECLINED'],
      [order('tok_gatewayDown', [{ sku: plenty, quantity: 1 }]), 'FAILED', 'PAYMENT_ERROR'],
      // Two gateway failures in a row: Standard's retries (4) ride them out; Express's one retry
      // does not, so the order fails, refunded and released (the price of the 5-minute ceiling).
      [order('tok_gatewayFlaky', [{ sku: plenty, quantity: 1 }]), 'FAILED', 'PAYMENT_ERROR'],
    ];
    const redeliveriesBefore = { ...stack.runtime.engine.redeliveries };

    for (const [o] of cases) expect((await post(o)).status).toBe(202);
    const views = await Promise.all(cases.map(([o]) => settled(o.orderId!)));
    await quiet();

    for (const [index, [o, status, reason]] of cases.entries()) {
      expect(views[index], o.payment.token).toMatchObject({ status, ...(reason && { reason }) });
      const payment = await stack.payment(o.orderId!);
      if (status === 'CONFIRMED') expect(payment).toMatchObject({ status: 'CAPTURED' });
      else expect(payment?.status ?? 'NONE', o.payment.token).not.toBe('CAPTURED');
      const reservation = await stack.reservation(o.orderId!);
      expect(reservation?.status ?? 'NONE', o.payment.token).toBe(status === 'CONFIRMED' ? 'RESERVED' : reservation ? 'RELEASED' : 'NONE');
    }
    expect(await stack.stock(plenty)).toBe(49);
    // Redelivery really happened in this run (otherwise the test proves nothing about it).
    const redelivered = stack.runtime.engine.redeliveries.tasks - redeliveriesBefore.tasks + stack.runtime.engine.redeliveries.executions - redeliveriesBefore.executions;
    expect(redelivered).toBeGreaterThan(0);
  });
});
