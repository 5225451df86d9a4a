import type { ReservationRecord, StockItem } from './domain/reservation.js';
import type { Shortage } from './domain/errors.js';

/** What happened to an attempt to take stock and store a reservation in one transaction. */
export type CommitOutcome =
  /** Stock taken and reservation stored, atomically. */
  | { readonly kind: 'reserved' }
  /** A record for this order already existed (a concurrent reserve won, or a release tombstone); nothing was taken. */
  | { readonly kind: 'exists' }
  /** At least one line was short; nothing was taken. */
  | { readonly kind: 'out-of-stock'; readonly shortages: readonly Shortage[] }
  /** A SKU's price (or the SKU itself) changed since it was read; nothing was taken. */
  | { readonly kind: 'price-changed' };

/**
 * Persistence the inventory needs. Every write is conditional: implementations must never read
 * stock, compute and write it back (that oversells under concurrency).
 * Transient conflicts are thrown as `InventoryContentionError`.
 */
export interface StockStore {
  /** The stored reservation (or tombstone) of `orderId`, read consistently. */
  getReservation(orderId: string): Promise<ReservationRecord | undefined>;
  /** Current unit prices of `skus`; SKUs that do not exist are absent from the map. */
  getPrices(skus: readonly string[]): Promise<Map<string, number>>;
  /**
   * In ONE transaction: for each line take `quantity` if the SKU exists, has at least that many
   * and still has `unitPrice`; and store `record` if no record for the order exists.
   */
  commitReservation(record: ReservationRecord): Promise<CommitOutcome>;
  /**
   * In ONE transaction: mark `record` RELEASED if it is still RESERVED, and put each line's
   * quantity back. Resolves false (changing nothing) when it was no longer RESERVED.
   */
  releaseReservation(record: ReservationRecord, releasedAt: string): Promise<boolean>;
  /** Stores `record` only if no record exists for the order; resolves false otherwise. */
  putTombstone(record: ReservationRecord): Promise<boolean>;
  /** Stock of one SKU, or undefined if it was never stocked. */
  getStock(sku: string): Promise<StockItem | undefined>;
  /** Creates or replaces the stock of one SKU (admin seeding). */
  putStock(item: StockItem): Promise<void>;
}

/** Source of the current time; injected so tests can pin it (one definition, in lambda-kit). */
export type { Clock } from '@order-flow/lambda-kit';
