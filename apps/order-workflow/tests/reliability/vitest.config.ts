import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import { stepProject } from '../../../../vitest.shared.ts';

/**
 * `pnpm test:reliability`: only the reliability scenarios, with the one-line-per-scenario report.
 * The same files also run in the app's normal `vitest run` (its config includes tests/**).
 */
export default mergeConfig(
  stepProject('order-workflow-reliability', {
    include: ['tests/reliability/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  }),
  defineConfig({
    root: fileURLToPath(new URL('../..', import.meta.url)),
    test: { reporters: ['default', './tests/reliability/reporter.ts'] },
  }),
);
