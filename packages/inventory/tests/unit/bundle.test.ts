import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveBundleDir } from '../../src/bundle.js';

describe('resolveBundleDir', () => {
  it('tells the user to build when the bundle is missing', () => {
    const empty = mkdtempSync(join(tmpdir(), 'inventory-bundle-'));

    expect(() => resolveBundleDir(empty)).toThrow(/Run `pnpm build`/);
  });

  it('returns the directory holding index.mjs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'inventory-bundle-'));
    writeFileSync(join(dir, 'index.mjs'), 'export const handler = () => 1;');

    expect(resolveBundleDir(dir)).toBe(dir);
  });
});
