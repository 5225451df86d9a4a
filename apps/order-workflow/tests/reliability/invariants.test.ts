/**
 * The invariant checker's own tests, on table states built by hand (no stack): a consistent state
 * passes, and each broken state it exists to catch is reported. A checker that cannot fail proves
 * nothing, so these are the negative controls of every reliability scenario.
 */
import { describe, expect, it } from 'vitest';
import { checkInvariants, checkTables, type TableState } from './support/invariants.js';

type Item = Record<string, unknown>;
const SKU = 'SKU-INV-TEST';
const options = { initialStock: { [SKU]: 10 } };
const at = '2026-11-28T00:00:00.000Z';

const order = (orderId: string, status: string, extra: Item = {}): Item => ({
  orderId,
  customerId: 'cus_1',
  items: [{ sku: SKU, quantity: 2 }],
  currency: 'USD',
  paymentToken: 'tok_visa',
  status,
  createdAt: at,
  updatedAt: at,
  history: [],
  ...extra,
});
const capture = (id: string, orderId: string, amount = 800): Item => ({ pk: `CAPTURE#${id}`, idempotencyKey: orderId, amount, currency: 'USD', chargeId: `ch_${orderId}`, at });
const refund = (id: string, orderId: string, amount = 800): Item => ({ pk: `REFUND#${id}`, idempotencyKey: orderId, amount, currency: 'USD', chargeId: `ch_${orderId}`, refundId: `re_${orderId}`, at });

/**
 * A consistent state: `ord_ok` CONFIRMED (2 units, 800, captured once); `ord_failed`
 * FAILED(PAYMENT_ERROR) with a voided payment and its stock released.
 */
function consistent(): { inventory: Item[]; payment: Item[]; orders: Item[] } {
  return {
    inventory: [
      { pk: `SKU#${SKU}`, sku: SKU, available: 8, unitPrice: 400 },
      { pk: 'RES#ord_ok', orderId: 'ord_ok', status: 'RESERVED', lines: [{ sku: SKU, quantity: 2 }] },
      { pk: 'RES#ord_failed', orderId: 'ord_failed', status: 'RELEASED', lines: [{ sku: SKU, quantity: 2 }] },
    ],
    payment: [
      { pk: 'PAYMENT#ord_ok', orderId: 'ord_ok', amount: 800, currency: 'USD', token: 'tok_visa', status: 'CAPTURED', paymentId: 'ch_ord_ok' },
      { pk: 'GATEWAY#ord_ok', idempotencyKey: 'ord_ok', amount: 800, currency: 'USD', status: 'approved', chargeId: 'ch_ord_ok', attempts: 1 },
      capture('cap_1', 'ord_ok'),
      { pk: 'PAYMENT#ord_failed', orderId: 'ord_failed', amount: 800, currency: 'USD', token: 'tok_visa', status: 'VOIDED' },
      { pk: 'GATEWAY#ord_failed', idempotencyKey: 'ord_failed', amount: 800, currency: 'USD', status: 'voided', attempts: 4 },
    ],
    orders: [
      order('ord_ok', 'CONFIRMED', { total: 800, paymentId: 'ch_ord_ok' }),
      order('ord_failed', 'FAILED', { reason: 'PAYMENT_ERROR' }),
    ],
  };
}

const violationsOf = (tables: TableState) => checkTables(tables, options).violations;

describe('checkTables', () => {
  it('passes a consistent state (the positive control)', () => {
    const report = checkTables(consistent(), options);

    expect(report.violations).toEqual([]);
    expect(report.passed).toBe(report.total);
    expect(report.outcomes).toEqual({ CONFIRMED: 1, 'FAILED(PAYMENT_ERROR)': 1 });
  });

  it('reports a double capture: two CAPTURE items for one CONFIRMED order', () => {
    const tables = consistent();
    tables.payment.push(capture('cap_2', 'ord_ok'));

    expect(violationsOf(tables)).toEqual([
      'confirmed => one captured payment: ord_ok: CONFIRMED with 2 captures and 0 refunds at the gateway (net 2, expected exactly 1)',
    ]);
  });

  it('reports a FAILED order holding a capture its payment record does not know about', () => {
    const tables = consistent();
    tables.payment.push(capture('cap_3', 'ord_failed'));

    expect(violationsOf(tables)).toEqual([
      'failed => not charged: ord_failed: FAILED but the gateway holds 1 captures and 0 refunds (net 800)',
    ]);
  });

  it('reports a FAILED order whose capture is recorded (CAPTURED, gateway approved)', () => {
    const tables = consistent();
    tables.payment = tables.payment.filter((item) => !String(item.pk).endsWith('#ord_failed'));
    tables.payment.push(
      { pk: 'PAYMENT#ord_failed', orderId: 'ord_failed', amount: 800, currency: 'USD', token: 'tok_visa', status: 'CAPTURED', paymentId: 'ch_ord_failed' },
      { pk: 'GATEWAY#ord_failed', idempotencyKey: 'ord_failed', amount: 800, currency: 'USD', status: 'approved', chargeId: 'ch_ord_failed' },
      capture('cap_4', 'ord_failed'),
    );

    expect(violationsOf(tables)).toEqual([
      'failed => not charged: ord_failed: FAILED(PAYMENT_ERROR) with payment CAPTURED',
      'failed => not charged: ord_failed: FAILED but the gateway holds an approved charge',
      'failed => not charged: ord_failed: FAILED but the gateway holds 1 captures and 0 refunds (net 800)',
    ]);
  });

  it('reports a CONFIRMED order with no capture in the ledger, or one for another amount', () => {
    const none = consistent();
    none.payment = none.payment.filter((item) => !String(item.pk).startsWith('CAPTURE#'));
    expect(violationsOf(none)).toEqual([
      'confirmed => one captured payment: ord_ok: CONFIRMED with 0 captures and 0 refunds at the gateway (net 0, expected exactly 1)',
    ]);

    const wrongAmount = consistent();
    wrongAmount.payment = wrongAmount.payment.map((item) => (item.pk === 'CAPTURE#cap_1' ? capture('cap_1', 'ord_ok', 799) : item));
    expect(violationsOf(wrongAmount)).toEqual(['confirmed => one captured payment: ord_ok: CONFIRMED for 800 but the gateway holds 799 net']);
  });

  it('nets refunds against captures: a refunded extra capture, or a refunded capture on a FAILED order, is no violation', () => {
    const tables = consistent();
    tables.payment.push(capture('cap_5', 'ord_ok'), refund('rf_5', 'ord_ok'), capture('cap_6', 'ord_failed'), refund('rf_6', 'ord_failed'));

    expect(violationsOf(tables)).toEqual([]);
  });
});

describe('checkInvariants', () => {
  it('reads the three tables through the stack and fails on a double capture there too', async () => {
    const tables = consistent();
    tables.payment.push(capture('cap_7', 'ord_ok'));
    const stack = { scan: (table: keyof TableState) => Promise.resolve(tables[table]) };

    const report = await checkInvariants(stack, options);

    expect(report.violations).toHaveLength(1);
    expect(report.violations[0]).toMatch(/ord_ok: CONFIRMED with 2 captures/);
    expect(report.results.find((r) => r.name === 'confirmed => one captured payment')).toMatchObject({ checked: 1 });
  });
});
