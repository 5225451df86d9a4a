import type { OrderRequest } from '@order-flow/contracts';
import type { StockSeed } from '../src/local/stack.js';

/** The SKU the concurrent burst races for. */
export const SCARCE_SKU = 'SKU-LIMITED-PRINT';

export const DEMO_STOCK: readonly StockSeed[] = [
  { sku: 'SKU-RED-MUG', available: 100, unitPrice: 1250 },
  { sku: 'SKU-BLUE-TEE', available: 40, unitPrice: 2000 },
  { sku: 'SKU-GREEN-CAP', available: 10, unitPrice: 1500 },
  { sku: SCARCE_SKU, available: 5, unitPrice: 9900 },
];

const order = (orderId: string, token: string, items: OrderRequest['items']): OrderRequest => ({
  orderId,
  customerId: 'cus_demo',
  items,
  payment: { token },
  currency: 'USD',
});

/** One order per workflow path, then a burst of single-unit orders for the scarce SKU. */
export function demoOrders(): { sequential: [string, Partial<OrderRequest>][]; burst: OrderRequest[] } {
  const run = Date.now().toString(36);
  const id = (name: string) => `ord_${run}_${name}`;
  return {
    sequential: [
      ['confirmed', order(id('ok'), 'tok_visa', [{ sku: 'SKU-RED-MUG', quantity: 2 }])],
      ['multi-line', order(id('multi'), 'tok_mastercard', [
        { sku: 'SKU-RED-MUG', quantity: 1 },
        { sku: 'SKU-BLUE-TEE', quantity: 3 },
        { sku: 'SKU-GREEN-CAP', quantity: 1 },
      ])],
      ['out of stock', order(id('oos'), 'tok_visa', [{ sku: 'SKU-GREEN-CAP', quantity: 50 }])],
      ['declined', order(id('declined'), 'tok_chargeDeclined', [{ sku: 'SKU-BLUE-TEE', quantity: 1 }])],
      ['insufficient funds', order(id('funds'), 'tok_chargeDeclinedInsufficientFunds', [{ sku: 'SKU-BLUE-TEE', quantity: 1 }])],
      ['flaky gateway', order(id('flaky'), 'tok_gatewayFlaky', [{ sku: 'SKU-RED-MUG', quantity: 1 }])],
      ['gateway down', order(id('down'), 'tok_gatewayDown', [{ sku: 'SKU-GREEN-CAP', quantity: 2 }])],
      ['unknown SKU', order(id('unknown'), 'tok_visa', [{ sku: 'SKU-NOPE', quantity: 1 }])],
      ['invalid: quantity 0', order(id('invalid'), 'tok_visa', [{ sku: 'SKU-RED-MUG', quantity: 0 }])],
    ],
    burst: Array.from({ length: 12 }, (_, i) => order(id(`race${i + 1}`), 'tok_visa', [{ sku: SCARCE_SKU, quantity: 1 }])),
  };
}
