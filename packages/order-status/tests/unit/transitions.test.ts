import { OrderStatus } from '@order-flow/contracts';
import { describe, expect, it } from 'vitest';
import { isLegalTransition, legalSources } from '../../src/domain/transitions.js';

const { PENDING, CONFIRMED, FAILED } = OrderStatus;

describe('isLegalTransition', () => {
  // Every (from, to) pair: 4 origins (including "no order yet") x 3 targets; legal are exactly
  // the three of the order lifecycle (create, confirm, fail), every other pair is refused.
  const LEGAL = ['undefined -> PENDING', 'PENDING -> CONFIRMED', 'PENDING -> FAILED'];
  const pairs = [undefined, PENDING, CONFIRMED, FAILED].flatMap((from) => [PENDING, CONFIRMED, FAILED].map((to) => [from, to, LEGAL.includes(`${from} -> ${to}`)] as const));
  it('covers all 12 pairs, 3 of them legal', () => {
    expect(pairs).toHaveLength(12);
    expect(pairs.filter(([, , legal]) => legal)).toHaveLength(3);
  });
  it.each(pairs)('%s -> %s is legal: %s', (from, to, legal) => {
    expect(isLegalTransition(from, to)).toBe(legal);
  });
});

describe('legalSources', () => {
  it('lists the stored statuses each target may be written from, as LEGAL_TRANSITIONS says', () => {
    expect(legalSources(CONFIRMED)).toEqual([PENDING]);
    expect(legalSources(FAILED)).toEqual([PENDING]);
  });

  it('refuses PENDING: only a create (a write on no order) makes one', () => {
    expect(() => legalSources(PENDING)).toThrow('no existing order may move to PENDING');
  });
});
