import { stepProject } from '../../vitest.shared.ts';

export default stepProject('step-functions');
