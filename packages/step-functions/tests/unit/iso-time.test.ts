/**
 * isoTime: the engine's `$$.State.EnteredTime` text, which must read exactly as
 * `Date.prototype.toISOString` (ECMA-262 "Date Time String Format"; the context object's times
 * are ISO 8601 strings, "Accessing execution data from the Context object").
 */
import { describe, expect, it } from 'vitest';
import { isoTime } from '../../src/iso-time.ts';

describe('isoTime', () => {
  it('writes what Date#toISOString writes, across seconds, years and fractions of a millisecond', () => {
    const start = Date.UTC(2024, 0, 1);
    const samples = [
      start,
      start + 1,
      start + 999,
      start + 1000,
      start + 59_999.7, // a jittered retry leaves fractions: Date drops them
      Date.UTC(1999, 11, 31, 23, 59, 59, 999),
      Date.UTC(2000, 1, 29, 12, 0, 0, 5),
      0,
      -1, // before 1970: the second is floored, not truncated
      -1500.5,
      Date.UTC(10_000, 0, 1, 0, 0, 1, 42), // six-digit year: +010000-...
    ];
    for (const ms of samples) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    // Alternating between two seconds: the kept prefix is never reused for the other second.
    for (let i = 0; i < 50; i++) {
      const ms = start + (i % 2) * 1000 + i;
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it('negative control: a different millisecond of the same second gives a different text', () => {
    expect(isoTime(Date.UTC(2024, 0, 1, 0, 0, 0, 1))).not.toBe(isoTime(Date.UTC(2024, 0, 1, 0, 0, 0, 2)));
  });
});
