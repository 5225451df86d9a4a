/**
 * Test data for the end-to-end tests that share one local stack: a fresh SKU per test keeps the
 * tests independent, and every orderId is new.
 */
import type { OrderRequest } from '@order-flow/contracts';
import type { LocalOrderStack } from '../../../src/local/stack.js';

/** How a test file names its data: `SKU-<sku><n>-...`, `ord_<order>_<n>_...`, customer `customer`. */
export interface TestOrderNames {
  readonly sku: string;
  readonly order: string;
  readonly customer: string;
}

/**
 * SKU and order makers for one test file.
 *
 * @param stack the file's stack (read when a SKU is seeded, so it may start in `beforeAll`)
 */
export function testOrders(stack: () => LocalOrderStack, names: TestOrderNames) {
  let seq = 0;
  return {
    /** A new SKU with `available` units in stock at `unitPrice`. */
    freshSku: async (available: number, unitPrice = 1000): Promise<string> => {
      const sku = `SKU-${names.sku}${++seq}-${Date.now().toString(36)}`;
      await stack().seedStock([{ sku, available, unitPrice }]);
      return sku;
    },
    /** A new order over `items`, paid with `token`. */
    order: (token: string, items: OrderRequest['items']): OrderRequest => {
      return { orderId: `ord_${names.order}_${++seq}_${Date.now().toString(36)}`, customerId: names.customer, items, payment: { token }, currency: 'USD' };
    },
  };
}
