import { describe, expect, it } from 'vitest';
import { describeCaughtError, MAX_CAUSE_LENGTH } from '../../src/domain/order.js';
import { fixtures } from '../support/fixtures.js';

describe('describeCaughtError', () => {
  it('keeps only the errorMessage of a Lambda error Cause, not its stack trace', () => {
    const { error } = fixtures.failOutOfStock();

    expect(describeCaughtError(error)).toBe('OutOfStock: SKU-RED-MUG: 2 requested, 1 available');
  });

  it(`cuts a long Cause to ${MAX_CAUSE_LENGTH} characters`, () => {
    const detail = describeCaughtError({ Error: 'States.Timeout', Cause: 'x'.repeat(5_000) });

    expect(detail).toMatch(/^States\.Timeout: x+…$/);
    expect(detail!.length).toBe('States.Timeout: '.length + MAX_CAUSE_LENGTH);
  });

  it('keeps a Cause that only looks like JSON', () => {
    expect(describeCaughtError({ Error: 'E', Cause: '{not json' })).toBe('E: {not json');
  });

  it('has nothing to say without an error', () => {
    expect(describeCaughtError(undefined)).toBeUndefined();
    expect(describeCaughtError({})).toBeUndefined();
    expect(describeCaughtError({ Error: 'States.TaskFailed' })).toBe('States.TaskFailed');
  });
});
