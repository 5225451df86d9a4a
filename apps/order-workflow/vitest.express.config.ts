import { stepProject } from '../../vitest.shared.ts';

// The Express column of the reliability suite inside `pnpm test` (CI): the scenarios where
// at-least-once delivery bites (faults at every step boundary, duplicate delivery), against the
// Express workflow with the engine's redelivery on. `pnpm test:reliability` runs every scenario
// against both types (tests/reliability/vitest.config.ts).
export default stepProject('order-workflow-express', {
  include: ['tests/reliability/faults.test.ts', 'tests/reliability/duplicates.test.ts'],
  testTimeout: 180_000,
  hookTimeout: 120_000,
  env: { ORDER_FLOW_WORKFLOW_TYPE: 'EXPRESS' },
});
