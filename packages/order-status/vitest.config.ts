import { stepProject } from '../../vitest.shared.ts';

export default stepProject('order-status', { globalSetup: ['./tests/global-setup.ts'] });
