import { stepProject } from '../../vitest.shared.ts';

export default stepProject('bench', { testTimeout: 30_000 });
