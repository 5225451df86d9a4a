import { ErrorName, IdSchema, StockLevelSchema, toIssues, ValidationError, type OrderItem, type PricedLine, type ValidationIssue } from '@order-flow/contracts';
import { type Reservation } from '../contract.js';
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
 * Checks an admin stock write with the same rules the stock API applies to its body: the SKU is
 * an id (`IdSchema`), `available` and `unitPrice` follow `StockLevelSchema` (non-negative whole
 * numbers, `available` at most `MAX_AVAILABLE`). One set of rules, so a caller of the domain
 * cannot store what the API would refuse.
 * @throws ValidationError (`InvalidInput`) naming every offending field.
 */
export function validateStockItem(sku: string, input: { available: unknown; unitPrice: unknown }): StockItem {
  const skuResult = IdSchema.safeParse(sku);
  const levelResult = StockLevelSchema.safeParse({ available: input.available, unitPrice: input.unitPrice });
  const issues: ValidationIssue[] = [
    ...(skuResult.success ? [] : toIssues(skuResult.error).map((issue) => ({ ...issue, path: 'sku' }))),
    ...(levelResult.success ? [] : toIssues(levelResult.error)),
  ];
  if (issues.length > 0 || !levelResult.success) throw new ValidationError(ErrorName.InvalidInput, issues);
  return { sku, ...levelResult.data };
}
