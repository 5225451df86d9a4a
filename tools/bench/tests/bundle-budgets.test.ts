import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

interface Budgets {
  readonly tolerance: number;
  readonly bundles: Record<string, { readonly path: string; readonly minifiedBytes: number }>;
}

const repoRoot = resolve(import.meta.dirname, '../../..');
const budgets = JSON.parse(readFileSync(resolve(import.meta.dirname, '../budgets.json'), 'utf8')) as Budgets;

// Reads the built bundles: the root `pnpm test` builds every package before running the suites.
describe('Lambda bundle budgets', () => {
  it.each(Object.entries(budgets.bundles))('%s stays within 10%% of its recorded budget', (name, budget) => {
    // Prepare
    const file = resolve(repoRoot, budget.path);
    expect(existsSync(file), `${budget.path} is not built: run \`pnpm build\` at the repository root`).toBe(true);
    const limit = Math.floor(budget.minifiedBytes * (1 + budgets.tolerance));

    // Act
    const bytes = statSync(file).size;

    // Assess
    expect(
      bytes,
      `${name} is ${bytes} bytes, over its budget of ${budget.minifiedBytes} + ${budgets.tolerance * 100}% (${limit}). ` +
        'Find what grew with the esbuild metafile next to the bundle, or raise the budget in tools/bench/budgets.json on purpose.',
    ).toBeLessThanOrEqual(limit);
  });

  it('covers every DynamoDB handler of the workflow', () => {
    expect(Object.keys(budgets.bundles)).toEqual(expect.arrayContaining(['inventory', 'payment', 'order-status']));
  });
});
