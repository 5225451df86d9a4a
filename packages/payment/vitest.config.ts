import { stepProject } from '../../vitest.shared.ts';

export default stepProject('payment', { globalSetup: ['./tests/global-setup.ts'] });
