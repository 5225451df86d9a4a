/**
 * Bundles a step's Lambda handler with esbuild into `dist/lambda/index.mjs` of the package being
 * built, so the published package ships a ready bundle and `Code.fromAsset` needs no bundler.
 *
 * ESM, minified, target node24, AWS SDK v3 bundled (pinned by our lockfile, not by whatever the
 * runtime carries), source maps off. A `metafile.json` beside the bundle feeds tools/bench.
 *
 * Usage (from a package directory): tsx ../../tools/scripts/bundle-lambda.ts src/handler.ts
 */
import { build } from 'esbuild';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const entry = process.argv[2];
if (!entry) {
  console.error('usage: bundle-lambda <entry.ts>');
  process.exit(2);
}
const outDir = resolve('dist/lambda');
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
writeFileSync(join(outDir, '..', 'lambda-metafile.json'), JSON.stringify(result.metafile));
const bytes = statSync(join(outDir, 'index.mjs')).size;
console.log(`bundled ${entry} -> dist/lambda/index.mjs (${(bytes / 1024).toFixed(0)} KiB)`);
