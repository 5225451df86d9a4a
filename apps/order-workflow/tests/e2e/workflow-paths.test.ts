/**
 * Every path of the synthesized state machine, run end to end on the local runtime (DynamoDB
 * Local + the real Lambda bundles + the @order-flow/step-functions engine). Each test checks the tables
 * afterwards — order record and history, stock, reservation, payment — not only the output.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbOrderStore, OrderService } from '@order-flow/order-status/runtime';
import { LocalOrderStack } from '../../src/local/stack.js';
import { testOrders } from './support/test-orders.js';

let workflow: LocalOrderStack;

beforeAll(async () => {
  workflow = await LocalOrderStack.start();
});
afterAll(async () => {
  await workflow?.stop();
});

/** A fresh SKU per test keeps the tests independent while they share one runtime. */
const { freshSku, order } = testOrders(() => workflow, { sku: 'T', order: 'e2e', customer: 'cus_e2e' });

describe('order workflow, end to end on the synthesized state machine', () => {
  it('confirms an order: stock taken once, payment captured for the priced total, history PENDING -> CONFIRMED', async () => {
    const sku = await freshSku(10, 1250);
    const o = order('tok_visa', [{ sku, quantity: 2 }]);

    const result = await workflow.submit(o);

    expect(result.status).toBe('SUCCEEDED');
    expect(result.statesVisited).toEqual(['CreateOrder', 'ReserveInventory', 'ProcessPayment', 'ConfirmOrder', 'PublishOrderConfirmed', 'OrderConfirmed']);
    const record = await workflow.order(o.orderId!);
    expect(record).toMatchObject({ status: 'CONFIRMED', total: 2500, lines: [{ sku, quantity: 2, unitPrice: 1250, lineTotal: 2500 }] });
    expect(record!.history.map((h) => [h.status, h.causedBy])).toEqual([
      ['PENDING', 'CreateOrder'],
      ['CONFIRMED', 'ConfirmOrder'],
    ]);
    expect(record!.history.every((h) => !Number.isNaN(Date.parse(h.at)))).toBe(true);
    expect(await workflow.stock(sku)).toBe(8);
    expect(await workflow.reservation(o.orderId!)).toMatchObject({ status: 'RESERVED', total: 2500 });
    const payment = await workflow.payment(o.orderId!);
    expect(payment).toMatchObject({ status: 'CAPTURED', amount: 2500, currency: 'USD', token: 'tok_visa' });
    expect(record!.paymentId).toBeTruthy();
  });

  it('prices a multi-line order from the inventory table and takes every line', async () => {
    const a = await freshSku(5, 300);
    const b = await freshSku(5, 1999);
    const c = await freshSku(5, 5);
    const o = order('tok_mastercard', [
      { sku: a, quantity: 1 },
      { sku: b, quantity: 2 },
      { sku: c, quantity: 5 },
    ]);

    const result = await workflow.submit(o);

    expect(result.status).toBe('SUCCEEDED');
    expect(await workflow.order(o.orderId!)).toMatchObject({ status: 'CONFIRMED', total: 300 + 2 * 1999 + 25 });
    expect([await workflow.stock(a), await workflow.stock(b), await workflow.stock(c)]).toEqual([4, 3, 0]);
    expect(await workflow.payment(o.orderId!)).toMatchObject({ status: 'CAPTURED', amount: 4323 });
  });

  it('fails OUT_OF_STOCK when one line is short: no line taken, no payment, Fail state OUT_OF_STOCK', async () => {
    const plenty = await freshSku(10);
    const scarce = await freshSku(1);
    const o = order('tok_visa', [
      { sku: plenty, quantity: 3 },
      { sku: scarce, quantity: 2 },
    ]);

    const result = await workflow.submit(o);

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('OUT_OF_STOCK');
    expect(result.statesVisited).toEqual(['CreateOrder', 'ReserveInventory', 'MarkOutOfStock', 'PublishOutOfStock', 'OUT_OF_STOCK']);
    const record = await workflow.order(o.orderId!);
    expect(record).toMatchObject({ status: 'FAILED', reason: 'OUT_OF_STOCK' });
    expect(record!.history.at(-1)).toMatchObject({ status: 'FAILED', reason: 'OUT_OF_STOCK', causedBy: 'ReserveInventory' });
    expect(record!.history.at(-1)!.detail).toContain(scarce);
    expect([await workflow.stock(plenty), await workflow.stock(scarce)]).toEqual([10, 1]);
    expect(await workflow.reservation(o.orderId!)).toBeUndefined();
    expect(await workflow.payment(o.orderId!)).toBeUndefined();
  });

  it.each([
    ['tok_chargeDeclined', 'card_declined'],
    ['tok_chargeDeclinedInsufficientFunds', 'insufficient_funds'],
  ])('fails PAYMENT_DECLINED for %s (%s): stock released, payment recorded as declined', async (token, declineCode) => {
    const sku = await freshSku(4);
    const o = order(token, [{ sku, quantity: 3 }]);

    const result = await workflow.submit(o);

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('PAYMENT_DECLINED');
    expect(result.statesVisited).toEqual([
      'CreateOrder', 'ReserveInventory', 'ProcessPayment', 'ReleaseAfterDecline', 'MarkPaymentDeclined', 'PublishPaymentDeclined', 'PAYMENT_DECLINED',
    ]);
    expect(await workflow.order(o.orderId!)).toMatchObject({ status: 'FAILED', reason: 'PAYMENT_DECLINED' });
    expect(await workflow.stock(sku)).toBe(4);
    expect(await workflow.reservation(o.orderId!)).toMatchObject({ status: 'RELEASED' });
    expect(await workflow.payment(o.orderId!)).toMatchObject({ status: 'DECLINED', declineCode });
  });

  it('retries a flaky gateway (two transient failures) and confirms with exactly one capture', async () => {
    const sku = await freshSku(3);
    const o = order('tok_gatewayFlaky', [{ sku, quantity: 1 }]);

    const result = await workflow.submit(o);

    expect(result.status).toBe('SUCCEEDED');
    expect(result.statesVisited).toEqual(['CreateOrder', 'ReserveInventory', 'ProcessPayment', 'ConfirmOrder', 'PublishOrderConfirmed', 'OrderConfirmed']);
    expect(await workflow.order(o.orderId!)).toMatchObject({ status: 'CONFIRMED' });
    expect(await workflow.payment(o.orderId!)).toMatchObject({ status: 'CAPTURED' });
    expect(await workflow.stock(sku)).toBe(2);
    expect(result.retries).toBe(2);
  });

  it('fails PAYMENT_ERROR when the gateway stays down after retries: nothing captured, stock released', async () => {
    const sku = await freshSku(6);
    const o = order('tok_gatewayDown', [{ sku, quantity: 2 }]);

    const result = await workflow.submit(o);

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('PAYMENT_ERROR');
    expect(result.statesVisited).toEqual([
      'CreateOrder', 'ReserveInventory', 'ProcessPayment', 'CheckOrderAfterPaymentError', 'ConfirmedBeforePaymentErrorCompensation', 'RefundAfterPaymentError', 'ReleaseAfterPaymentError', 'MarkPaymentError', 'PublishPaymentError', 'PAYMENT_ERROR',
    ]);
    expect(await workflow.order(o.orderId!)).toMatchObject({ status: 'FAILED', reason: 'PAYMENT_ERROR' });
    expect(await workflow.stock(sku)).toBe(6);
    expect(await workflow.reservation(o.orderId!)).toMatchObject({ status: 'RELEASED' });
    expect((await workflow.payment(o.orderId!))?.status).not.toBe('CAPTURED');
  });

  it('fails UNKNOWN_SKU naming the field: no stock touched, no payment', async () => {
    const sku = await freshSku(2);
    const o = order('tok_visa', [
      { sku, quantity: 1 },
      { sku: 'SKU-DOES-NOT-EXIST', quantity: 1 },
    ]);

    const result = await workflow.submit(o);

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('UNKNOWN_SKU');
    const record = await workflow.order(o.orderId!);
    expect(record).toMatchObject({ status: 'FAILED', reason: 'UNKNOWN_SKU' });
    expect(record!.history.at(-1)!.detail).toContain('items.1.sku');
    expect(await workflow.stock(sku)).toBe(2);
    expect(await workflow.payment(o.orderId!)).toBeUndefined();
  });

  it('gives an order submitted without an orderId an id derived from its execution and state, so a crash-and-retry of CreateOrder records it once (crash injected by the runtime)', async () => {
    const sku = await freshSku(2);
    const { orderId: _none, ...o } = order('tok_visa', [{ sku, quantity: 1 }]);
    workflow.runtime.setFaults({ seed: 1, functions: { 'OrderStatus/Function': { crashAfterSuccessRate: 1 } } });
    let result;
    try {
      // Every CreateOrder attempt crashes after writing: the retries must find the same order.
      result = await workflow.submit(o, { name: `exec-${sku}-no-id` });
    } finally {
      workflow.runtime.setFaults({});
    }

    expect(result.error).toBe('Runtime.ExitError');
    const records = (await workflow.scan('orders')).filter((r) => r.customerId === 'cus_e2e' && JSON.stringify(r.items).includes(sku));
    // One record, with a generated id (not the execution name: two orders of one execution must stay two).
    expect(records).toHaveLength(1);
    expect(records[0]!.orderId).toMatch(/^ord_[0-9A-Z]{26}$/);
  });

  it('runs the same order twice without a second effect (idempotent steps)', async () => {
    const sku = await freshSku(5, 700);
    const o = order('tok_visa', [{ sku, quantity: 2 }]);

    const first = await workflow.submit(o);
    const second = await workflow.submit(o);

    expect([first.status, second.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(await workflow.stock(sku)).toBe(3);
    const record = await workflow.order(o.orderId!);
    expect(record!.history.map((h) => h.status)).toEqual(['PENDING', 'CONFIRMED']);
    const ledger = (await workflow.scan('payment')).filter((item) => String(item.pk).includes(o.orderId!));
    expect(ledger.filter((item) => String(item.pk).startsWith('PAYMENT#'))).toHaveLength(1);
    expect(await workflow.payment(o.orderId!)).toMatchObject({ status: 'CAPTURED', amount: 1400 });
  });

  it('compensates when ConfirmOrder fails after retries (failure injected at the task: the real table cannot be made to fail): refund, release, INTERNAL_ERROR', async () => {
    const sku = await freshSku(5, 900);
    const o = order('tok_visa', [{ sku, quantity: 1 }]);

    const result = await workflow.submit(o, {
      taskOverrides: {
        ConfirmOrder: () => {
          throw Object.assign(new Error('injected: orders table unavailable'), { name: 'ServiceUnavailable' });
        },
      },
    });

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('INTERNAL_ERROR');
    expect(result.statesVisited).toEqual([
      'CreateOrder', 'ReserveInventory', 'ProcessPayment', 'ConfirmOrder',
      'CheckConfirmed', 'ConfirmedAfterAll', 'RefundAfterConfirmError', 'ReleaseAfterConfirmError', 'MarkConfirmError', 'PublishConfirmError', 'INTERNAL_ERROR',
    ]);
    expect(await workflow.order(o.orderId!)).toMatchObject({ status: 'FAILED', reason: 'INTERNAL_ERROR' });
    expect(await workflow.payment(o.orderId!)).toMatchObject({ status: 'REFUNDED' });
    expect(await workflow.reservation(o.orderId!)).toMatchObject({ status: 'RELEASED' });
    expect(await workflow.stock(sku)).toBe(5);
  });
});

describe('a confirm that landed although its task failed', () => {
  it('keeps the order CONFIRMED with its money and stock: read back before compensating, nothing is refunded (the write then a failure injected at the task: the real function cannot be made to crash after its write alone)', async () => {
    const sku = await freshSku(5, 450);
    const o = order('tok_visa', [{ sku, quantity: 2 }]);
    const orders = new OrderService(new DynamoDbOrderStore(workflow.db, workflow.tables.orders));

    const result = await workflow.submit(o, {
      taskOverrides: {
        // The real confirm, through the order-status service on the real table; then the task fails.
        ConfirmOrder: async () => {
          const reservation = await workflow.reservation(o.orderId!);
          const payment = await workflow.payment(o.orderId!);
          await orders.confirm(o.orderId!, { lines: reservation!.lines as never, total: Number(reservation!.total), paymentId: String(payment!.paymentId) }, 'ConfirmOrder');
          throw Object.assign(new Error('injected: the function died after its write'), { name: 'Lambda.Unknown' });
        },
      },
    });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.statesVisited).toEqual([
      'CreateOrder', 'ReserveInventory', 'ProcessPayment', 'ConfirmOrder',
      'CheckConfirmed', 'ConfirmedAfterAll', 'ConfirmOrderAfterAll', 'PublishOrderConfirmed', 'OrderConfirmed',
    ]);
    expect(await workflow.order(o.orderId!)).toMatchObject({ status: 'CONFIRMED', total: 900 });
    expect(await workflow.payment(o.orderId!)).toMatchObject({ status: 'CAPTURED', amount: 900 });
    expect(await workflow.reservation(o.orderId!)).toMatchObject({ status: 'RESERVED' });
    expect(await workflow.stock(sku)).toBe(3);
    expect(workflow.events().filter((event) => (event.detail as { orderId: string }).orderId === o.orderId).map((event) => event['detail-type'])).toEqual(['OrderConfirmed']);
  });
});

describe('an execution run again for an order another execution confirmed', () => {
  // Express runs an execution again on its own ("Standard vs. Express Workflows": Express is
  // at-least-once), and anyone may start a second execution of an orderId under another name.
  // When that run's step fails (failure injected at the task: the real functions answer a
  // confirmed order idempotently), its error path must not give back the confirmed order's stock
  // or money.
  const throttled = () => {
    throw Object.assign(new Error('injected: Rate Exceeded'), { name: 'Lambda.TooManyRequestsException' });
  };

  it.each([
    ['ReserveInventory', 'ReserveError'],
    ['ProcessPayment', 'PaymentError'],
  ])('a %s failure reads the order first: CONFIRMED, so nothing is released or refunded', async (failing, after) => {
    const sku = await freshSku(5, 700);
    const o = order('tok_visa', [{ sku, quantity: 2 }]);
    expect((await workflow.submit(o)).status).toBe('SUCCEEDED');
    const before = { order: await workflow.order(o.orderId!), payment: await workflow.payment(o.orderId!), reservation: await workflow.reservation(o.orderId!) };

    const again = await workflow.submit(o, { taskOverrides: { [failing]: throttled } });

    expect(again.status).toBe('SUCCEEDED');
    expect(again.statesVisited.slice(-3)).toEqual([`CheckOrderAfter${after}`, `ConfirmedBefore${after}Compensation`, 'ConfirmedByAnotherExecution']);
    expect(await workflow.order(o.orderId!)).toEqual(before.order);
    expect(await workflow.payment(o.orderId!)).toEqual(before.payment);
    expect(await workflow.reservation(o.orderId!)).toEqual(before.reservation);
    expect(await workflow.stock(sku)).toBe(3);
  });

  it('negative control: the same failure for a PENDING order compensates (the check is what holds the confirmed order)', async () => {
    const sku = await freshSku(5, 700);
    const o = order('tok_visa', [{ sku, quantity: 2 }]);

    const result = await workflow.submit(o, { taskOverrides: { ProcessPayment: throttled } });

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('PAYMENT_ERROR');
    expect(result.statesVisited).toContain('RefundAfterPaymentError');
    expect(await workflow.reservation(o.orderId!)).toMatchObject({ status: 'RELEASED' });
    expect(await workflow.stock(sku)).toBe(5);
  });
});

describe('bad input is rejected by the first state, naming the field, and writes nothing', () => {
  const base = () => order('tok_visa', [{ sku: 'SKU-RED-MUG', quantity: 1 }]);
  it.each([
    ['a missing customerId', () => { const { customerId: _c, ...o } = base(); return o; }, 'customerId'],
    ['a zero quantity', () => ({ ...base(), items: [{ sku: 'SKU-RED-MUG', quantity: 0 }] }), 'items.0.quantity'],
    ['a negative quantity', () => ({ ...base(), items: [{ sku: 'SKU-RED-MUG', quantity: -1 }] }), 'items.0.quantity'],
    ['a fractional quantity', () => ({ ...base(), items: [{ sku: 'SKU-RED-MUG', quantity: 1.5 }] }), 'items.0.quantity'],
    ['a card number where the token belongs', () => ({ ...base(), payment: { token: '4242424242424242' } }), 'payment.token'],
  ])('%s', async (_label, make, field) => {
    const sku = await freshSku(3);
    const input = JSON.parse(JSON.stringify(make()).replaceAll('SKU-RED-MUG', sku)) as Record<string, unknown>;
    const before = { orders: await workflow.scan('orders'), payment: await workflow.scan('payment'), inventory: await workflow.scan('inventory') };

    const result = await workflow.submit(input);

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('InvalidOrder');
    expect(result.cause).toContain(field);
    expect(result.statesVisited).toEqual(['CreateOrder']);
    expect(await workflow.scan('orders')).toEqual(before.orders);
    expect(await workflow.scan('payment')).toEqual(before.payment);
    expect(await workflow.scan('inventory')).toEqual(before.inventory);
    expect(JSON.stringify(await workflow.scan('orders'))).not.toContain('4242424242424242');
  });
});
