import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import { stepProject } from '../../../../vitest.shared.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The reliability scenarios against one workflow type (see support/workflow-type.ts). */
const project = (type: 'STANDARD' | 'EXPRESS') =>
  mergeConfig(
    stepProject(`reliability-${type.toLowerCase()}`, {
      include: ['tests/reliability/**/*.test.ts'],
      testTimeout: 180_000,
      hookTimeout: 120_000,
      env: { ORDER_FLOW_WORKFLOW_TYPE: type },
    }),
    defineConfig({ root }),
  );

/**
 * `pnpm test:reliability`: every reliability scenario twice, against the Standard workflow and
 * against the Express one with at-least-once delivery, and the report with one column per type.
 * `pnpm test` runs the Standard column with the app's other tests, and the Express column of the
 * scenarios named in the app's vitest.config.ts.
 */
export default defineConfig({
  root,
  test: {
    reporters: ['default', './tests/reliability/reporter.ts'],
    projects: [project('STANDARD'), project('EXPRESS')],
  },
});
