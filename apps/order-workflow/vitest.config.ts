import { stepProject } from '../../vitest.shared.ts';

// End-to-end tests start DynamoDB Local (a JVM) per file; give them room on a 2-core machine.
export default stepProject('order-workflow', { testTimeout: 120_000, hookTimeout: 120_000 });
