import { ErrorName } from '@order-flow/contracts';

/** One line of an order that asked for more than the SKU has available. */
export interface Shortage {
  readonly sku: string;
  readonly requested: number;
  readonly available: number;
}

/** One line of an order whose SKU does not exist, with its position in `items`. */
export interface UnknownSkuLine {
  readonly index: number;
  readonly sku: string;
}

/**
 * At least one line asked for more than is available; nothing was reserved.
 * The message lists every short SKU, so the order's failure reason needs no second lookup.
 */
export class OutOfStockError extends Error {
  override readonly name = ErrorName.OutOfStock;
  /** Every SKU that was short, in order-line order. */
  readonly skus: string[];
  readonly shortages: readonly Shortage[];

  constructor(shortages: readonly Shortage[]) {
    super(
      `out of stock: ${shortages.map((s) => `${s.sku} (requested ${s.requested}, available ${s.available})`).join(', ')}`,
    );
    this.shortages = shortages;
    this.skus = shortages.map((s) => s.sku);
  }
}

/** The order names SKUs the inventory has never stocked; nothing was reserved. */
export class UnknownSkuError extends Error {
  override readonly name = ErrorName.UnknownSku;
  /** The unknown SKUs, in order-line order. */
  readonly skus: string[];

  constructor(lines: readonly UnknownSkuLine[]) {
    // Field paths match the ones InvalidInput uses, so a client can point at the offending line.
    super(lines.map((line) => `items.${line.index}.sku: unknown SKU "${line.sku}"`).join('; '));
    this.skus = lines.map((line) => line.sku);
  }
}

/**
 * Transient: concurrent transactions touched the same items, or a retry budget ran out while
 * prices kept changing. Safe to retry; the reserve task retries it with backoff.
 */
export class InventoryContentionError extends Error {
  override readonly name = ErrorName.InventoryContention;
}
