import { stepProject } from '../../vitest.shared.ts';

export default stepProject('lambda-kit');
