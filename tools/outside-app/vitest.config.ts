import { stepProject } from '../../vitest.shared.ts';

// npm install through a local registry (cold cache in CI), a CDK CLI synth with esbuild bundling
// and DynamoDB Local: minutes, not seconds.
export default stepProject('outside-app', { testTimeout: 180_000, hookTimeout: 300_000 });
