import { describe, expect, it } from 'vitest';
import { ErrorName, newOrderId, OrderRequestSchema, parseOrThrow, ValidationError } from '../../src/index.js';

const valid = {
  orderId: 'ord_1',
  customerId: 'cus_42',
  items: [{ sku: 'SKU-RED-MUG', quantity: 2 }],
  payment: { token: 'tok_visa' },
  currency: 'USD',
};

function issuesOf(input: unknown): { path: string; message: string }[] {
  try {
    parseOrThrow(OrderRequestSchema, input, ErrorName.InvalidOrder);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).name).toBe('InvalidOrder');
    return [...(error as ValidationError).issues];
  }
  throw new Error('expected the order to be rejected');
}

describe('OrderRequestSchema', () => {
  it('accepts the documented order and an order without an id', () => {
    expect(parseOrThrow(OrderRequestSchema, valid)).toEqual(valid);
    const { orderId: _omit, ...withoutId } = valid;
    expect(parseOrThrow(OrderRequestSchema, withoutId).orderId).toBeUndefined();
  });

  it.each([
    ['a zero quantity', { items: [{ sku: 'A', quantity: 0 }] }, 'items.0.quantity', 'at least 1'],
    ['a negative quantity', { items: [{ sku: 'A', quantity: -1 }] }, 'items.0.quantity', 'at least 1'],
    ['a fractional quantity', { items: [{ sku: 'A', quantity: 1.5 }] }, 'items.0.quantity', 'whole number'],
    ['a huge quantity', { items: [{ sku: 'A', quantity: 1e9 }] }, 'items.0.quantity', 'at most 1000'],
    ['no items', { items: [] }, 'items', 'at least 1 item'],
    ['51 items', { items: Array.from({ length: 51 }, (_, i) => ({ sku: `S${i}`, quantity: 1 })) }, 'items', 'at most 50'],
    ['duplicate SKUs', { items: [{ sku: 'A', quantity: 1 }, { sku: 'A', quantity: 2 }] }, 'items.1.sku', 'duplicates SKU'],
    ['an id with a space', { orderId: 'ord 1' }, 'orderId', 'letter, digit'],
    ['an id with a slash', { orderId: 'ord/1' }, 'orderId', 'letter, digit'],
    ['a card number as token', { payment: { token: '4242 4242 4242 4242' } }, 'payment.token', 'never a card number'],
    ['a bare card number as token', { payment: { token: '4111111111111111' } }, 'payment.token', 'never a card number'],
    ['a lower-case currency', { currency: 'usd' }, 'currency', 'ISO 4217'],
    ['an extra field', { price: 1 }, 'price', 'not allowed here'],
  ])('rejects %s, naming the field and the rule', (_label, patch, path, rule) => {
    const issues = issuesOf({ ...valid, ...patch });
    expect(issues).toContainEqual({ path, message: expect.stringContaining(rule) });
  });

  it('names every missing field at once', () => {
    const issues = issuesOf({});
    expect(issues.map((issue) => issue.path).sort()).toEqual(['currency', 'customerId', 'items', 'payment']);
  });
});

describe('newOrderId', () => {
  it('makes valid, distinct, time-ordered ids', () => {
    const a = newOrderId(1_000);
    const b = newOrderId(2_000);
    expect(a).toMatch(/^ord_[0-9A-Z]{26}$/);
    expect(a < b).toBe(true);
    expect(newOrderId()).not.toBe(newOrderId());
  });
});

describe('parseJsonBody', () => {
  const req = (body: string, contentType = 'application/json') => ({ headers: { 'Content-Type': contentType }, body });
  it('maps each body rule to its status', async () => {
    const { parseJsonBody } = await import('../../src/index.js');
    expect(parseJsonBody(req('{}', 'text/plain'), OrderRequestSchema, 'InvalidOrder')).toMatchObject({ ok: false, response: { statusCode: 415 } });
    expect(parseJsonBody(req(' '.repeat(64 * 1024 + 1)), OrderRequestSchema, 'InvalidOrder')).toMatchObject({ ok: false, response: { statusCode: 413 } });
    expect(parseJsonBody(req('{nope'), OrderRequestSchema, 'InvalidOrder')).toMatchObject({ ok: false, response: { statusCode: 400 } });
    const invalid = parseJsonBody(req(JSON.stringify({ ...valid, currency: 'usd' })), OrderRequestSchema, 'InvalidOrder');
    expect(invalid.ok).toBe(false);
    expect(JSON.parse((invalid as { response: { body: string } }).response.body)).toMatchObject({
      error: 'InvalidOrder',
      issues: [{ path: 'currency', message: expect.stringContaining('ISO 4217') }],
    });
    expect(parseJsonBody(req(JSON.stringify(valid), 'application/json; charset=utf-8'), OrderRequestSchema, 'InvalidOrder')).toEqual({ ok: true, value: valid });
  });
});

describe('card numbers inside ids and tokens', () => {
  it.each([
    ['orderId', { orderId: 'ord_4242424242424242' }, 'orderId'],
    ['customerId', { customerId: 'cus-5555-5555-5555-4444' }, 'customerId'],
    ['sku', { items: [{ sku: 'SKU_4000056655665556', quantity: 1 }] }, 'items.0.sku'],
    ['token', { payment: { token: 'tok_4242424242424242' } }, 'payment.token'],
  ])('rejects a card number hidden in %s', (_field, patch, path) => {
    expect(issuesOf({ ...valid, ...patch })).toContainEqual({ path, message: expect.stringContaining('card number') });
  });

  it('keeps ids with timestamps or short numbers valid', () => {
    expect(() => parseOrThrow(OrderRequestSchema, { ...valid, orderId: 'ord_1795656897786_42', customerId: 'cus_1234567890123' })).not.toThrow();
  });
});
