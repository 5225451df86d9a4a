/**
 * The reconciler (src/reconciler.ts) on the synthesized app: the EventBridge rule on "Step
 * Functions Execution Status Change", the sweep schedule, the reconciliation and settlement state
 * machines, the real step functions and tables. Virtual time: the sweep's 15-minute schedule and
 * the workflow's 1-hour timeout are the template's own.
 *
 * AWS behaviour relied on, by documentation section:
 * - Step Functions Developer Guide, "EventBridge events for Step Functions execution status
 *   changes": Standard executions put TIMED_OUT / ABORTED / FAILED events (with `input`,
 *   `error`, `cause`) on the default bus.
 * - Step Functions API Reference, StartExecution: "execution names are unique per state machine
 *   for 90 days"; another input under a used name is `ExecutionAlreadyExists`
 *   (`StepFunctions.ExecutionAlreadyExistsException` in the optimized integration).
 * - EventBridge User Guide, "Content filtering in Amazon EventBridge event patterns":
 *   `anything-but` and `$or`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderRequest } from '@order-flow/contracts';
import { LocalOrderStack } from '../../src/local/stack.js';
import { settleStrandedOrders } from '../../scripts/resume.js';
import { SETTLEMENT_ROUNDS } from '../../src/reconciler.js';

let stack: LocalOrderStack;
let seq = 0;
const run = Date.now().toString(36);
const MINUTE = 60_000;

beforeAll(async () => {
  stack = await LocalOrderStack.start();
});
afterAll(async () => {
  await stack?.stop();
});

async function freshSku(available: number): Promise<string> {
  const sku = `SKU-RC${++seq}-${run}`;
  await stack.seedStock([{ sku, available, unitPrice: 700 }]);
  return sku;
}

function order(token: string, sku: string, quantity = 1): OrderRequest {
  return { orderId: `ord_rc_${++seq}_${run}`, customerId: 'cus_rc', items: [{ sku, quantity }], payment: { token }, currency: 'USD' };
}

/**
 * What one settlement of `o` for `reason` leaves: its SKU back to `stock` units, the payment
 * voided, one OrderFailed event and one settled settlement.
 */
async function expectCompensatedOnce(o: OrderRequest, sku: string, stock: number, reason: string): Promise<void> {
  expect(await stack.stock(sku)).toBe(stock);
  expect((await stack.payment(o.orderId!))?.status).toBe('VOIDED');
  expect(failedEvents(o.orderId!)).toHaveLength(1);
  expect(settlementsOf(o.orderId!)).toEqual([expect.objectContaining({ settled: true, reason })]);
}

/**
 * What a dead execution leaves behind: an order of `quantity` units of a fresh SKU (`available`
 * in stock) created and its stock reserved, nothing after.
 */
async function strandedOrder(available: number, quantity = 1): Promise<{ sku: string; o: OrderRequest }> {
  const sku = await freshSku(available);
  const o = order('tok_visa', sku, quantity);
  await stack.runtime.invoke(orderStatusFunction(), { action: 'create', order: o });
  await stack.runtime.invoke(inventoryFunction(), { action: 'reserve', orderId: o.orderId, items: o.items });
  return { sku, o };
}

const failedEvents = (orderId: string) => stack.events().filter((e) => e['detail-type'] === 'OrderFailed' && (e.detail as { orderId: string }).orderId === orderId);
const settlementsOf = (orderId: string) => stack.settlements().filter((s) => s.orderId === orderId);

/** Waits (virtual time passing only while something waits on it) until `check` holds. */
async function until(check: () => Promise<boolean> | boolean, what: string, limitMs = 10 * MINUTE): Promise<void> {
  const start = stack.runtime.clock.now();
  while (!(await check())) {
    if (stack.runtime.clock.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await stack.runtime.clock.sleep(1_000);
  }
}

/** Starts an order whose payment keeps failing, and stops its execution while the charge is being retried. */
async function abortedMidPayment(): Promise<{ o: OrderRequest; sku: string }> {
  const sku = await freshSku(5);
  const o = order('tok_gatewayDown', sku, 2);
  const release = stack.runtime.clock.hold();
  try {
    const { executionArn } = stack.start(o, { name: o.orderId! });
    await until(() => stack.runtime.executionHistory(executionArn).events.some((e) => e.type === 'TaskFailed'), 'the first failed charge');
    stack.runtime.stopExecution(executionArn, { error: 'OperatorStopped', cause: 'stopped by the reconciler test' });
  } finally {
    release();
  }
  return { o, sku };
}

describe('reconciler: every order a workflow left PENDING is settled once', () => {
  it('an ABORTED execution mid-payment: refund/void, release, FAILED(ABORTED), one OrderFailed, and a late charge is refused', async () => {
    const { o, sku } = await abortedMidPayment();
    expect((await stack.order(o.orderId!))?.status).toBe('PENDING');
    expect(await stack.stock(sku)).toBe(3);

    await until(async () => (await stack.order(o.orderId!))?.status === 'FAILED', 'the settlement');
    await stack.settlementsDone();

    const record = await stack.order(o.orderId!);
    expect(record).toMatchObject({ status: 'FAILED', reason: 'ABORTED' });
    expect(record!.history.map((h) => [h.status, h.causedBy])).toEqual([
      ['PENDING', 'CreateOrder'],
      ['FAILED', 'Reconciler'],
    ]);
    expect(await stack.stock(sku)).toBe(5);
    expect(await stack.reservation(o.orderId!)).toMatchObject({ status: 'RELEASED' });
    expect((await stack.payment(o.orderId!))?.status).toMatch(/^(VOIDED|REFUNDED)$/);
    expect(failedEvents(o.orderId!)).toHaveLength(1);
    expect(failedEvents(o.orderId!)[0]!.detail).toMatchObject({ orderId: o.orderId, status: 'FAILED', reason: 'ABORTED', currency: 'USD' });
    expect(settlementsOf(o.orderId!)).toEqual([expect.objectContaining({ status: 'SUCCEEDED', settled: true, reason: 'ABORTED' })]);

    // The gateway comes back and a late, retried charge arrives: refused, nothing captured.
    await expect(stack.runtime.invoke(paymentFunction(), { action: 'charge', orderId: o.orderId, amount: 1400, currency: 'USD', token: 'tok_visa' })).rejects.toMatchObject({ name: 'PaymentVoided' });
    expect((await stack.payment(o.orderId!))?.status).not.toBe('CAPTURED');
  });

  it('a second trigger for a settled order (the same event again, then the sweep) starts nothing and publishes nothing', async () => {
    const { o } = await abortedMidPayment();
    await until(async () => (await stack.order(o.orderId!))?.status === 'FAILED', 'the settlement');
    await stack.settlementsDone();
    const eventsBefore = stack.events().length;

    // The status-change event delivered again (EventBridge is at-least-once): replayed from the recorder.
    const original = stack.runtime.events.list({ source: 'aws.states' }).find((r) => (r.event.detail as { name: string }).name === o.orderId && (r.event.detail as { status: string }).status === 'ABORTED');
    expect(original).toBeDefined();
    const again = await stack.runtime.run(original!.event, { stateMachine: stack.reconciler.reconciliationArn });
    expect(again.output).toEqual({ settlementsStarted: 0 });
    // And a sweep that would take every PENDING order, however young.
    const sweep = await settleStrandedOrders(stack, { olderThanSeconds: 0 });
    expect(sweep.settlementsStarted).toBe(0);

    expect(settlementsOf(o.orderId!)).toHaveLength(1);
    expect(failedEvents(o.orderId!)).toHaveLength(1);
    expect(stack.events().length).toBe(eventsBefore);
  });

  it('a TIMED_OUT execution (its status-change event, as Step Functions puts it on the default bus) is settled TIMED_OUT through the rule', async () => {
    // The workflow's timeout covers its worst-case retry budget (checked at synth), so no real
    // execution of it can time out here: what one leaves behind (order PENDING, stock reserved)
    // is made by the step functions, and its event is built the way the engine builds its own.
    const { sku, o } = await strandedOrder(5, 2);
    const template = stack.runtime.events.list({ source: 'aws.states' })[0]!.event;
    const now = stack.runtime.clock.now();
    const executionArn = stack.stateMachineArn.replace(':stateMachine:', ':execution:') + `:${o.orderId}`;
    stack.runtime.eventBridge.publish('default', {
      ...template,
      id: `timed-out-${o.orderId}`,
      time: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      resources: [executionArn],
      detail: {
        executionArn, stateMachineArn: stack.stateMachineArn, name: o.orderId, status: 'TIMED_OUT',
        startDate: now - 3_600_000, stopDate: now, input: JSON.stringify(o), output: null,
        inputDetails: { included: true }, outputDetails: null, error: 'States.Timeout', cause: null,
      },
    });

    await until(async () => (await stack.order(o.orderId!))?.status === 'FAILED', 'the settlement');
    await stack.settlementsDone();
    expect(await stack.order(o.orderId!)).toMatchObject({ status: 'FAILED', reason: 'TIMED_OUT' });
    await expectCompensatedOnce(o, sku, 5, 'TIMED_OUT');
  });

  it('an execution whose CreateOrder never recorded the order (failure injected at the task: the real table cannot be made to fail alone) ends with the order recorded FAILED(WORKFLOW_FAILED), once', async () => {
    const sku = await freshSku(2);
    const o = order('tok_visa', sku);
    const result = await stack.submit(o, {
      name: o.orderId!,
      taskOverrides: {
        CreateOrder: () => {
          throw Object.assign(new Error('injected: orders table unavailable'), { name: 'ProvisionedThroughputExceededException' });
        },
      },
    });
    expect(result.status).toBe('FAILED');
    expect(await stack.order(o.orderId!)).toBeUndefined();

    await until(async () => (await stack.order(o.orderId!))?.status === 'FAILED', 'the settlement');
    await stack.settlementsDone();
    const record = await stack.order(o.orderId!);
    expect(record).toMatchObject({ status: 'FAILED', reason: 'WORKFLOW_FAILED', items: o.items, customerId: o.customerId });
    expect(record!.history.at(-1)).toMatchObject({ status: 'FAILED', causedBy: 'Reconciler' });
    await expectCompensatedOnce(o, sku, 2, 'WORKFLOW_FAILED');
  });

  it('negative control: an invalid order (refused by CreateOrder) and an OrderConflict (the id belongs to another order) trigger nothing and write nothing', async () => {
    const sku = await freshSku(2);
    const invalid = { ...order('tok_visa', sku), items: [] };
    const bad = await stack.submit(invalid, { name: invalid.orderId! });
    expect(bad.error).toBe('InvalidOrder');
    const first = order('tok_visa', sku);
    expect((await stack.submit(first, { name: first.orderId! })).status).toBe('SUCCEEDED');
    const conflict = await stack.submit({ ...first, items: [{ sku, quantity: 2 }] }, { name: `${first.orderId!}-other` });
    expect(conflict.error).toBe('OrderConflict');
    await stack.runtime.clock.sleep(MINUTE);
    expect(settlementsOf(invalid.orderId!)).toEqual([]);
    expect(settlementsOf(first.orderId!)).toEqual([]);
    expect(await stack.order(invalid.orderId!)).toBeUndefined();
    expect(await stack.order(first.orderId!)).toMatchObject({ status: 'CONFIRMED' });
  });

  it('negative control: an execution that failed with its own FailureReason (out of stock) does not trigger the reconciler', async () => {
    const sku = await freshSku(0);
    const o = order('tok_visa', sku);
    const result = await stack.submit(o, { name: o.orderId! });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('OUT_OF_STOCK');
    await stack.runtime.clock.sleep(MINUTE);
    expect(settlementsOf(o.orderId!)).toEqual([]);
    expect(failedEvents(o.orderId!)).toHaveLength(1);
  });

  it('the sweep: an order PENDING past the workflow timeout with no execution (it died with a runtime) is settled STALLED by the schedule, once', async () => {
    // What a dead execution leaves behind: the order created and its stock reserved, nothing after.
    const { sku, o } = await strandedOrder(4, 3);
    expect(await stack.stock(sku)).toBe(1);

    // 30 virtual minutes: two sweeps run, but the order is younger than timeout + margin (65 min).
    await stack.runtime.clock.sleep(30 * MINUTE);
    expect((await stack.order(o.orderId!))?.status).toBe('PENDING');
    expect(settlementsOf(o.orderId!)).toEqual([]);

    // Past 65 minutes, the next scheduled sweep settles it.
    await stack.runtime.clock.sleep(50 * MINUTE);
    await stack.settlementsDone();
    expect(await stack.order(o.orderId!)).toMatchObject({ status: 'FAILED', reason: 'STALLED' });
    expect(await stack.stock(sku)).toBe(4);
    expect((await stack.payment(o.orderId!))?.status).toBe('VOIDED');
    expect(failedEvents(o.orderId!)).toHaveLength(1);

    // More sweeps: nothing again.
    await stack.runtime.clock.sleep(60 * MINUTE);
    await stack.settlementsDone();
    expect(settlementsOf(o.orderId!)).toHaveLength(1);
    expect(failedEvents(o.orderId!)).toHaveLength(1);
  });

  it('a settlement rides out a 40-minute payment outage (longer than its tasks\' retries): settled once, in a later round', async () => {
    const { sku, o } = await strandedOrder(3);
    stack.runtime.setFaults({ functions: { [paymentFunctionName()]: { throttleRate: 1 } } });
    const sweep = settleStrandedOrders(stack, { olderThanSeconds: 0 });
    await stack.runtime.clock.sleep(40 * MINUTE);
    stack.runtime.setFaults({});
    const result = await sweep;
    const mine = result.settlements.filter((s) => s.orderId === o.orderId);
    expect(mine).toEqual([expect.objectContaining({ status: 'SUCCEEDED', settled: true })]);
    const output = JSON.parse(stack.runtime.describeExecution(mine[0]!.executionArn).output!) as { rounds: number };
    expect(output.rounds).toBeGreaterThan(1);
    expect(await stack.order(o.orderId!)).toMatchObject({ status: 'FAILED', reason: 'STALLED' });
    expect(await stack.stock(sku)).toBe(3);
    expect(failedEvents(o.orderId!)).toHaveLength(1);
  });

  it('what cannot be compensated stays visible: payment down through every round of retries (2 h) -> an unsettled record, the order left PENDING, the settlement FAILED', async () => {
    const { sku, o } = await strandedOrder(3);
    stack.runtime.setFaults({ functions: { [paymentFunctionName()]: { throttleRate: 1 } } });
    const began = stack.runtime.clock.now();
    try {
      const sweep = await settleStrandedOrders(stack, { olderThanSeconds: 0 });
      expect(sweep.settlements.find((s) => s.orderId === o.orderId)).toMatchObject({ status: 'FAILED', settled: false });
    } finally {
      stack.runtime.setFaults({});
    }
    expect((await stack.order(o.orderId!))?.status).toBe('PENDING');
    expect(await stack.stock(sku)).toBe(2); // not released: the refund comes first and never succeeded
    const unsettled = (await stack.unsettled()).find((item) => item.orderId === o.orderId);
    // Only after every round: 24 rounds, 5 minutes apart (two hours of virtual time).
    expect(unsettled).toMatchObject({ orderId: o.orderId, reason: 'STALLED', rounds: SETTLEMENT_ROUNDS });
    expect(stack.runtime.clock.now() - began).toBeGreaterThanOrEqual((SETTLEMENT_ROUNDS - 1) * 5 * MINUTE);
    expect(String(unsettled!.error)).toContain('Error');
    expect(failedEvents(o.orderId!)).toEqual([]);
  });
});

function functionNamed(fragment: string): string {
  const fn = stack.runtime.functions.find((f) => f.path?.includes(fragment));
  if (!fn) throw new Error(`no function ${fragment}`);
  return fn.name;
}
const paymentFunctionName = () => functionNamed('Payment/Function');
const paymentFunction = () => paymentFunctionName();
const inventoryFunction = () => functionNamed('Inventory/Function');
const orderStatusFunction = () => functionNamed('OrderStatus/Function');
