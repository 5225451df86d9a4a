/**
 * Negative controls of support/accepted-orders.ts (the long-outage scenarios' checks beyond
 * checkInvariants), on states built by hand: a consistent state passes, each broken one is named.
 */
import { describe, expect, it } from 'vitest';
import type { OrderRecord } from '@order-flow/contracts';
import type { SettlementRecord } from '../../src/local/stack.js';
import { checkAcceptedOrders, type AcceptedOrdersState } from './support/accepted-orders.js';

const order = (orderId: string, status: string, reason?: string): OrderRecord =>
  ({ orderId, customerId: 'cus_1', items: [{ sku: 'SKU-1', quantity: 1 }], currency: 'USD', status, ...(reason && { reason }), history: [] }) as unknown as OrderRecord;
const capture = (n: number, orderId: string) => ({ pk: `CAPTURE#cap_${n}`, idempotencyKey: orderId, amount: 500, chargeId: `ch_${orderId}` });
const settlement = (orderId: string, settled: boolean, status = 'SUCCEEDED'): SettlementRecord => ({ orderId, executionArn: `arn:settlement:${orderId}:${status}`, status, settled });

/** ord_a CONFIRMED (captured once), ord_b FAILED(PAYMENT_DECLINED), ord_c settled by the reconciler. */
function consistent(): AcceptedOrdersState {
  return {
    orderIds: ['ord_a', 'ord_b', 'ord_c'],
    orders: [order('ord_a', 'CONFIRMED'), order('ord_b', 'FAILED', 'PAYMENT_DECLINED'), order('ord_c', 'FAILED', 'WORKFLOW_FAILED')],
    payment: [capture(1, 'ord_a')],
    settlements: [settlement('ord_c', true), settlement('ord_a', false)],
  };
}

describe('checkAcceptedOrders', () => {
  it('passes a consistent state and counts what the reconciler settled (the positive control)', () => {
    expect(checkAcceptedOrders(consistent())).toEqual({ missing: [], settledByReconciler: 1, violations: [] });
  });

  it('names an accepted order with no record, and one left PENDING', () => {
    const state = consistent();
    const report = checkAcceptedOrders({ ...state, orderIds: [...state.orderIds, 'ord_lost'] });
    expect(report.missing).toEqual(['ord_lost']);
    expect(report.violations).toEqual(['every accepted order recorded: ord_lost has no order record']);

    const pending = checkAcceptedOrders({ ...state, orderIds: [...state.orderIds, 'ord_d'], orders: [...state.orders, order('ord_d', 'PENDING')] });
    expect(pending.violations).toEqual(['every accepted order settled: ord_d is PENDING']);
  });

  it('names a second capture even when the order ended refunded', () => {
    const state = consistent();
    const report = checkAcceptedOrders({ ...state, payment: [...state.payment, capture(2, 'ord_a')] });
    expect(report.violations).toEqual(['at most one capture: ord_a was captured 2 times']);
  });

  it('names a failed settlement and a second settlement of one order', () => {
    const state = consistent();
    expect(checkAcceptedOrders({ ...state, settlements: [...state.settlements, settlement('ord_b', false, 'FAILED')] }).violations).toEqual([
      "settlements succeed: ord_b's settlement is FAILED",
    ]);
    expect(checkAcceptedOrders({ ...state, settlements: [...state.settlements, settlement('ord_c', false)] }).violations).toEqual(['one settlement per order: ord_c has 2']);
  });

  it('names a settlement that did not leave its order FAILED by the reconciler, and a reconciler reason without one', () => {
    const state = consistent();
    expect(checkAcceptedOrders({ ...state, settlements: [settlement('ord_a', true)] }).violations).toEqual([
      'a settled order is FAILED by the reconciler: ord_a is CONFIRMED(undefined)',
      'a reconciler reason comes from a settlement: ord_c is FAILED(WORKFLOW_FAILED) with no settlement that settled it',
    ]);
  });
});
