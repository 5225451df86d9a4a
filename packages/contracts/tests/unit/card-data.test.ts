/**
 * One card-number normalisation for every guard: the API, the step validators and the PAN scan
 * (PCI DSS requirement 3: no primary account number may be stored where it is not needed).
 * Each row is a way someone (or some bug) could slip a card number past a naive check.
 */
import { describe, expect, it } from 'vitest';
import { containsCardNumber, ErrorName, findCardNumbers, newOrderId, OrderRequestSchema, parseOrThrow, ValidationError } from '../../src/index.js';

const valid = { orderId: 'ord_1', customerId: 'cus_42', items: [{ sku: 'SKU-RED-MUG', quantity: 2 }], payment: { token: 'tok_visa' }, currency: 'USD' };
const fullwidth = (digits: string) => [...digits].map((d) => String.fromCodePoint(0xff10 + Number(d))).join('');
const arabicIndic = (digits: string) => [...digits].map((d) => String.fromCodePoint(0x0660 + Number(d))).join('');

// [what is tried, the order fields it changes]
const BYPASSES: [string, Record<string, unknown>][] = [
  ['plain in orderId', { orderId: 'ord_4242424242424242' }],
  ['card then "-1"', { orderId: '4242424242424242-1' }],
  ['leading zero', { orderId: '04242424242424242' }],
  ['many leading zeros', { customerId: 'cus_0004242424242424242' }],
  ['underscores', { orderId: '4242_4242_4242_4242' }],
  ['in a token with underscores', { payment: { token: 'tok_4242_4242_4242_4242' } }],
  ['token with card', { payment: { token: 'tok_4242424242424242' } }],
  ['mixed-case token prefix', { payment: { token: 'TOK_4242424242424242' } }],
  ['dashes', { customerId: 'cus-5555-5555-5555-4444' }],
  ['mixed separators', { customerId: '4242-4242_4242.4242' }],
  ['card then ".7"', { orderId: '4242424242424242.7' }],
  ['card between numbers', { customerId: '12-4242424242424242-34' }],
  ['Amex 15 digits', { orderId: 'ord_378282246310005' }],
  ['Amex grouped 4-6-5', { customerId: '3782-822463-10005' }],
  ['Mastercard 2-series', { customerId: 'cus_2223003122003222' }],
  ['Discover', { customerId: 'cus_6011111111111117' }],
  ['13-digit Visa', { customerId: 'cus_4222222222222' }],
  ['19-digit card', { customerId: 'cus_6011000990139424181' }],
  ['in a SKU', { items: [{ sku: 'SKU_4000056655665556', quantity: 1 }] }],
  ['in the second SKU', { items: [{ sku: 'SKU-A', quantity: 1 }, { sku: 'SKU-4000-0566-5566-5556', quantity: 1 }] }],
  ['13-digit Visa grouped', { customerId: 'cus_4222-2222-2222-2' }],
  ['Amex with underscores', { orderId: '3782_822463_10005' }],
  ['Mastercard in a SKU', { items: [{ sku: 'SKU-5555555555554444', quantity: 1 }] }],
  ['card between words', { customerId: 'a-4242-4242-4242-4242-b' }],
  ['fullwidth digits', { customerId: `cus_${fullwidth('4242424242424242')}` }],
  ['Arabic-Indic digits', { customerId: `cus_${arabicIndic('4242424242424242')}` }],
  ['fullwidth in a token', { payment: { token: `tok_${fullwidth('4242424242424242')}` } }],
  ['spaces in token', { payment: { token: '4242 4242 4242 4242' } }],
  ['bare card as token', { payment: { token: '4111111111111111' } }],
  ['dots', { orderId: '4242.4242.4242.4242' }],
  ['slashes', { orderId: '4242/4242/4242/4242' }],
  ['colons', { orderId: '4242:4242:4242:4242' }],
  ['zero-padded first group', { customerId: 'cus_0004242-4242-4242-4242' }],
];

describe('card numbers are refused in every form (order guard used by the API and CreateOrder)', () => {
  it.each(BYPASSES)('refuses: %s', (_what, patch) => {
    // Act
    const attempt = () => parseOrThrow(OrderRequestSchema, { ...valid, ...patch }, ErrorName.InvalidOrder);

    // Assess: an InvalidOrder naming a field; the caller writes nothing on it.
    expect(attempt).toThrow(ValidationError);
    try {
      attempt();
    } catch (error) {
      const issues = (error as ValidationError).issues;
      expect(issues.length).toBeGreaterThan(0);
      expect(issues.map((issue) => issue.path).join(',')).not.toBe('');
    }
  });

  it('has at least 30 bypass attempts', () => {
    expect(BYPASSES.length).toBeGreaterThanOrEqual(30);
  });

  it.each([
    ['the documented order', {}],
    ['timestamp ids', { orderId: 'ord_1795656897786_42', customerId: 'cus_1234567890123' }],
    ['a generated ULID id', { orderId: 'ord_01JD0Z8Q4B7N5X2K9M3R6T1VWY' }],
    ['Luhn-failing 16 digits', { orderId: 'ord_4242424242424241' }],
    ['short numbers in every field', { orderId: 'ord_123', customerId: 'cus_4567', items: [{ sku: 'SKU-89', quantity: 1 }] }],
  ])('negative control, still accepted: %s', (_what, patch) => {
    expect(() => parseOrThrow(OrderRequestSchema, { ...valid, ...patch })).not.toThrow();
  });
});

describe('findCardNumbers (the PAN scan of tables, logs, events and histories)', () => {
  it('finds cards plain, grouped, padded, glued and in other scripts', () => {
    expect(findCardNumbers('4242424242424242')).toContain('4242424242424242');
    expect(findCardNumbers('card 4000 0566 5566 5556 here')).toContain('4000056655665556');
    expect(findCardNumbers('{"customerId":"5555-5555-5555-4444"}')).toContain('5555555555554444');
    expect(findCardNumbers('x378282246310005y')).toContain('378282246310005');
    expect(findCardNumbers('6011111111111117-1')).toContain('6011111111111117');
    expect(findCardNumbers(fullwidth('4242424242424242'))).toContain('4242424242424242');
  });

  it('negative control: Luhn failures, timestamps, short runs and letters between digits are not cards', () => {
    expect(findCardNumbers('4242424242424241')).toEqual([]);
    expect(findCardNumbers('at 1795656897786 ms')).toEqual([]);
    expect(findCardNumbers('ids 12 345 6789')).toEqual([]);
    expect(containsCardNumber('4242a4242b4242c4242')).toBe(false);
  });
});

describe('separate groups count together only in card groupings (log lines, UUIDs)', () => {
  it('reads side-by-side numbers and UUID parts (Luhn-valid by chance) as no card', () => {
    expect(findCardNumbers('took 4940 9259 34294 ms')).toEqual([]);
    expect(findCardNumbers('amex 3782 822463 10005')).toEqual(['378282246310005']);
    expect(findCardNumbers('id 4940-9259-34294')).toEqual([]);
    // A UUID whose middle parts happen to be all digits (seen in an execution history's RequestId).
    expect(findCardNumbers('"RequestId":"9c1e2a3b-4782-8968-848019abcdef"')).toEqual([]);
  });
});

describe('ordinary orders are never refused (negative control at scale)', () => {
  it('accepts 2,000 orders with generated ids, random customer numbers and SKUs', () => {
    for (let i = 0; i < 2000; i++) {
      const order = { ...valid, orderId: newOrderId(), customerId: `cus_${Math.floor(Math.random() * 1e9)}`, items: [{ sku: `SKU-${Math.floor(Math.random() * 1e6)}`, quantity: 1 }] };
      expect(() => parseOrThrow(OrderRequestSchema, order)).not.toThrow();
    }
  });
});
