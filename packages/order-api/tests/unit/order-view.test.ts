import type { OrderRecord } from '@order-flow/contracts';
import { describe, expect, it } from 'vitest';
import { toOrderView } from '../../src/domain/order-view.js';

const confirmed: OrderRecord = {
  orderId: 'ord_1',
  customerId: 'cus_42',
  items: [{ sku: 'SKU-RED-MUG', quantity: 2 }],
  currency: 'USD',
  paymentToken: 'tok_visa',
  status: 'CONFIRMED',
  lines: [{ sku: 'SKU-RED-MUG', quantity: 2, unitPrice: 1250, lineTotal: 2500 }],
  total: 2500,
  paymentId: 'pay_1',
  createdAt: '2026-11-25T10:00:00.000Z',
  updatedAt: '2026-11-25T10:00:02.000Z',
  history: [
    { status: 'PENDING', at: '2026-11-25T10:00:00.000Z', causedBy: 'OrderApi' },
    { status: 'CONFIRMED', at: '2026-11-25T10:00:02.000Z', causedBy: 'ConfirmOrder' },
  ],
};

describe('toOrderView', () => {
  it('keeps what a client may see and drops the payment token and payment id', () => {
    const view = toOrderView(confirmed);
    expect(view).toEqual({
      orderId: 'ord_1',
      customerId: 'cus_42',
      status: 'CONFIRMED',
      items: confirmed.items,
      lines: confirmed.lines,
      total: 2500,
      currency: 'USD',
      createdAt: confirmed.createdAt,
      updatedAt: confirmed.updatedAt,
      history: confirmed.history,
    });
    expect(JSON.stringify(view)).not.toMatch(/tok_|pay_1/);
  });

  it('includes the reason of a FAILED order and leaves absent fields out', () => {
    const failed: OrderRecord = {
      ...confirmed,
      status: 'FAILED',
      reason: 'OUT_OF_STOCK',
      lines: undefined,
      total: undefined,
      paymentId: undefined,
    };
    const view = toOrderView(failed);
    expect(view.reason).toBe('OUT_OF_STOCK');
    expect(Object.keys(view)).not.toContain('lines');
    expect(Object.keys(view)).not.toContain('total');
  });

  it('does not pass on fields it does not know', () => {
    const withExtra = { ...confirmed, internalNote: 'x' } as OrderRecord;
    expect(Object.keys(toOrderView(withExtra))).not.toContain('internalNote');
  });
});
