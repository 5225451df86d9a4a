import { OrderStatus } from '@order-flow/contracts';
import { describe, expect, it } from 'vitest';
import { isLegalTransition, legalSources } from '../../src/domain/transitions.js';

const { PENDING, CONFIRMED, FAILED } = OrderStatus;

describe('isLegalTransition', () => {
  // Every (from, to) pair: 4 origins (including "no order yet") x 3 targets.
  it.each([
    [undefined, PENDING, true],
    [undefined, CONFIRMED, false],
    [undefined, FAILED, false],
    [PENDING, PENDING, false],
    [PENDING, CONFIRMED, true],
    [PENDING, FAILED, true],
    [CONFIRMED, PENDING, false],
    [CONFIRMED, CONFIRMED, false],
    [CONFIRMED, FAILED, false],
    [FAILED, PENDING, false],
    [FAILED, CONFIRMED, false],
    [FAILED, FAILED, false],
  ] as const)('%s -> %s is legal: %s', (from, to, legal) => {
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
