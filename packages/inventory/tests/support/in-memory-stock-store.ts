import type { Shortage } from '../../src/domain/errors.js';
import { ReservationStatus, type ReservationRecord, type StockItem } from '../../src/domain/reservation.js';
import type { CommitOutcome, StockStore } from '../../src/ports.js';

/**
 * StockStore in memory with the same all-or-nothing semantics as the DynamoDB adapter: each
 * method checks every condition before changing anything, and never awaits in between.
 */
export class InMemoryStockStore implements StockStore {
  readonly stock = new Map<string, { available: number; unitPrice: number }>();
  readonly reservations = new Map<string, ReservationRecord>();

  constructor(items: readonly StockItem[] = []) {
    for (const item of items) this.stock.set(item.sku, { available: item.available, unitPrice: item.unitPrice });
  }

  getReservation(orderId: string): Promise<ReservationRecord | undefined> {
    return Promise.resolve(this.reservations.get(orderId));
  }

  getPrices(skus: readonly string[]): Promise<Map<string, number>> {
    const prices = new Map<string, number>();
    for (const sku of skus) {
      const item = this.stock.get(sku);
      if (item) prices.set(sku, item.unitPrice);
    }
    return Promise.resolve(prices);
  }

  commitReservation(record: ReservationRecord): Promise<CommitOutcome> {
    if (this.reservations.has(record.orderId)) return Promise.resolve({ kind: 'exists' });
    const shortages: Shortage[] = [];
    let priceChanged = false;
    for (const line of record.lines) {
      const item = this.stock.get(line.sku);
      if (!item) priceChanged = true;
      else if (item.available < line.quantity) shortages.push({ sku: line.sku, requested: line.quantity, available: item.available });
      else if (item.unitPrice !== line.unitPrice) priceChanged = true;
    }
    if (shortages.length > 0) return Promise.resolve({ kind: 'out-of-stock', shortages });
    if (priceChanged) return Promise.resolve({ kind: 'price-changed' });
    for (const line of record.lines) this.stock.get(line.sku)!.available -= line.quantity;
    this.reservations.set(record.orderId, record);
    return Promise.resolve({ kind: 'reserved' });
  }

  releaseReservation(record: ReservationRecord, releasedAt: string): Promise<boolean> {
    const current = this.reservations.get(record.orderId);
    if (current?.status !== ReservationStatus.RESERVED) return Promise.resolve(false);
    this.reservations.set(record.orderId, { ...current, status: ReservationStatus.RELEASED, releasedAt });
    for (const line of current.lines) {
      const item = this.stock.get(line.sku);
      if (item) item.available += line.quantity;
    }
    return Promise.resolve(true);
  }

  putTombstone(record: ReservationRecord): Promise<boolean> {
    if (this.reservations.has(record.orderId)) return Promise.resolve(false);
    this.reservations.set(record.orderId, record);
    return Promise.resolve(true);
  }

  getStock(sku: string): Promise<StockItem | undefined> {
    const item = this.stock.get(sku);
    return Promise.resolve(item ? { sku, ...item } : undefined);
  }

  putStock(item: StockItem): Promise<void> {
    this.stock.set(item.sku, { available: item.available, unitPrice: item.unitPrice });
    return Promise.resolve();
  }
}
