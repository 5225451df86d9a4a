import { stepProject } from '../../vitest.shared.ts';

export default stepProject('workspace', { testTimeout: 60_000 });
