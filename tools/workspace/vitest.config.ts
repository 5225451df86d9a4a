import { stepProject } from '../../vitest.shared.ts';

// @actions/workflow-parser imports its JSON schema without an import attribute, which Node's
// ESM loader refuses: inlined, Vite transforms it (and its JSON import) instead.
export default stepProject('workspace', { testTimeout: 60_000, server: { deps: { inline: ['@actions/workflow-parser'] } } });
