import { describe, expect, it } from 'vitest';
import { ErrorName, parseOrThrow } from '@order-flow/contracts';
import { ChargeResultSchema, PaymentStatus, RefundResultSchema } from '../../src/contract.js';

describe('payment step contract', () => {
  it('PaymentStatus has VOIDED next to the other states', () => {
    expect(Object.values(PaymentStatus)).toEqual(['PENDING', 'CAPTURED', 'DECLINED', 'REFUNDED', 'VOIDED']);
  });

  it('ErrorName.PaymentVoided is its own stable name', () => {
    expect(ErrorName.PaymentVoided).toBe('PaymentVoided');
  });

  it.each(['REFUNDED', 'VOIDED', 'NOTHING_TO_REFUND'])('RefundResultSchema accepts status %s', (status) => {
    const result = { orderId: 'ord_1', refunded: false, status };
    expect(parseOrThrow(RefundResultSchema, result)).toEqual(result);
  });

  it('RefundResultSchema rejects an unknown status', () => {
    expect(() => parseOrThrow(RefundResultSchema, { orderId: 'ord_1', refunded: false, status: 'CANCELLED' })).toThrow(/status/);
  });

  it('a charge result is CAPTURED only, never VOIDED', () => {
    const charge = { orderId: 'ord_1', paymentId: 'ch_1', amount: 100, currency: 'USD' };
    expect(parseOrThrow(ChargeResultSchema, { ...charge, status: 'CAPTURED' }).status).toBe('CAPTURED');
    expect(() => parseOrThrow(ChargeResultSchema, { ...charge, status: 'VOIDED' })).toThrow(/status/);
  });
});
