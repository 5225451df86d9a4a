import { stepProject } from '../../vitest.shared.ts';

// npm install from the registry (cold cache in CI), a CDK synth and DynamoDB Local: minutes, not seconds.
export default stepProject('consumer-test', { testTimeout: 180_000, hookTimeout: 300_000 });
