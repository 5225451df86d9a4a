import { stepProject } from '../../vitest.shared.ts';

export default stepProject('order-api', { globalSetup: ['./tests/global-setup.ts'] });
