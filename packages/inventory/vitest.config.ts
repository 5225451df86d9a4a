import { stepProject } from '../../vitest.shared.ts';

export default stepProject('inventory', { globalSetup: ['./tests/global-setup.ts'] });
