import { ErrorName, FailureReason, OrderStatus, type OrderRecord } from '@order-flow/contracts';
import { describe, expect, it } from 'vitest';
import { OrderService } from '../../src/order-service.js';
import { fixtures } from '../support/fixtures.js';
import { InMemoryOrderStore, steppingClock } from '../support/in-memory-order-store.js';

const T0 = '2026-11-25T10:00:00.000Z';
const T1 = '2026-11-25T10:00:05.000Z';
const T2 = '2026-11-25T10:00:09.000Z';

function setup() {
  const store = new InMemoryOrderStore();
  const service = new OrderService(store, steppingClock(T0, T1, T2));
  return { store, service };
}

const confirmation = () => {
  const { lines, total, paymentId } = fixtures.confirm();
  return { lines, total, paymentId };
};

type Origin = 'none' | 'PENDING' | 'CONFIRMED' | 'FAILED(OUT_OF_STOCK)';
type Action = 'create' | 'confirm' | 'fail(OUT_OF_STOCK)' | 'fail(PAYMENT_DECLINED)';
type Outcome = 'applied' | 'no-op' | typeof ErrorName.IllegalTransition | typeof ErrorName.OrderNotFound;

const ORDER_ID = fixtures.orderRequest().orderId!;

async function seed(service: OrderService, origin: Origin): Promise<void> {
  if (origin === 'none') return;
  await service.create(fixtures.orderRequest(), 'CreateOrder');
  if (origin === 'CONFIRMED') await service.confirm(ORDER_ID, confirmation(), 'ConfirmOrder');
  if (origin === 'FAILED(OUT_OF_STOCK)') await service.fail(ORDER_ID, FailureReason.OUT_OF_STOCK, 'ReserveInventory');
}

function act(service: OrderService, action: Action): Promise<OrderRecord> {
  switch (action) {
    case 'create':
      return service.create(fixtures.orderRequest(), 'CreateOrder');
    case 'confirm':
      return service.confirm(ORDER_ID, confirmation(), 'ConfirmOrder');
    case 'fail(OUT_OF_STOCK)':
      return service.fail(ORDER_ID, FailureReason.OUT_OF_STOCK, 'ReserveInventory');
    case 'fail(PAYMENT_DECLINED)':
      return service.fail(ORDER_ID, FailureReason.PAYMENT_DECLINED, 'ProcessPayment');
  }
}

describe('OrderService transitions', () => {
  // Every origin x every action. Repeats of a change already made are no-ops; the rest is illegal.
  it.each<[Origin, Action, Outcome, string?]>([
    ['none', 'create', 'applied', OrderStatus.PENDING],
    ['none', 'confirm', ErrorName.OrderNotFound],
    ['none', 'fail(OUT_OF_STOCK)', ErrorName.OrderNotFound],
    ['none', 'fail(PAYMENT_DECLINED)', ErrorName.OrderNotFound],
    ['PENDING', 'create', 'no-op'],
    ['PENDING', 'confirm', 'applied', OrderStatus.CONFIRMED],
    ['PENDING', 'fail(OUT_OF_STOCK)', 'applied', OrderStatus.FAILED],
    ['PENDING', 'fail(PAYMENT_DECLINED)', 'applied', OrderStatus.FAILED],
    ['CONFIRMED', 'create', 'no-op'],
    ['CONFIRMED', 'confirm', 'no-op'],
    ['CONFIRMED', 'fail(OUT_OF_STOCK)', ErrorName.IllegalTransition],
    ['CONFIRMED', 'fail(PAYMENT_DECLINED)', ErrorName.IllegalTransition],
    ['FAILED(OUT_OF_STOCK)', 'create', 'no-op'],
    ['FAILED(OUT_OF_STOCK)', 'confirm', ErrorName.IllegalTransition],
    ['FAILED(OUT_OF_STOCK)', 'fail(OUT_OF_STOCK)', 'no-op'],
    ['FAILED(OUT_OF_STOCK)', 'fail(PAYMENT_DECLINED)', ErrorName.IllegalTransition],
  ])('%s + %s -> %s', async (origin, action, outcome, status) => {
    // Prepare
    const { store, service } = setup();
    await seed(service, origin);
    const before = await store.get(ORDER_ID);
    const writesBefore = store.writes;

    // Act
    const result = act(service, action);

    // Assess
    if (outcome === 'applied') {
      const record = await result;
      expect(record.status).toBe(status);
      expect(record.history).toHaveLength((before?.history.length ?? 0) + 1);
      expect(record.history.at(-1)!.status).toBe(status);
      expect(store.writes).toBe(writesBefore + 1);
      return;
    }
    if (outcome === 'no-op') {
      await expect(result).resolves.toEqual(before);
    } else {
      await expect(result).rejects.toMatchObject({ name: outcome });
    }
    expect(store.writes).toBe(writesBefore);
    expect(await store.get(ORDER_ID)).toEqual(before);
  });

  it('names both statuses in an illegal transition', async () => {
    const { service } = setup();
    await seed(service, 'FAILED(OUT_OF_STOCK)');

    await expect(act(service, 'confirm')).rejects.toThrow('FAILED -> CONFIRMED is not allowed');
  });
});

describe('OrderService history', () => {
  it('records at, causedBy and reason for every change, in order', async () => {
    const { service } = setup();
    await service.create(fixtures.orderRequest(), 'CreateOrder');

    const failed = await service.fail(ORDER_ID, FailureReason.PAYMENT_DECLINED, 'ProcessPayment', {
      Error: 'PaymentDeclined',
      Cause: 'card_declined',
    });

    expect(failed.history).toEqual([
      { status: OrderStatus.PENDING, at: T0, causedBy: 'CreateOrder' },
      {
        status: OrderStatus.FAILED,
        at: T1,
        causedBy: 'ProcessPayment',
        reason: FailureReason.PAYMENT_DECLINED,
        detail: 'PaymentDeclined: card_declined',
      },
    ]);
    expect(failed).toMatchObject({ status: OrderStatus.FAILED, reason: FailureReason.PAYMENT_DECLINED, createdAt: T0, updatedAt: T1 });
  });

  it('stores lines, total and paymentId on confirmation', async () => {
    const { service } = setup();
    await service.create(fixtures.orderRequest(), 'CreateOrder');

    const confirmed = await service.confirm(ORDER_ID, confirmation(), 'ConfirmOrder');

    expect(confirmed).toMatchObject({ status: OrderStatus.CONFIRMED, total: 4499, paymentId: 'pay_123', updatedAt: T1 });
    expect(confirmed.lines).toHaveLength(2);
    expect(confirmed.history.at(-1)).toEqual({ status: OrderStatus.CONFIRMED, at: T1, causedBy: 'ConfirmOrder' });
    expect(confirmed.reason).toBeUndefined();
  });

  it('does not append history when a repeat is a no-op', async () => {
    const { service } = setup();
    await service.create(fixtures.orderRequest(), 'CreateOrder');
    await service.confirm(ORDER_ID, confirmation(), 'ConfirmOrder');

    const repeat = await service.confirm(ORDER_ID, confirmation(), 'ConfirmOrder');

    expect(repeat.history.map((entry) => entry.status)).toEqual([OrderStatus.PENDING, OrderStatus.CONFIRMED]);
    expect(repeat.updatedAt).toBe(T1);
  });
});

describe('OrderService.create', () => {
  it('generates an ord_ id when the request has none', async () => {
    const { service } = setup();
    const { orderId: _omitted, ...request } = fixtures.orderRequest();

    const record = await service.create(request, 'CreateOrder');

    expect(record.orderId).toMatch(/^ord_[0-9A-Z]{26}$/);
    expect(record.paymentToken).toBe('tok_visa');
  });

  it('treats the same items in another order as the same order', async () => {
    const { service } = setup();
    const first = await service.create(fixtures.orderRequest(), 'CreateOrder');
    const reordered = fixtures.orderRequest();
    reordered.items.reverse();

    await expect(service.create(reordered, 'CreateOrder')).resolves.toEqual(first);
  });

  it.each([
    ['customerId', { customerId: 'cus_other' }],
    ['items', { items: [{ sku: 'SKU-RED-MUG', quantity: 3 }] }],
    ['currency', { currency: 'EUR' }],
    ['payment token', { payment: { token: 'tok_mastercard' } }],
  ])('rejects the same id with a different %s as OrderConflict', async (field, change) => {
    const { store, service } = setup();
    await service.create(fixtures.orderRequest(), 'CreateOrder');
    const writes = store.writes;

    const result = service.create({ ...fixtures.orderRequest(), ...change }, 'CreateOrder');

    await expect(result).rejects.toMatchObject({ name: ErrorName.OrderConflict });
    await expect(result).rejects.toThrow(field);
    expect(store.writes).toBe(writes);
  });

  it('rejects an invalid order as InvalidOrder naming every field, writing nothing', async () => {
    const { store, service } = setup();
    const request = { ...fixtures.orderRequest(), customerId: undefined, items: [{ sku: 'SKU-RED-MUG', quantity: 0 }] };

    const result = service.create(request, 'CreateOrder');

    await expect(result).rejects.toMatchObject({ name: ErrorName.InvalidOrder });
    await expect(result).rejects.toThrow(/customerId: .*items\.0\.quantity: must be at least 1/);
    expect(store.records.size).toBe(0);
  });
});

describe('OrderService.get', () => {
  it('returns the record, or undefined when there is none', async () => {
    const { service } = setup();
    await service.create(fixtures.orderRequest(), 'CreateOrder');

    expect((await service.get(ORDER_ID))?.status).toBe(OrderStatus.PENDING);
    expect(await service.get('ord_missing')).toBeUndefined();
  });
});
