import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `pnpm build` writes the handler bundle; the same relative path from src/ and dist/. */
export const DEFAULT_BUNDLE_DIR = fileURLToPath(new URL('../dist/lambda', import.meta.url));
/** Where `pnpm build` writes the stock API bundle (`src/api-handler.ts`). */
export const API_BUNDLE_DIR = fileURLToPath(new URL('../dist/lambda-api', import.meta.url));

/**
 * Returns `dir` if it holds the handler bundle (`index.mjs`).
 * @throws Error telling the user to build the package when the bundle is missing.
 */
export function resolveBundleDir(dir: string = DEFAULT_BUNDLE_DIR): string {
  if (!existsSync(join(dir, 'index.mjs'))) {
    throw new Error(
      `The inventory Lambda bundle is missing (${join(dir, 'index.mjs')}). ` +
        'Run `pnpm build` in packages/inventory (or `pnpm nx run @order-flow/inventory:build`) first.',
    );
  }
  return dir;
}
