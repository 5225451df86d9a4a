/**
 * Reuse proof, outside the workspace: the published packages are packed exactly as they would be
 * uploaded, published with `npm publish` to a real registry on localhost (Verdaccio, started by
 * this test with its storage in the scratch directory), and installed from it with
 * `npm install @order-flow/... --registry <local>` into a scratch app in the OS temp dir: no
 * workspace links, no `file:` specs, no overrides. The steps' own dependency on
 * `@order-flow/contracts@0.1.0` resolves from the registry exactly as it would from npmjs. The app
 * composes a workflow of the consumer's own ("charge first, then hold stock"), synthesizes it and
 * runs it on the published local runtime with real DynamoDB Local.
 *
 * The registry serves `@order-flow/*` from its own storage only and proxies everything else to
 * the npm registry, so the whole tree comes through one URL (asserted on package-lock.json).
 *
 * Needs built packages (`pnpm build`; the root `pnpm test` builds first), Java 17+ and the npm
 * registry. Set KEEP_CONSUMER_SCRATCH=1 to keep the scratch directory (registry storage included)
 * for a look.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, type PackedPackage } from '../../scripts/check-packages.ts';
import { npmRegistry, publishToLocalRegistry, stopwatch, type LocalRegistry } from './local-registry.ts';

const run = promisify(execFile);
const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const tsc = join(REPO_ROOT, 'node_modules', '.bin', 'tsc');

/** The packages the consumer installs, by workspace directory. */
const PACKAGES = ['contracts', 'construct-kit', 'lambda-kit', 'inventory', 'payment', 'order-status', 'step-functions', 'local-runtime'] as const;
/** Third-party versions the consumer pins (what a CDK app would have). */
const THIRD_PARTY = {
  'aws-cdk-lib': '2.276.0',
  constructs: '10.8.1',
  // Optional peers of `@order-flow/inventory/runtime`, used by run.mjs to seed stock.
  '@aws-sdk/client-dynamodb': '3.1162.0',
  '@aws-sdk/lib-dynamodb': '3.1162.0',
  // Only for type-checking app.ts (it reads process.argv).
  '@types/node': '24.19.2',
};

/** The child processes must not inherit pnpm's npm_* settings: the scratch app is a plain npm project. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
}

interface PackageLock {
  packages: Record<string, { version?: string; resolved?: string; integrity?: string; link?: boolean; inBundle?: boolean; dependencies?: Record<string, string> }>;
}

interface RunSummary {
  status: string;
  error?: string;
  statesVisited: string[];
  output?: { charge?: { status: string; amount: number }; stock?: { total: number; lines: { sku: string; quantity: number }[] } };
}

describe('published packages, reused outside the workspace', () => {
  const timings: Record<string, number> = {};
  let scratch: string;
  let app: string;
  let packed: PackedPackage[];
  let registry: LocalRegistry | undefined;
  let npmStderr: string;

  const readLock = () => JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8')) as PackageLock;

  const timed = stopwatch(timings);

  beforeAll(async () => {
    scratch = mkdtempSync(join(realpathSync(tmpdir()), 'order-flow-consumer-'));
    app = join(scratch, 'app');
    mkdirSync(app, { recursive: true });

    const published = await publishToLocalRegistry({ scratch, dirs: PACKAGES, uplink: npmRegistry(cleanEnv(), scratch), env: cleanEnv(), timed });
    packed = published.packed;
    const local = (registry = published.registry);

    // A plain npm project: only third-party pins; the @order-flow packages are added by name below.
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'hold-stock-app', private: true, type: 'module', dependencies: THIRD_PARTY }, null, 2));
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'es2024',
          lib: ['es2024'],
          module: 'nodenext',
          moduleResolution: 'nodenext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          verbatimModuleSyntax: true,
          erasableSyntaxOnly: true,
          types: ['node'],
        },
        files: ['app.ts'],
      }),
    );
    copyFileSync(join(fixtures, 'app.ts'), join(app, 'app.ts'));
    copyFileSync(join(fixtures, 'run.mjs'), join(app, 'run.mjs'));

    const install = await timed('npm install', () =>
      run(
        'npm',
        [
          'install',
          ...packed.map((pkg) => `${pkg.name}@${pkg.version}`),
          ...['--registry', local.url, '--userconfig', local.npmrc, '--no-audit', '--no-fund', '--loglevel=warn'],
        ],
        { cwd: app, env: cleanEnv(), maxBuffer: 16 * 1024 * 1024 },
      ),
    );
    npmStderr = install.stderr;
    // Node 24 runs app.ts directly (type stripping), like `tsx app.ts` would.
    await timed('synth', () => run(process.execPath, ['app.ts', 'cdk.out'], { cwd: app, env: cleanEnv() }));
  });

  afterAll(async () => {
    await timed('registry stop', async () => registry?.stop());
    if (scratch && !process.env.KEEP_CONSUMER_SCRATCH) await timed('cleanup', () => Promise.resolve(rmSync(scratch, { recursive: true, force: true })));
    console.log(`consumer test timings (ms): ${JSON.stringify(timings)}${scratch ? `; scratch ${scratch}` : ''}`);
  });

  it('installs real copies of the tarballs, never links into the repository', () => {
    expect(relative(REPO_ROOT, scratch).startsWith('..')).toBe(true);
    for (const pkg of packed) {
      const installed = join(app, 'node_modules', ...pkg.name.split('/'));
      expect(lstatSync(installed).isSymbolicLink(), `${pkg.name} is a symlink`).toBe(false);
      expect(realpathSync(installed).startsWith(REPO_ROOT + sep) || realpathSync(installed) === REPO_ROOT).toBe(false);
      expect(existsSync(join(installed, 'src')), `${pkg.name} ships src/`).toBe(false);
    }
    // One contracts, from the local registry, shared by every step (no nested copy from elsewhere).
    const lock = readLock();
    const contracts = Object.entries(lock.packages).filter(([path]) => path.endsWith('node_modules/@order-flow/contracts'));
    expect(contracts.map(([path]) => path)).toEqual(['node_modules/@order-flow/contracts']);
    expect(contracts[0]![1].resolved).toBe(`${registry!.url}@order-flow/contracts/-/contracts-0.1.0.tgz`);
    // The bundles ship inside the packages: the consumer needs no bundler.
    for (const step of ['inventory', 'payment', 'order-status']) {
      expect(existsSync(join(app, 'node_modules', '@order-flow', step, 'dist', 'lambda', 'index.mjs'))).toBe(true);
    }
    // Peers are declared so that this install is clean.
    expect(npmStderr).not.toMatch(/ERESOLVE|peer dep|EBADENGINE/i);
  });

  it('installed every package through the local registry: the published bytes, plain registry specs', () => {
    const lock = readLock();
    for (const pkg of packed) {
      const entry = lock.packages[`node_modules/${pkg.name}`];
      const [scope, name] = pkg.name.split('/') as [string, string];
      expect(entry?.version).toBe(pkg.version);
      expect(entry?.resolved).toBe(`${registry!.url}${scope}/${name}/-/${name}-${pkg.version}.tgz`);
      // What npm installed is the tarball we packed, byte for byte.
      expect(entry?.integrity).toBe(`sha512-${createHash('sha512').update(readFileSync(pkg.tarball)).digest('base64')}`);
    }
    // The steps ask for contracts by registry version, as they do on npmjs (pnpm pack rewrote workspace:*).
    for (const step of ['inventory', 'payment', 'order-status']) {
      expect(lock.packages[`node_modules/@order-flow/${step}`]?.dependencies?.['@order-flow/contracts']).toBe('0.1.0');
    }
    // Third-party packages came through the same URL (the uplink proxy): one registry for the whole
    // tree. Bundled dependencies (aws-cdk-lib's) ship inside their parent's tarball and have no URL.
    const elsewhere = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && !entry.link && !entry.inBundle && !entry.resolved?.startsWith(registry!.url))
      .map(([path, entry]) => `${path} <- ${entry.resolved ?? '(none)'}`);
    expect(elsewhere).toEqual([]);
    // Nothing steered the resolution: no overrides, no file:/link: specs in the consumer's manifest.
    const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; overrides?: unknown };
    expect(manifest.overrides).toBeUndefined();
    expect(Object.values(manifest.dependencies).filter((spec) => /^(?:file|link|workspace|git|https?):/.test(spec))).toEqual([]);
    expect(Object.keys(manifest.dependencies)).toEqual(expect.arrayContaining(packed.map((pkg) => pkg.name)));
  });

  it('type-checks the consumer app against the packed declarations', async () => {
    await expect(run(tsc, ['-p', 'tsconfig.json'], { cwd: app, env: cleanEnv() })).resolves.toBeDefined();
  });

  it('synthesizes a different workflow from the published constructs', () => {
    const template = JSON.parse(readFileSync(join(app, 'cdk.out', 'HoldStock.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const resources = Object.values(template.Resources);
    const machine = resources.find((resource) => resource.Type === 'AWS::StepFunctions::StateMachine');
    const parts = (machine?.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    const definition = parts.filter((part): part is string => typeof part === 'string').join('');
    expect(definition).toContain('"StartAt":"ChargeUpfront"');
    expect(definition).toContain('"amount.$":"$.hold.amount"');
    expect(definition).toContain('"items.$":"$.hold.lines"');
    expect(definition).toContain('"RefundUpfront"');
    const functions = resources.filter((resource) => resource.Type === 'AWS::Lambda::Function');
    expect(functions.map((fn) => fn.Properties.Runtime)).toEqual(['nodejs24.x', 'nodejs24.x']);
    expect(resources.filter((resource) => resource.Type === 'AWS::DynamoDB::GlobalTable')).toHaveLength(2);
  });

  it('runs it on the packed local runtime: stock held after the charge, refunded when short', async () => {
    const { stdout } = await timed('local run', () => run(process.execPath, ['run.mjs', 'cdk.out'], { cwd: app, env: cleanEnv() }));
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as { held: RunSummary; afterHeld: number; short: RunSummary; afterShort: number };

    expect(result.held.status).toBe('SUCCEEDED');
    expect(result.held.statesVisited).toEqual(['ChargeUpfront', 'HoldStock', 'Held']);
    expect(result.held.output?.charge).toMatchObject({ status: 'CAPTURED', amount: 1998 });
    expect(result.held.output?.stock).toMatchObject({ total: 1998, lines: [{ sku: 'SKU-MUG', quantity: 2 }] });
    expect(result.afterHeld).toBe(3);

    expect(result.short.status).toBe('FAILED');
    expect(result.short.error).toBe('OutOfStock');
    expect(result.short.statesVisited).toEqual(['ChargeUpfront', 'HoldStock', 'RefundUpfront', 'StockUnavailable']);
    expect(result.afterShort).toBe(3);
  });
});
