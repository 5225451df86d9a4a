import { stepProject } from '../../vitest.shared.ts';

export default stepProject('local-runtime', {
  globalSetup: ['./tests/global-setup.ts'],
  testTimeout: 20_000,
  hookTimeout: 30_000,
});
