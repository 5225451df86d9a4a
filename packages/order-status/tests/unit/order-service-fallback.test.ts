import { describe, expect, it } from 'vitest';
import { OrderService } from '../../src/order-service.js';
import type { OrderRecord } from '@order-flow/contracts';
import type { OrderStore } from '../../src/ports.js';

/** The smallest store the create path needs: a map with put-if-absent. */
function memoryStore(): OrderStore & { items: Map<string, OrderRecord> } {
  const items = new Map<string, OrderRecord>();
  return {
    items,
    putIfAbsent: (record: OrderRecord) => {
      const existing = items.get(record.orderId);
      if (existing) return Promise.resolve({ created: false as const, existing });
      items.set(record.orderId, record);
      return Promise.resolve({ created: true as const });
    },
  } as unknown as OrderStore & { items: Map<string, OrderRecord> };
}

const order = { customerId: 'cus_1', items: [{ sku: 'A', quantity: 1 }], payment: { token: 'tok_visa' }, currency: 'USD' };

describe('create without an orderId', () => {
  it('uses the execution name, so a retried create records the order once', async () => {
    const store = memoryStore();
    const service = new OrderService(store);
    const first = await service.create(order, 'CreateOrder', 'exec-7f3c');
    const retried = await service.create(order, 'CreateOrder', 'exec-7f3c');
    expect(first.orderId).toBe('exec-7f3c');
    expect(retried.orderId).toBe('exec-7f3c');
    expect(store.items.size).toBe(1);
  });

  it('generates an id when there is no usable execution name', async () => {
    const store = memoryStore();
    const created = await new OrderService(store).create(order, 'CreateOrder', 'has spaces/and slashes');
    expect(created.orderId).toMatch(/^ord_[0-9A-Z]{26}$/);
  });
});
