import type { StockItem } from '../../src/domain/reservation.js';

/**
 * The stock the reservation tests start from, and an order of two lines on it with the
 * reservation it makes: the same case for the in-memory double and the DynamoDB adapter, so both
 * are held to one expected result.
 */
export const TWO_SKUS: readonly StockItem[] = [
  { sku: 'SKU-A', available: 5, unitPrice: 1250 },
  { sku: 'SKU-B', available: 1, unitPrice: 300 },
];

/** Two units of SKU-A and the one unit of SKU-B in {@link TWO_SKUS}. */
export const TWO_LINE_ORDER = [
  { sku: 'SKU-A', quantity: 2 },
  { sku: 'SKU-B', quantity: 1 },
];

/** What reserving {@link TWO_LINE_ORDER} as `ord_1` returns: priced from stock, totalled. */
export const TWO_LINE_RESERVATION = {
  orderId: 'ord_1',
  lines: [
    { sku: 'SKU-A', quantity: 2, unitPrice: 1250, lineTotal: 2500 },
    { sku: 'SKU-B', quantity: 1, unitPrice: 300, lineTotal: 300 },
  ],
  total: 2800,
};
