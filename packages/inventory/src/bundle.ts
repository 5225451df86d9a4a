import { fileURLToPath } from 'node:url';

/**
 * Where `pnpm build` writes the handler bundle; the same relative path from src/ and dist/.
 * `shippedBundle()` (construct-kit) checks it holds `index.mjs` before the construct uses it.
 */
export const DEFAULT_BUNDLE_DIR = fileURLToPath(new URL('../dist/lambda', import.meta.url));
/** Where `pnpm build` writes the stock API bundle (`src/api-handler.ts`). */
export const API_BUNDLE_DIR = fileURLToPath(new URL('../dist/lambda-api', import.meta.url));
