import type { OrderItem } from '@order-flow/contracts';
import type { ReleaseResult, Reservation } from '../contract.js';
import { systemClock, type Clock } from '@order-flow/lambda-kit';
import type { StockStore } from '../ports.js';
import { InventoryContentionError, OutOfStockError } from './errors.js';
import {
  newReservation,
  priceOrder,
  ReservationStatus,
  tombstone,
  toReservation,
  validateStockItem,
  type StockItem,
} from './reservation.js';

/**
 * Attempts per reserve when prices change between read and write. A price change is an admin
 * action, so two changes inside one reserve are already unusual; past that, let the task retry.
 */
const MAX_RESERVE_ATTEMPTS = 3;
/** Attempts per release when a reserve races the tombstone write. */
const MAX_RELEASE_ATTEMPTS = 3;

/**
 * The inventory rules: reserve all lines of an order or none, release exactly once.
 * Every operation is idempotent per orderId, because Step Functions and Lambda may run it twice.
 */
export class Inventory {
  constructor(
    private readonly store: StockStore,
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * Reserves every line of the order at current prices, or nothing.
   * A repeat for the same orderId returns the first result unchanged and takes nothing, even if
   * the order was released since (a release tombstone yields an empty reservation).
   * @throws UnknownSkuError, OutOfStockError, InventoryContentionError (transient)
   */
  async reserve(orderId: string, items: readonly OrderItem[]): Promise<Reservation> {
    const existing = await this.store.getReservation(orderId);
    if (existing) return toReservation(existing);

    const skus = items.map((item) => item.sku);
    for (let attempt = 1; attempt <= MAX_RESERVE_ATTEMPTS; attempt++) {
      const priced = priceOrder(items, await this.store.getPrices(skus));
      const record = newReservation(orderId, priced, this.clock.now());
      const outcome = await this.store.commitReservation(record);
      switch (outcome.kind) {
        case 'reserved':
          return toReservation(record);
        case 'exists': {
          const winner = await this.store.getReservation(orderId);
          if (winner) return toReservation(winner);
          // The record vanished between the failed write and the read: only a manual delete does that.
          throw new InventoryContentionError(`reservation of ${orderId} changed while reserving; retry`);
        }
        case 'out-of-stock':
          throw new OutOfStockError(outcome.shortages);
        case 'price-changed':
          continue;
      }
    }
    throw new InventoryContentionError(
      `prices of ${skus.join(', ')} changed ${MAX_RESERVE_ATTEMPTS} times while reserving ${orderId}; retry`,
    );
  }

  /**
   * Puts a reservation's stock back, exactly once. `released` is true only for the call that did it.
   * With nothing reserved it leaves a RELEASED tombstone so a late reserve cannot take stock.
   */
  async release(orderId: string): Promise<ReleaseResult> {
    for (let attempt = 1; attempt <= MAX_RELEASE_ATTEMPTS; attempt++) {
      const existing = await this.store.getReservation(orderId);
      if (existing) {
        if (existing.status !== ReservationStatus.RESERVED) return { orderId, released: false };
        const released = await this.store.releaseReservation(existing, this.clock.now().toISOString());
        return { orderId, released };
      }
      // A reserve that lands between the read and this write makes it fail: loop to release it.
      if (await this.store.putTombstone(tombstone(orderId, this.clock.now()))) return { orderId, released: false };
    }
    throw new InventoryContentionError(`reservation of ${orderId} kept changing while releasing; retry`);
  }

  /** Stock of one SKU, or undefined if it was never stocked. */
  async getStock(sku: string): Promise<StockItem | undefined> {
    return this.store.getStock(sku);
  }

  /**
   * Creates or replaces the stock of one SKU (admin seeding). Replaces `available` outright, so
   * do not use it to adjust stock while orders are being reserved.
   * @throws ValidationError (`InvalidInput`) unless the SKU is an id and `available` / `unitPrice`
   * follow contracts' `StockLevelSchema` (non-negative whole numbers, `available` at most `MAX_AVAILABLE`).
   */
  async putStock(sku: string, input: { available: number; unitPrice: number }): Promise<StockItem> {
    const item = validateStockItem(sku, input);
    await this.store.putStock(item);
    return item;
  }
}
