import { stepProject } from '../../vitest.shared.ts';

// End-to-end tests start DynamoDB Local (a JVM) per file; give them room on a 2-core machine.
// The outage scenarios run with 60 orders each here (`pnpm test`, CI) and with the 200
// under `pnpm test:reliability` (tests/reliability/support/outage.ts).
export default stepProject('order-workflow', { testTimeout: 120_000, hookTimeout: 120_000, env: { ORDER_FLOW_OUTAGE_ORDERS: '60' } });
