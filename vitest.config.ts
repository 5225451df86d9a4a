import { defineConfig } from 'vitest/config';

/**
 * Root config: one vitest project per package, each with its own `vitest.config.ts`.
 * `pnpm test` runs them all in one vitest process.
 */
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'apps/*/vitest.config.ts', 'apps/order-workflow/vitest.express.config.ts', 'tools/*/vitest.config.ts'],
  },
});
