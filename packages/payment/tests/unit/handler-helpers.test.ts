import { describe, expect, it } from 'vitest';
import { tokenPrefix } from '../../src/handler.js';

describe('tokenPrefix', () => {
  it('keeps six characters of a token at most', () => {
    expect(tokenPrefix('tok_visa')).toBe('tok_vi…');
    expect(tokenPrefix('tok_chargeDeclinedInsufficientFunds')).toBe('tok_ch…');
  });

  it('hides a short value entirely', () => {
    expect(tokenPrefix('tok_a')).toBe('…');
  });
});
