import {
  OrderStatus,
  type FailureReason,
  type HistoryEntry,
  type Order,
  type OrderRecord,
  type PricedLine,
} from '@order-flow/contracts';

/** Longest Cause text kept in a history entry: enough to diagnose, small enough for the item size limit. */
export const MAX_CAUSE_LENGTH = 500;

/** The error a Step Functions `Catch` hands over (`ResultPath: '$.error'`). */
export interface CaughtError {
  readonly Error?: string;
  readonly Cause?: string;
}

/** What confirming an order records: the priced lines and total from inventory, the payment id. */
export interface Confirmation {
  readonly lines: readonly PricedLine[];
  readonly total: number;
  readonly paymentId: string;
}

/** The first record of an accepted order: PENDING with a single history entry. */
export function newOrderRecord(order: Order, at: string, causedBy: string): OrderRecord {
  return {
    orderId: order.orderId,
    customerId: order.customerId,
    items: order.items,
    currency: order.currency,
    paymentToken: order.payment.token,
    status: OrderStatus.PENDING,
    createdAt: at,
    updatedAt: at,
    history: [{ status: OrderStatus.PENDING, at, causedBy }],
  };
}

/**
 * Which parts of a stored order differ from a resubmitted one (empty = the same order).
 * Items are compared by SKU, not position: SKUs are distinct, so order of lines carries no meaning.
 */
export function orderDifferences(existing: OrderRecord, order: Order): string[] {
  const differences: string[] = [];
  if (existing.customerId !== order.customerId) differences.push('customerId');
  if (canonicalItems(existing.items) !== canonicalItems(order.items)) differences.push('items');
  if (existing.currency !== order.currency) differences.push('currency');
  if (existing.paymentToken !== order.payment.token) differences.push('payment token');
  return differences;
}

function canonicalItems(items: OrderRecord['items']): string {
  return JSON.stringify(
    [...items].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0)).map((item) => [item.sku, item.quantity]),
  );
}

/** The history entry of a confirmation. */
export function confirmedEntry(at: string, causedBy: string): HistoryEntry {
  return { status: OrderStatus.CONFIRMED, at, causedBy };
}

/** The history entry of a failure; `detail` keeps the caught error's name and a short cause. */
export function failedEntry(at: string, causedBy: string, reason: FailureReason, error?: CaughtError): HistoryEntry {
  const detail = describeCaughtError(error);
  return detail === undefined
    ? { status: OrderStatus.FAILED, at, causedBy, reason }
    : { status: OrderStatus.FAILED, at, causedBy, reason, detail };
}

/**
 * `"<Error>: <Cause>"` with the Cause cut to {@link MAX_CAUSE_LENGTH} characters. A Lambda error's
 * Cause is a JSON document with a stack trace; only its `errorMessage` is worth keeping.
 */
export function describeCaughtError(error: CaughtError | undefined): string | undefined {
  if (!error || (error.Error === undefined && error.Cause === undefined)) return undefined;
  const name = error.Error ?? 'Error';
  const cause = error.Cause === undefined ? undefined : truncate(lambdaErrorMessage(error.Cause) ?? error.Cause, MAX_CAUSE_LENGTH);
  return cause ? `${name}: ${cause}` : name;
}

function lambdaErrorMessage(cause: string): string | undefined {
  if (!cause.trimStart().startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(cause);
    if (parsed && typeof parsed === 'object' && 'errorMessage' in parsed && typeof parsed.errorMessage === 'string') {
      return parsed.errorMessage;
    }
  } catch {
    // Not JSON after all: keep the raw text.
  }
  return undefined;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
