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
import { build, type Plugin } from 'esbuild';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

/**
 * Lambda always hands a function its role's credentials in AWS_ACCESS_KEY_ID /
 * AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, and the SDK's default chain resolves them from there
 * first. The rest of the chain (SSO, ini files, web identity, IMDS, login, ...) and the STS/SSO
 * clients it needs never run in a Lambda, yet are ~100 KB of every bundle (see tools/bench). So
 * the bundle's default provider is the env provider only; the local runtime sets the same env vars.
 */
function envCredentialsOnly(): Plugin {
  const namespace = 'lambda-env-credentials';
  return {
    name: namespace,
    setup(b) {
      b.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, async (args) => {
        if (args.pluginData === namespace) return undefined;
        const real = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: namespace });
        if (real.errors.length > 0) return undefined;
        return { path: real.path, namespace };
      });
      b.onLoad({ filter: /.*/, namespace }, (args) => ({
        // Resolved from the real package's directory, so its own credential-provider-env is used.
        resolveDir: dirname(args.path),
        loader: 'js',
        contents: [
          "import { fromEnv } from '@aws-sdk/credential-provider-env';",
          'export const defaultProvider = (init = {}) => fromEnv(init);',
          'export const credentialsWillNeedRefresh = () => false;',
          'export const credentialsTreatedAsExpired = () => false;',
        ].join('\n'),
      }));
    },
  };
}

/**
 * Smithy's HTTP protocols load event-stream serde lazily (a dynamic import) for operations with
 * event streams. No operation of the clients our handlers use (DynamoDB, Step Functions) has one,
 * yet esbuild inlines that import (~15 KB). A stub keeps the bundle honest: it throws if ever used.
 */
function noEventStreams(): Plugin {
  const namespace = 'no-event-streams';
  return {
    name: namespace,
    setup(b) {
      b.onResolve({ filter: /^@smithy\/core\/event-streams$/ }, (args) => ({ path: args.path, namespace }));
      b.onLoad({ filter: /.*/, namespace }, () => ({
        loader: 'js',
        contents: [
          "const unsupported = () => { throw new Error('Event streams are not bundled in this Lambda (tools/scripts/bundle-lambda.ts)'); };",
          'export class EventStreamSerde { constructor() { unsupported(); } }',
          'export const eventStreamSerdeProvider = unsupported;',
        ].join('\n'),
      }));
    },
  };
}

const usage = 'usage: bundle-lambda <entry.ts> [out-dir]';
let positionals: string[];
try {
  ({ positionals } = parseArgs({ allowPositionals: true, options: {} }));
} catch (error) {
  console.error(`bundle-lambda: ${(error as Error).message}\n${usage}`);
  process.exit(2);
}
if (positionals.length < 1 || positionals.length > 2) {
  console.error(`bundle-lambda: expected an entry and an optional out-dir, got ${positionals.length} arguments\n${usage}`);
  process.exit(2);
}
const entry = positionals[0]!;
// A second package function gets its own directory; the default keeps existing builds unchanged.
const outName = positionals[1] ?? 'lambda';
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
  plugins: [envCredentialsOnly(), noEventStreams()],
  logLevel: 'warning',
});
writeFileSync(join(outDir, '..', `${outName}-metafile.json`), JSON.stringify(result.metafile));
const bytes = statSync(join(outDir, 'index.mjs')).size;
console.log(`bundled ${entry} -> dist/${outName}/index.mjs (${(bytes / 1024).toFixed(0)} KiB)`);
