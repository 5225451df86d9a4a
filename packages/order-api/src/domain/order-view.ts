import type { HistoryEntry, OrderItem, OrderRecord, OrderStatus, PricedLine, FailureReason } from '@order-flow/contracts';

/** An order as `GET /orders/{orderId}` returns it: the record without its payment details. */
export interface OrderView {
  readonly orderId: string;
  readonly customerId: string;
  readonly status: OrderStatus;
  readonly reason?: FailureReason;
  readonly items: readonly OrderItem[];
  readonly lines?: readonly PricedLine[];
  readonly total?: number;
  readonly currency: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly history: readonly HistoryEntry[];
}

/**
 * Picks the public fields of an order record. An allow-list rather than deleting the payment
 * token: a field added to the record later stays private until someone decides otherwise.
 */
export function toOrderView(record: OrderRecord): OrderView {
  return {
    orderId: record.orderId,
    customerId: record.customerId,
    status: record.status,
    ...(record.reason === undefined ? {} : { reason: record.reason }),
    items: record.items,
    ...(record.lines === undefined ? {} : { lines: record.lines }),
    ...(record.total === undefined ? {} : { total: record.total }),
    currency: record.currency,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    history: record.history,
  };
}
