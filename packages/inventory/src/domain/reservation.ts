import {
  ErrorName,
  ID_PATTERN,
  ValidationError,
  type OrderItem,
  type PricedLine,
  type Reservation,
  type ValidationIssue,
} from '@order-flow/contracts';
import { UnknownSkuError, type UnknownSkuLine } from './errors.js';

/** Lifecycle of a stored reservation. RELEASED is final: a released order never takes stock again. */
export const ReservationStatus = { RESERVED: 'RESERVED', RELEASED: 'RELEASED' } as const;
/** @see ReservationStatus */
export type ReservationStatus = (typeof ReservationStatus)[keyof typeof ReservationStatus];

/** A reservation as stored: what `reserve` returned plus its lifecycle. */
export interface ReservationRecord {
  readonly orderId: string;
  readonly lines: readonly PricedLine[];
  /** Sum of `lineTotal`, integer minor units. */
  readonly total: number;
  readonly status: ReservationStatus;
  /** ISO-8601 time the record was written (for a tombstone: when the release found nothing). */
  readonly reservedAt: string;
  /** ISO-8601 time stock was put back, or the tombstone was written. */
  readonly releasedAt?: string;
}

/** Stock of one SKU. Amounts are integers; `unitPrice` is in minor units. */
export interface StockItem {
  readonly sku: string;
  readonly available: number;
  readonly unitPrice: number;
}

/**
 * Prices every line from `prices` (SKU -> unit price) and totals the order.
 * @throws UnknownSkuError naming the field path of every SKU missing from `prices`.
 */
export function priceOrder(
  items: readonly OrderItem[],
  prices: ReadonlyMap<string, number>,
): { lines: PricedLine[]; total: number } {
  const unknown: UnknownSkuLine[] = [];
  const lines: PricedLine[] = [];
  items.forEach((item, index) => {
    const unitPrice = prices.get(item.sku);
    if (unitPrice === undefined) {
      unknown.push({ index, sku: item.sku });
      return;
    }
    lines.push({ sku: item.sku, quantity: item.quantity, unitPrice, lineTotal: unitPrice * item.quantity });
  });
  if (unknown.length > 0) throw new UnknownSkuError(unknown);
  return { lines, total: lines.reduce((sum, line) => sum + line.lineTotal, 0) };
}

/** A fresh RESERVED record for `orderId`. */
export function newReservation(
  orderId: string,
  priced: { lines: PricedLine[]; total: number },
  at: Date,
): ReservationRecord {
  return { orderId, lines: priced.lines, total: priced.total, status: ReservationStatus.RESERVED, reservedAt: at.toISOString() };
}

/**
 * The record a release leaves when nothing was reserved: RELEASED with no lines, so a reserve
 * that arrives late (a retry, a duplicate delivery) finds it and takes no stock.
 */
export function tombstone(orderId: string, at: Date): ReservationRecord {
  const iso = at.toISOString();
  return { orderId, lines: [], total: 0, status: ReservationStatus.RELEASED, reservedAt: iso, releasedAt: iso };
}

/** The public result of a stored reservation (status and timestamps stay internal). */
export function toReservation(record: ReservationRecord): Reservation {
  return { orderId: record.orderId, lines: record.lines.map((line) => ({ ...line })), total: record.total };
}

/**
 * Checks an admin stock write: SKU shape and non-negative integer amounts.
 * @throws ValidationError (`InvalidInput`) naming every offending field.
 */
export function validateStockItem(sku: string, input: { available: unknown; unitPrice: unknown }): StockItem {
  const issues: ValidationIssue[] = [];
  if (typeof sku !== 'string' || !ID_PATTERN.test(sku)) {
    issues.push({ path: 'sku', message: 'must be 1-64 characters, each a letter, digit, "_" or "-"' });
  }
  for (const field of ['available', 'unitPrice'] as const) {
    const value = input[field];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      issues.push({ path: field, message: 'must be a non-negative whole number' });
    }
  }
  if (issues.length > 0) throw new ValidationError(ErrorName.InvalidInput, issues);
  return { sku, available: input.available as number, unitPrice: input.unitPrice as number };
}
