/**
 * Orders submitted without an orderId: the id derives from where the create runs (execution,
 * state, Map item), so a retried create finds its order and two creates make two orders.
 *
 * AWS behaviour relied on (AWS Step Functions Developer Guide):
 * - "Context object": `$$.Execution.Id`, `$$.Execution.StartTime` and `$$.State.Name` are the
 *   same on every attempt of a state; `$$.Map.Item.Index` is the item's index in a Map
 *   (visible to the Map's ItemSelector, which passes it to the item's states).
 * - "Retrying after an error" (Retry): a retry runs the same state again in the same execution
 *   with the same input; only `$$.State.RetryCount` and `EnteredTime` change.
 */
import { ErrorName, OrderStatus } from '@order-flow/contracts';
import { describe, expect, it } from 'vitest';
import { derivedOrderId, type OrderIdSource } from '../../src/domain/order-id.js';
import { createHandler } from '../../src/handler.js';
import { OrderService } from '../../src/order-service.js';
import { InMemoryOrderStore } from '../support/in-memory-order-store.js';

const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:OrderBook:batch-42';
const STARTED = '2026-03-01T10:00:00.000Z';
const order = (customerId = 'cus_1') => ({ customerId, items: [{ sku: 'SKU-RED-MUG', quantity: 1 }], payment: { token: 'tok_visa' }, currency: 'USD' });
const inMap = (item: number): OrderIdSource => ({ execution: EXECUTION, startedAt: STARTED, state: 'CreateOrder', item });

describe('derivedOrderId', () => {
  it('has the shape of a generated id, with the execution start as its time part', () => {
    const id = derivedOrderId(inMap(0));
    expect(id).toMatch(/^ord_[0-9A-HJKMNP-TV-Z]{26}$/);
    // Ids of one execution sort with generated ids of the same moment (ULID time prefix).
    expect(id.slice(4, 14)).toBe(derivedOrderId({ execution: 'other', startedAt: STARTED, state: 'X' }).slice(4, 14));
  });

  it('is the same for the same source and different when execution, start, state or item differ', () => {
    const base = inMap(0);
    expect(derivedOrderId({ ...base })).toBe(derivedOrderId(base));
    const variants = [
      base,
      { ...base, item: 1 },
      { ...base, item: '0' },
      { ...base, item: undefined },
      { ...base, state: 'CreateGiftOrder' },
      { ...base, execution: `${EXECUTION}-2` },
      // Same name in another state machine: the execution ARN tells them apart.
      { ...base, execution: EXECUTION.replace('OrderBook', 'OtherBook') },
      // A name reused after the first execution closed: the start time tells them apart.
      { ...base, startedAt: '2026-06-01T10:00:00.000Z' },
    ];
    expect(new Set(variants.map(derivedOrderId)).size).toBe(variants.length);
  });

  it('gives 10,000 Map items 10,000 distinct ids', () => {
    const ids = new Set(Array.from({ length: 10_000 }, (_, i) => derivedOrderId(inMap(i))));
    expect(ids.size).toBe(10_000);
  });
});

describe('OrderService.create without an orderId', () => {
  it('two orders in one execution (two Map items) get two ids and two records', async () => {
    const store = new InMemoryOrderStore();
    const service = new OrderService(store);
    const first = await service.create(order('cus_1'), 'CreateOrder', inMap(0));
    const second = await service.create(order('cus_2'), 'CreateOrder', inMap(1));
    expect(first.orderId).not.toBe(second.orderId);
    expect([...store.records.keys()].sort()).toEqual([first.orderId, second.orderId].sort());
  });

  it('two identical orders in one execution are still two orders', async () => {
    const store = new InMemoryOrderStore();
    const service = new OrderService(store);
    await service.create(order(), 'CreateOrder', inMap(0));
    await service.create(order(), 'CreateOrder', inMap(1));
    expect(store.records.size).toBe(2);
  });

  it('two create states of one execution make two orders', async () => {
    const store = new InMemoryOrderStore();
    const service = new OrderService(store);
    const a = await service.create(order(), 'CreateOrder', { execution: EXECUTION, startedAt: STARTED, state: 'CreateOrder' });
    const b = await service.create(order(), 'CreateGiftOrder', { execution: EXECUTION, startedAt: STARTED, state: 'CreateGiftOrder' });
    expect(a.orderId).not.toBe(b.orderId);
    expect(store.records.size).toBe(2);
  });

  it('a retried create (the first attempt wrote, then its answer was lost) finds the same order: one record, one history entry', async () => {
    const store = new InMemoryOrderStore();
    const service = new OrderService(store);
    const first = await service.create(order(), 'CreateOrder', inMap(3));
    const retried = await service.create(order(), 'CreateOrder', inMap(3));
    expect(retried).toEqual(first);
    expect(store.records.size).toBe(1);
    const stored = store.records.get(first.orderId)!;
    expect(stored.status).toBe(OrderStatus.PENDING);
    expect(stored.history).toHaveLength(1);
  });

  it('an orderId given by the client wins over the source', async () => {
    const store = new InMemoryOrderStore();
    const created = await new OrderService(store).create({ ...order(), orderId: 'ord_client_1' }, 'CreateOrder', inMap(0));
    expect(created.orderId).toBe('ord_client_1');
  });

  it('without any source (a direct call) generates a fresh id each time', async () => {
    const store = new InMemoryOrderStore();
    const service = new OrderService(store);
    const a = await service.create(order(), 'CreateOrder');
    const b = await service.create(order(), 'CreateOrder');
    expect(a.orderId).toMatch(/^ord_[0-9A-Z]{26}$/);
    expect(a.orderId).not.toBe(b.orderId);
  });
});

describe('handler: create events with orderIdSource', () => {
  const event = (item: number, extra: Record<string, unknown> = {}) => ({
    action: 'create',
    order: order(),
    orderIdSource: { execution: EXECUTION, startedAt: STARTED, state: 'CreateBatchOrder', item, ...extra },
  });

  it('derives the id from the source and names the create state in the history', async () => {
    const store = new InMemoryOrderStore();
    const invoke = createHandler({ service: new OrderService(store) });
    const a = await invoke(event(0));
    const again = await invoke(event(0));
    const b = await invoke(event(1));
    expect(a.orderId).toBe(derivedOrderId({ execution: EXECUTION, startedAt: STARTED, state: 'CreateBatchOrder', item: 0 }));
    expect(again.orderId).toBe(a.orderId);
    expect(b.orderId).not.toBe(a.orderId);
    expect(store.records.size).toBe(2);
    expect(a.history[0]!.causedBy).toBe('CreateBatchOrder');
  });

  it.each([
    ['a missing execution', { execution: undefined }, 'orderIdSource.execution'],
    ['a negative item', { item: -1 }, 'orderIdSource.item'],
    ['an unknown field', { retryCount: 1 }, 'orderIdSource.retryCount: is not allowed here'],
  ])('rejects %s as InvalidInput, writing nothing', async (_name, extra, message) => {
    const store = new InMemoryOrderStore();
    const invoke = createHandler({ service: new OrderService(store) });
    await expect(invoke(event(0, extra))).rejects.toMatchObject({ name: ErrorName.InvalidInput, message: expect.stringContaining(message) });
    expect(store.records.size).toBe(0);
  });

  it('refuses orderIdSource on a confirm event (the contract is strict)', async () => {
    const invoke = createHandler({ service: new OrderService(new InMemoryOrderStore()) });
    await expect(invoke({ ...(await import('../support/fixtures.js')).fixtures.confirm(), orderIdSource: { execution: 'x', state: 'y' } })).rejects.toMatchObject({
      name: ErrorName.InvalidInput,
    });
  });

  it('still accepts the legacy { executionName } payload of a state machine deployed before this change', async () => {
    const store = new InMemoryOrderStore();
    const invoke = createHandler({ service: new OrderService(store) });
    const created = await invoke({ action: 'create', order: order(), executionName: 'exec-7f3c' });
    expect(created.orderId).toBe('exec-7f3c');
    expect(created.history[0]!.causedBy).toBe('CreateOrder');
  });
});
