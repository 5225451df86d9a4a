/** What the local console hides: values under secret-looking keys and card numbers, nothing else. */
import { describe, expect, it } from 'vitest';
import { maskCardNumbers, redact, redactHistoryEvent, REDACTED } from '../../src/console/redact.ts';

describe('console redaction', () => {
  it('masks Luhn-valid card numbers, plain or grouped, to their last four digits', () => {
    expect(maskCardNumbers('card 4242424242424242 here')).toBe('card ************4242 here');
    expect(maskCardNumbers('5555-5555-5555-4444')).toBe('************4444');
    expect(maskCardNumbers('amex 3782 822463 10005')).toBe('amex ***********0005');
  });

  it('leaves what is not a card number alone: Luhn failures, timestamps, ids, tokens', () => {
    expect(maskCardNumbers('4242424242424241')).toBe('4242424242424241');
    expect(maskCardNumbers('"at":1795600800000')).toBe('"at":1795600800000');
    expect(maskCardNumbers('tok_visa ord_01JABCDEF 2026-11-25T10:00:00.000Z')).toBe('tok_visa ord_01JABCDEF 2026-11-25T10:00:00.000Z');
  });

  it('hides secret-looking keys at any depth and keeps the rest', () => {
    const item = { pk: 'o-1', nested: { password: 'hunter2', apiKey: 'k', list: [{ cardNumber: '4242424242424242', note: 'ok' }] }, AWS_SECRET_ACCESS_KEY: 'x', total: 2500 };
    expect(redact(item)).toEqual({ pk: 'o-1', nested: { password: REDACTED, apiKey: REDACTED, list: [{ cardNumber: REDACTED, note: 'ok' }] }, AWS_SECRET_ACCESS_KEY: REDACTED, total: 2500 });
    expect(redact({ pan: 4242424242424242 })).toEqual({ pan: REDACTED });
    expect(redact({ amount: 4242424242424242 })).toEqual({ amount: REDACTED });
    expect(redact({ ids: new Set(['a', 'b']), bytes: new Uint8Array([1, 2]) })).toEqual({ ids: ['a', 'b'], bytes: 'AQI=' });
  });

  it('redacts inside the JSON text of history events (input, output, cause)', () => {
    const event = {
      id: 2,
      type: 'TaskStateEntered',
      timestamp: new Date('2026-11-28T10:00:00Z'),
      stateEnteredEventDetails: { name: 'Charge', input: JSON.stringify({ payment: { token: 'tok_visa', card: '4000056655665556' }, secret: 's' }) },
    };
    const shown = redactHistoryEvent(event);
    expect(shown.timestamp).toBe('2026-11-28T10:00:00.000Z');
    expect(JSON.parse((shown.stateEnteredEventDetails as { input: string }).input)).toEqual({ payment: { token: 'tok_visa', card: '************5556' }, secret: REDACTED });
  });
});
