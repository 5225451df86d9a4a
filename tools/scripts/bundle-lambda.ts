/**
 * Bundles a step's Lambda handler with esbuild into `dist/<out-dir>/index.mjs` (default
 * `dist/lambda/index.mjs`) of the package being built, so the published package ships a ready
 * bundle and `Code.fromAsset` needs no bundler.
 *
 * ESM, minified, target node24, AWS SDK v3 bundled (pinned by our lockfile, not by whatever the
 * runtime carries), source maps off. A `metafile.json` beside the bundle feeds tools/bench.
 *
 * Usage (from a package directory): tsx ../../tools/scripts/bundle-lambda.ts <entry.ts> [out-dir]
 *   tsx ../../tools/scripts/bundle-lambda.ts src/handler.ts                  -> dist/lambda/
 *   tsx ../../tools/scripts/bundle-lambda.ts src/api-handler.ts lambda-api   -> dist/lambda-api/
 * The metafile is `dist/<out-dir>-metafile.json` (`dist/lambda-metafile.json` by default).
 */
import { build } from 'esbuild';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const entry = process.argv[2];
// A second package function gets its own directory; the default keeps existing builds unchanged.
const outName = process.argv[3] ?? 'lambda';
if (!entry) {
  console.error('usage: bundle-lambda <entry.ts> [out-dir]');
  process.exit(2);
}
// A plain name under dist/: the directory is wiped first, so never let it point elsewhere.
if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(outName)) {
  console.error(`bundle-lambda: out-dir must be a plain directory name under dist/ (got "${outName}")`);
  process.exit(2);
}
const outDir = resolve('dist', outName);
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const result = await build({
  entryPoints: [resolve(entry)],
  outfile: join(outDir, 'index.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  minify: true,
  sourcemap: false,
  metafile: true,
  legalComments: 'none',
  // Workspace packages resolve to their sources, so a bundle never depends on another build.
  conditions: ['@order-flow/source', 'module'],
  mainFields: ['module', 'main'],
  // Some SDK dependencies are CommonJS and call require() for Node built-ins.
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  logLevel: 'warning',
});
writeFileSync(join(outDir, '..', `${outName}-metafile.json`), JSON.stringify(result.metafile));
const bytes = statSync(join(outDir, 'index.mjs')).size;
console.log(`bundled ${entry} -> dist/${outName}/index.mjs (${(bytes / 1024).toFixed(0)} KiB)`);
