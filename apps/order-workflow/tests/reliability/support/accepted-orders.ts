/**
 * What the long-outage scenarios check beyond checkInvariants: checkInvariants reads the orders
 * that are IN the tables, so an order whose execution started but never recorded it would pass
 * unseen. This starts from the orderIds that were accepted (an execution was started for each).
 */
import type { OrderRecord } from '@order-flow/contracts';
import type { SettlementRecord } from '../../../src/local/stack.js';
import { OrderReconciler } from '../../../src/reconciler.js';

/** The accepted orders and what the tables and the reconciler say about them. */
export interface AcceptedOrdersState {
  /** Every orderId an execution was started for. */
  readonly orderIds: readonly string[];
  /** The orders table's items. */
  readonly orders: readonly OrderRecord[];
  /** The payment table's items (records and the simulated gateway's ledger). */
  readonly payment: readonly Record<string, unknown>[];
  /** The reconciler's settlement executions. */
  readonly settlements: readonly SettlementRecord[];
}

/** The outcome of {@link checkAcceptedOrders}. */
export interface AcceptedOrdersReport {
  /** Accepted orders with no record in the orders table. */
  readonly missing: readonly string[];
  /** Orders the reconciler moved to FAILED (settlements with `settled: true`). */
  readonly settledByReconciler: number;
  /** Every violation, prefixed with its rule (empty when all hold). */
  readonly violations: readonly string[];
}

const RECONCILER_REASONS: readonly string[] = OrderReconciler.REASONS;

/**
 * For the accepted orders:
 * 1. each has a record, CONFIRMED or FAILED;
 * 2. the gateway captured at most once per order (its `CAPTURE#` ledger), refunded or not;
 * 3. at most one settlement per order, and none FAILED (a failed one is an order left to an operator);
 * 4. an order the reconciler settled is FAILED with a reconciler reason, and an order FAILED with
 *    a reconciler reason was settled by exactly one settlement (so its count is the reconciler's work).
 */
export function checkAcceptedOrders(state: AcceptedOrdersState): AcceptedOrdersReport {
  const accepted = new Set(state.orderIds);
  const byId = new Map(state.orders.filter((order) => accepted.has(order.orderId)).map((order) => [order.orderId, order]));
  const violations: string[] = [];

  const missing = state.orderIds.filter((id) => !byId.has(id));
  for (const id of missing) violations.push(`every accepted order recorded: ${id} has no order record`);
  for (const order of byId.values()) {
    if (order.status !== 'CONFIRMED' && order.status !== 'FAILED') violations.push(`every accepted order settled: ${order.orderId} is ${order.status}`);
  }

  const captures = new Map<string, number>();
  for (const item of state.payment) {
    if (!String(item.pk).startsWith('CAPTURE#')) continue;
    const key = String(item.idempotencyKey);
    captures.set(key, (captures.get(key) ?? 0) + 1);
  }
  for (const [id, count] of captures) if (accepted.has(id) && count > 1) violations.push(`at most one capture: ${id} was captured ${count} times`);

  const settlementsOf = new Map<string, SettlementRecord[]>();
  for (const settlement of state.settlements) {
    if (!accepted.has(settlement.orderId)) continue;
    settlementsOf.set(settlement.orderId, [...(settlementsOf.get(settlement.orderId) ?? []), settlement]);
    if (settlement.status !== 'SUCCEEDED') violations.push(`settlements succeed: ${settlement.orderId}'s settlement is ${settlement.status}`);
  }
  for (const [id, list] of settlementsOf) if (list.length > 1) violations.push(`one settlement per order: ${id} has ${list.length}`);

  const settled = state.settlements.filter((s) => s.settled && accepted.has(s.orderId));
  for (const settlement of settled) {
    const order = byId.get(settlement.orderId);
    if (order?.status !== 'FAILED' || !RECONCILER_REASONS.includes(String(order.reason))) {
      violations.push(`a settled order is FAILED by the reconciler: ${settlement.orderId} is ${order?.status ?? 'missing'}(${String(order?.reason)})`);
    }
  }
  const settledIds = new Set(settled.map((s) => s.orderId));
  for (const order of byId.values()) {
    if (order.status === 'FAILED' && RECONCILER_REASONS.includes(String(order.reason)) && !settledIds.has(order.orderId)) {
      violations.push(`a reconciler reason comes from a settlement: ${order.orderId} is FAILED(${String(order.reason)}) with no settlement that settled it`);
    }
  }

  return { missing, settledByReconciler: settled.length, violations };
}
