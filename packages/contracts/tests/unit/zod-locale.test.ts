/**
 * The zod locale is configured explicitly, never by importing the contracts (a `sideEffects: false`
 * package). Vitest isolates each test file, so this file starts with zod unconfigured.
 */
import { globalConfig } from 'zod/v4/core';
import { describe, expect, it } from 'vitest';
import { configureZodErrors, parseOrThrow, PricedLineSchema, toIssues } from '../../src/index.js';

/** A line whose quantity breaks a rule that has no message of its own (zod's default applies). */
const badLine = { sku: 'SKU-A', quantity: 'two', unitPrice: 1, lineTotal: 2 };

describe('zod error messages', () => {
  it('are not installed by importing the contracts (no import side effect): a default message is the bare fallback', () => {
    const result = PricedLineSchema.safeParse(badLine);

    expect(globalConfig.localeError).toBeUndefined();
    expect(result.success).toBe(false);
    expect(toIssues(result.error!)).toEqual([{ path: 'quantity', message: 'Invalid input' }]);
  });

  it('are English once parseOrThrow has run (it configures them before parsing)', () => {
    expect(() => parseOrThrow(PricedLineSchema, badLine)).toThrow('quantity: Invalid input: expected number, received string');
    expect(globalConfig.localeError).toBeDefined();
  });

  it('keep a locale the application configured: configureZodErrors does not replace it', () => {
    const own = () => 'ours';
    globalConfig.localeError = own;

    configureZodErrors();
    const result = PricedLineSchema.safeParse(badLine);

    expect(globalConfig.localeError).toBe(own);
    expect(toIssues(result.error!)).toEqual([{ path: 'quantity', message: 'ours' }]);
  });
});
