/**
 * Issue 10, from a stranger's point of view: an ordinary CDK app that knows nothing of this
 * repository (`fixtures/`: an ESM project, `NodejsFunction`s with default bundling, DynamoDB
 * direct integrations, an EventBridge rule with a pattern, a `rate(5 minutes)` schedule) is
 * synthesized with the CDK CLI and run on the packed `@order-flow/local`, installed with npm from
 * a registry, in a scratch directory in the OS temp dir.
 *
 * The packages are packed as `changeset publish` uploads them, published to Verdaccio on localhost
 * (`tools/consumer-test/tests/local-registry.ts`) and installed by name from it as the `@order-flow`
 * scope's registry; the rest of the tree comes from the npm registry npm is configured with, as
 * for any project (the consumer test already proves a whole tree through one registry; this keeps
 * npm's cache in play and the run shorter). The app installs no `@aws-sdk/*` package: its
 * functions leave the SDK external, as NodejsFunction does for every Node.js 18+ runtime, and get
 * it from the runtime, as on Lambda.
 *
 * Needs built packages (`pnpm build`; the root `pnpm test` builds first), Java 17+ and the npm
 * registry. KEEP_OUTSIDE_APP_SCRATCH=1 keeps the scratch directory for a look.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PackedPackage } from '../../scripts/check-packages.ts';
import { npmRegistry, publishToLocalRegistry, stopwatch, type LocalRegistry } from '../../consumer-test/tests/local-registry.ts';

const run = promisify(execFile);
const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** @order-flow/local and the engine it depends on, by workspace directory. */
const PACKAGES = ['step-functions', 'local-runtime'] as const;
/** What `cdk init app --language typescript` would give an ESM project, plus esbuild (NodejsFunction bundles locally with it, no Docker). */
const DEPENDENCIES = { 'aws-cdk-lib': '2.276.0', constructs: '10.8.1' };
const DEV_DEPENDENCIES = { 'aws-cdk': '2.1148.0', esbuild: '0.28.2', tsx: '4.23.15' };
/** The SDK packages the app's functions import and do not bundle. */
const SDK_IMPORTED = ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb'];

/**
 * The scratch app is a plain npm project (none of pnpm's npm_* settings), run on the Node.js that
 * runs this test (24, from the workspace's `node` package), like its functions on nodejs24.x.
 */
function appEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  return { ...env, PATH: [dirname(process.execPath), env.PATH].join(delimiter) };
}

interface PackageLock {
  packages: Record<string, { version?: string; resolved?: string; integrity?: string; dependencies?: Record<string, string> }>;
}

interface Template {
  Resources: Record<string, { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, unknown> }>;
}

interface RunReport {
  functions: string[];
  unsupported: string[];
  execution: { status: string; statesVisited: string[]; output: unknown; item: Record<string, { S?: string }> };
  events: { failedEntryCount: number; deliveries: { status: string; attempts: number; result?: unknown }[]; orders: Record<string, { S?: string; N?: string }>[] };
  schedule: { ticksBefore: number; advancedMinutes: number; ticks: string[]; gapsMinutes: number[] };
  failures: string[];
}

describe('an ordinary CDK app from outside the repository, on the packed @order-flow/local', () => {
  const timings: Record<string, number> = {};
  let scratch: string;
  let app: string;
  let packed: PackedPackage[];
  let registry: LocalRegistry | undefined;

  const timed = stopwatch(timings);
  const template = () => JSON.parse(readFileSync(join(app, 'cdk.out', 'OutsideApp.template.json'), 'utf8')) as Template;
  const resources = (type: string) => Object.values(template().Resources).filter((resource) => resource.Type === type);
  /** The asset directory of a function, by construct id (`aws:asset:path`: the CLI asks synth for it). */
  const assetOf = (id: string) => {
    const fn = Object.values(template().Resources).find((r) => r.Type === 'AWS::Lambda::Function' && String(r.Metadata?.['aws:cdk:path']).startsWith(`OutsideApp/${id}/`));
    return join(app, 'cdk.out', String(fn?.Metadata?.['aws:asset:path']));
  };

  beforeAll(async () => {
    scratch = mkdtempSync(join(realpathSync(tmpdir()), 'order-flow-outside-app-'));
    app = join(scratch, 'app');
    const env = appEnv();

    const uplink = await npmRegistry(env, scratch);
    const published = await publishToLocalRegistry({ scratch, dirs: PACKAGES, uplink, env, timed });
    packed = published.packed;
    const local = (registry = published.registry);

    // The stranger's project: the fixture files and a manifest with third-party pins only;
    // @order-flow/local is added by name from the registry, as a dev dependency.
    mkdirSync(app, { recursive: true });
    cpSync(fixtures, app, { recursive: true });
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'outside-app', version: '0.1.0', private: true, type: 'module', dependencies: DEPENDENCIES, devDependencies: DEV_DEPENDENCIES }, null, 2),
    );
    const localRuntime = packed.find((pkg) => pkg.name === '@order-flow/local')!;
    await timed('npm install', () =>
      run(
        'npm',
        [
          'install',
          '--save-dev',
          `${localRuntime.name}@${localRuntime.version}`,
          ...['--registry', uplink, `--@order-flow:registry=${local.url}`, '--userconfig', local.npmrc, '--no-audit', '--no-fund', '--loglevel=error'],
        ],
        { cwd: app, env, maxBuffer: 16 * 1024 * 1024 },
      ),
    );
    // As the CDK docs say: `cdk synth` (cdk.json runs the app with tsx; notices and telemetry off,
    // nothing but the registry is reachable here).
    await timed('cdk synth', () => run('npx', ['cdk', 'synth', '--quiet'], { cwd: app, env, maxBuffer: 16 * 1024 * 1024 }));
  });

  afterAll(async () => {
    await timed('registry stop', async () => registry?.stop());
    // fs/promises' rm works the ~13,000 files of aws-cdk-lib and the CLI off the main thread.
    if (scratch && !process.env.KEEP_OUTSIDE_APP_SCRATCH) await timed('cleanup', () => rm(scratch, { recursive: true, force: true }));
    console.log(`outside app test timings (ms): ${JSON.stringify(timings)}${scratch ? `; scratch ${scratch}` : ''}`);
  });

  it('is an ordinary ESM project with no AWS SDK of its own; @order-flow/local came from the registry as packed', () => {
    const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { type: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect(manifest.type).toBe('module');
    expect(Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }).filter((name) => name.startsWith('@aws-sdk/'))).toEqual([]);
    expect(Object.keys(manifest.devDependencies)).toContain('@order-flow/local');

    const lock = JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8')) as PackageLock;
    for (const pkg of packed) {
      const entry = lock.packages[`node_modules/${pkg.name}`];
      const [scope, name] = pkg.name.split('/') as [string, string];
      expect(entry?.resolved).toBe(`${registry!.url}${scope}/${name}/-/${name}-${pkg.version}.tgz`);
      expect(entry?.integrity).toBe(`sha512-${createHash('sha512').update(readFileSync(pkg.tarball)).digest('base64')}`);
    }
    // The SDK the functions import is there only as the runtime's own dependency.
    expect(Object.keys(lock.packages['node_modules/@order-flow/local']?.dependencies ?? {})).toEqual(expect.arrayContaining(SDK_IMPORTED));
  });

  it('synthesizes with NodejsFunction defaults: nodejs24.x, CommonJS index.js bundles, @aws-sdk/* left external', () => {
    const functions = resources('AWS::Lambda::Function');
    expect(functions.map((fn) => [fn.Properties.Runtime, fn.Properties.Handler])).toEqual(Array.from({ length: 3 }, () => ['nodejs24.x', 'index.handler']));
    const bundle = readFileSync(join(assetOf('OnOrderPlaced'), 'index.js'), 'utf8');
    expect(readdirSync(assetOf('OnOrderPlaced'))).toEqual(['index.js']);
    expect(bundle).toContain('module.exports');
    for (const sdk of SDK_IMPORTED) expect(bundle).toContain(`require("${sdk}")`);
    // The SDK is not in the bundle: a few KB of handler, not hundreds of KB of client.
    expect(statSync(join(assetOf('OnOrderPlaced'), 'index.js')).size).toBeLessThan(10_000);

    const machine = resources('AWS::StepFunctions::StateMachine')[0]!;
    const parts = (machine.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    const definition = JSON.stringify(parts);
    for (const resource of [':states:::dynamodb:putItem', ':states:::dynamodb:getItem', ':states:::lambda:invoke']) expect(definition).toContain(resource);
    const rules = resources('AWS::Events::Rule').map((rule) => rule.Properties.ScheduleExpression ?? rule.Properties.EventPattern);
    expect(rules).toEqual(
      expect.arrayContaining(['rate(5 minutes)', { source: ['shop.orders'], 'detail-type': ['OrderPlaced'], detail: { total: [{ numeric: ['>=', 100] }] } }]),
    );
  });

  it('negative control: plain Node.js cannot load those bundles where they lie (inside the ESM project)', async () => {
    // Why the runtime must load a function as Lambda does, from its own task root: here the
    // project's "type": "module" makes Node read the CommonJS bundle as ESM.
    const load = run(process.execPath, [join(assetOf('Summarize'), 'index.js')], { cwd: app, env: appEnv() });
    await expect(load).rejects.toMatchObject({ stderr: expect.stringMatching(/ReferenceError: module is not defined in ES module scope/) });
  });

  it('runs on the packed runtime with a virtual clock: execution and table, event pattern, rate(5 minutes)', async () => {
    const outcome = await timed('local run', () =>
      run(process.execPath, ['run.mjs', 'cdk.out'], { cwd: app, env: appEnv(), maxBuffer: 16 * 1024 * 1024 }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code ?? 1, stdout: error.stdout ?? '', stderr: error.stderr ?? '' }),
      ),
    );
    const lines = outcome.stdout.trim().split('\n');
    console.log(lines.slice(0, -1).join('\n'));
    expect(outcome.code, `run.mjs failed:\n${outcome.stdout}\n${outcome.stderr}`).toBe(0);
    const report = JSON.parse(lines.at(-1)!) as RunReport;

    expect(report.failures).toEqual([]);
    expect(report.unsupported).toEqual([]);
    expect(report.functions).toEqual(['OutsideApp/Summarize/Resource', 'OutsideApp/OnOrderPlaced/Resource', 'OutsideApp/Tick/Resource']);

    // Step Functions: "Call DynamoDB with Step Functions" (putItem, getItem) and "Invoke Lambda".
    expect(report.execution).toMatchObject({
      status: 'SUCCEEDED',
      statesVisited: ['SaveNote', 'LoadNote', 'SummarizeNote'],
      output: { id: 'note#n-1', words: 4, shout: 'SHIP IT FROM OUTSIDE' },
      item: { pk: { S: 'note#n-1' }, sk: { S: 'note' }, text: { S: 'ship it from outside' } },
    });

    // EventBridge: "Amazon EventBridge event patterns" — one event matches (numeric >= 100);
    // the small order and the other detail-type are the negative controls: no delivery, no item.
    expect(report.events.failedEntryCount).toBe(0);
    expect(report.events.deliveries).toEqual([{ status: 'succeeded', attempts: 1, result: { recorded: 'o-big' } }]);
    expect(report.events.orders).toEqual([expect.objectContaining({ pk: { S: 'order#o-big' }, total: { N: '250' } })]);

    // "Creating a rule that runs on a schedule": rate(5 minutes) counts from the rule's creation
    // (the runtime's start). Nothing fires until virtual time moves (negative control); 17
    // virtual minutes later the function ran at 5, 10 and 15.
    expect(report.schedule.ticksBefore).toBe(0);
    expect(report.schedule.advancedMinutes).toBeGreaterThanOrEqual(17);
    expect(report.schedule.ticks).toHaveLength(3);
    expect(report.schedule.gapsMinutes).toEqual([5, 5]);
  });
});
