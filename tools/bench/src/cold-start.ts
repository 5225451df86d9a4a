/**
 * Cold start per handler: bundle bytes (minified, gzipped) and the time from spawning a fresh
 * Node process to the end of its first invocation against DynamoDB Local, split into bootstrap,
 * import, explicit init and first invocation, with a warm invocation after it. Beside: the same
 * handler with the opt-in warm-up request and loaded unbundled from node_modules, and three
 * floors: hello-world, and one GetItem (hello-dynamodb) bundled like the handlers and the default
 * esbuild way.
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { LOCAL_CREDENTIALS } from '@order-flow/local';
import { FUNCTION_INIT_MEASURE, PRIMING_ENV, WARM_UP_ENV, type PrimeOutcome } from '@order-flow/contracts/lambda-init';
import { round, summarize, type Summary } from './stats.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root (tools/bench/src -> ../../..). */
export const REPO_ROOT = resolve(here, '../../..');
/** Scratch space inside the repo, so externalized imports resolve through its node_modules. */
export const TMP_DIR = resolve(here, '../.tmp');

/** One Lambda handler under test. */
export interface HandlerSpec {
  /** Short name, e.g. `inventory`. */
  readonly name: string;
  /** Package directory relative to the repo root. */
  readonly packageDir: string;
  /** Handler source relative to the package. */
  readonly entry: string;
  /** Bundle directory under the package's dist (what bundle-lambda writes). */
  readonly outName: string;
  /** Whether it talks to DynamoDB (the 300 KB target applies). */
  readonly dynamodb: boolean;
  /** Environment of the function (table names etc.), resolved by the caller. */
  env(tables: Tables): Record<string, string>;
  /** A fresh event for run `i` (unique ids so every run does real work). */
  event(i: number, seed: Seed): unknown;
}

/** Physical table names of the running assembly. */
export interface Tables {
  readonly inventory: string;
  readonly payment: string;
  readonly orders: string;
}

/** What the events may rely on existing in the tables. */
export interface Seed {
  /** A SKU with plenty of stock. */
  readonly sku: string;
  /** A run-unique prefix for ids. */
  readonly runId: string;
}

const orderOf = (orderId: string, seed: Seed) => ({
  orderId,
  customerId: 'cus_bench',
  items: [{ sku: seed.sku, quantity: 1 }],
  payment: { token: 'tok_visa' },
  currency: 'USD',
});

/** The handlers of the workflow and its API, with an event that makes each do its real work. */
export const HANDLERS: readonly HandlerSpec[] = [
  {
    name: 'inventory',
    packageDir: 'packages/inventory',
    entry: 'src/handler.ts',
    outName: 'lambda',
    dynamodb: true,
    env: (t) => ({ INVENTORY_TABLE_NAME: t.inventory, POWERTOOLS_SERVICE_NAME: 'inventory' }),
    event: (i, s) => ({ action: 'reserve', orderId: `cs_${s.runId}_inv_${i}`, items: [{ sku: s.sku, quantity: 1 }] }),
  },
  {
    name: 'inventory-api',
    packageDir: 'packages/inventory',
    entry: 'src/api-handler.ts',
    outName: 'lambda-api',
    dynamodb: true,
    env: (t) => ({ INVENTORY_TABLE_NAME: t.inventory, POWERTOOLS_SERVICE_NAME: 'inventory-api' }),
    event: (_i, s) => ({
      version: '2.0',
      routeKey: 'GET /inventory/{sku}',
      rawPath: `/inventory/${s.sku}`,
      pathParameters: { sku: s.sku },
      headers: {},
      requestContext: { requestId: 'bench' },
      isBase64Encoded: false,
    }),
  },
  {
    name: 'payment',
    packageDir: 'packages/payment',
    entry: 'src/handler.ts',
    outName: 'lambda',
    dynamodb: true,
    env: (t) => ({ PAYMENT_TABLE_NAME: t.payment, POWERTOOLS_SERVICE_NAME: 'payment' }),
    event: (i, s) => ({ action: 'charge', orderId: `cs_${s.runId}_pay_${i}`, amount: 1000, currency: 'USD', token: 'tok_visa' }),
  },
  {
    name: 'order-status',
    packageDir: 'packages/order-status',
    entry: 'src/handler.ts',
    outName: 'lambda',
    dynamodb: true,
    env: (t) => ({ ORDERS_TABLE_NAME: t.orders, POWERTOOLS_SERVICE_NAME: 'order-status' }),
    event: (i, s) => ({ action: 'create', order: orderOf(`cs_${s.runId}_ord_${i}`, s) }),
  },
  {
    name: 'order-api',
    packageDir: 'packages/order-api',
    entry: 'src/handler.ts',
    outName: 'lambda',
    dynamodb: true,
    env: (t) => ({
      ORDERS_TABLE_NAME: t.orders,
      STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:bench',
      POWERTOOLS_SERVICE_NAME: 'order-api',
    }),
    // A read of an order that does not exist: one GetItem, answered 404 (no Step Functions call).
    event: (i, s) => ({
      version: '2.0',
      routeKey: 'GET /orders/{orderId}',
      rawPath: `/orders/cs_${s.runId}_missing_${i}`,
      pathParameters: { orderId: `cs_${s.runId}_missing_${i}` },
      headers: {},
      requestContext: { requestId: 'bench' },
      isBase64Encoded: false,
    }),
  },
];

/** Size of one built bundle. */
export interface BundleSize {
  readonly name: string;
  /** Path relative to the repo root. */
  readonly path: string;
  readonly minifiedBytes: number;
  readonly gzippedBytes: number;
}

/** Path of a handler's built bundle (relative to the repo root). */
export function bundlePath(spec: Pick<HandlerSpec, 'packageDir' | 'outName'>): string {
  return join(spec.packageDir, 'dist', spec.outName, 'index.mjs');
}

/** Bytes of a built bundle: as shipped (minified) and gzip level 9 (close to the zip asset). */
export function measureBundle(name: string, path: string): BundleSize {
  const absolute = resolve(REPO_ROOT, path);
  const bytes = readFileSync(absolute);
  return { name, path, minifiedBytes: statSync(absolute).size, gzippedBytes: gzipSync(bytes, { level: 9 }).length };
}

/**
 * Makes every bare import that resolves into node_modules external, by absolute path, so the
 * output loads the SDK & co. file by file from node_modules like an unbundled deployment
 * (NodejsFunction with the SDK external). Workspace packages stay bundled (their sources are TS).
 */
function externalNodeModules(): Plugin {
  return {
    name: 'external-node-modules',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === 'inner' || args.path.startsWith('@order-flow/') || args.path.startsWith('node:')) return undefined;
        const resolved = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'inner' });
        if (resolved.errors.length > 0 || !resolved.path.includes('/node_modules/')) return undefined;
        return { path: resolved.path, external: true };
      });
    },
  };
}

/** Builds the unbundled variant of a handler into .tmp/unbundled/<name>/index.mjs. */
export async function buildUnbundled(spec: HandlerSpec): Promise<string> {
  const outfile = join(TMP_DIR, 'unbundled', spec.name, 'index.mjs');
  await build({
    entryPoints: [resolve(REPO_ROOT, spec.packageDir, spec.entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    // What Node itself resolves: `import` exports / `main`, never esbuild's `module` field.
    conditions: ['@order-flow/source'],
    mainFields: ['main'],
    plugins: [externalNodeModules()],
    logLevel: 'error',
  });
  return relative(REPO_ROOT, outfile);
}

/**
 * Bundles `entry` into `outfile` as the floors are built (minified Node 24 ESM, like a step
 * bundle), with the `extra` options a floor needs; returns `outfile` relative to the repo.
 */
async function buildFloor(entry: string, outfile: string, extra: Omit<BuildOptions, 'entryPoints' | 'outfile'>): Promise<string> {
  await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node24', minify: true, logLevel: 'error', ...extra });
  return relative(REPO_ROOT, outfile);
}

/** Builds the hello-world floor with the same esbuild options as a step bundle. */
export function buildHello(): Promise<string> {
  return buildFloor(join(here, 'hello-handler.ts'), join(TMP_DIR, 'hello', 'index.mjs'), { legalComments: 'none' });
}

/** Table the hello-dynamodb floor reads (the literal in hello-dynamodb-handler.ts). */
export const HELLO_TABLE_ENV = 'HELLO_TABLE_NAME';

/** The hello-dynamodb source: one GetItem with the handlers' clients and settings. */
const HELLO_DYNAMODB_ENTRY = join(here, 'hello-dynamodb-handler.ts');

/**
 * Builds the hello-dynamodb floor exactly as the handlers are built: by running
 * tools/scripts/bundle-lambda.ts itself (same esbuild options, same plugins: env-only
 * credentials, no event-stream serde), in a scratch directory that plays the package.
 */
export function buildHelloDynamoDbTrimmed(): string {
  const packageDir = join(TMP_DIR, 'floors', 'hello-dynamodb');
  mkdirSync(packageDir, { recursive: true });
  const tsx = createRequire(import.meta.url).resolve('tsx/cli');
  execFileSync(process.execPath, [tsx, join(REPO_ROOT, 'tools/scripts/bundle-lambda.ts'), HELLO_DYNAMODB_ENTRY, 'lambda'], {
    cwd: packageDir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return relative(REPO_ROOT, join(packageDir, 'dist', 'lambda', 'index.mjs'));
}

/**
 * Builds the same hello-dynamodb source the default way: esbuild's defaults for a Node ESM bundle
 * (`main` before `module`, so the SDK's CommonJS build; no plugins, so the full default credential
 * chain and the event-stream serde), minified. The createRequire banner is not an optimization:
 * an ESM bundle of CommonJS code that requires Node built-ins does not run without it (it is what
 * the CDK's NodejsFunction documentation prescribes for ESM output).
 */
export function buildHelloDynamoDbPlain(): Promise<string> {
  return buildFloor(HELLO_DYNAMODB_ENTRY, join(TMP_DIR, 'floors', 'hello-dynamodb-plain', 'index.mjs'), {
    banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  });
}

/**
 * One measured spawn, split the way Lambda splits a cold start. Everything but `totalMs` is
 * measured inside the child, from the moment the runner is ready.
 */
export interface Sample {
  /** Spawn to the end of the first invocation, as seen by the parent. */
  readonly totalMs: number;
  /**
   * Spawn to the runner ready to import the handler: process creation and Node's own start
   * (`totalMs` minus what the child measured after it was ready, so no clock is shared).
   */
  readonly bootstrapMs: number;
  /** Loading the handler module (Lambda Init's code load), explicit module-init work excluded. */
  readonly importMs: number;
  /**
   * Explicit module-init work the handler reports as `performance.measure` entries named
   * {@link FUNCTION_INIT_MEASURE} (priming the SDK); 0 for a handler that does none.
   */
  readonly initMs: number;
  /** The first invocation. */
  readonly firstInvokeMs: number;
  /** A second invocation in the same process (a warm invocation), with a fresh event. */
  readonly warmInvokeMs: number;
  /** What the handler's priming reported (the init measures' detail); empty without priming. */
  readonly prime: readonly PrimeOutcome[];
  readonly node: string;
}

/** What the runner writes on fd 3: one line after the first invocation, one after the second. */
interface RunnerReport {
  readonly ok: boolean;
  readonly error?: string;
  readonly result?: unknown;
  readonly node?: string;
  /** performance.now() when the runner was ready to import the handler. */
  readonly ready?: number;
  readonly imported?: number;
  readonly initMs?: number;
  readonly prime?: PrimeOutcome[];
  readonly invoked?: number;
  /** Second line: the warm invocation's duration. */
  readonly warmMs?: number;
}

/**
 * Spawns a fresh Node process that imports `file`, runs one invocation of `first` (timed from
 * spawn) and then one of `warm` in the same process.
 */
export function coldStartOnce(file: string, first: unknown, warm: unknown, env: Record<string, string>): Promise<Sample> {
  const runner = join(here, 'cold-start-runner.mjs');
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [runner, resolve(REPO_ROOT, file), JSON.stringify([first, warm]), FUNCTION_INIT_MEASURE], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      env,
    });
    let stderr = '';
    let out = '';
    let firstLine: (RunnerReport & { arrived: number }) | undefined;
    let done: Sample | undefined;
    let failure: string | undefined;
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const report = child.stdio[3] as NodeJS.ReadableStream;
    report.on('data', (chunk: Buffer) => {
      const arrived = performance.now();
      out += chunk.toString();
      const lines = out.split('\n');
      if (!firstLine && lines.length > 1) {
        const body = JSON.parse(lines[0]!) as RunnerReport;
        if (!body.ok) failure = body.error ?? JSON.stringify(body.result);
        else firstLine = { ...body, arrived };
      }
      if (firstLine && !done && !failure && lines.length > 2) {
        const body = JSON.parse(lines[1]!) as RunnerReport;
        if (!body.ok) {
          failure = `warm invocation: ${body.error ?? JSON.stringify(body.result)}`;
          return;
        }
        const { ready, imported, initMs, invoked } = firstLine as Required<RunnerReport>;
        const totalMs = firstLine.arrived - started;
        done = {
          totalMs,
          bootstrapMs: Math.max(0, totalMs - (invoked - ready)),
          importMs: imported - ready - initMs,
          initMs,
          firstInvokeMs: invoked - imported,
          warmInvokeMs: body.warmMs!,
          prime: firstLine.prime ?? [],
          node: firstLine.node!,
        };
      }
    });
    child.on('error', reject);
    child.on('close', () => {
      if (done) resolvePromise(done);
      else reject(new Error(`cold start of ${file} failed: ${failure ?? 'no report'}\n${stderr.slice(0, 2000)}`));
    });
  });
}

/** Which build of what a variant runs. */
export type VariantKind =
  /** A bundle that does nothing: Node's own start. */
  | 'hello-world'
  /** One GetItem, bundled exactly like the handlers (the floor the handlers are held to). */
  | 'hello-dynamodb'
  /** The same GetItem bundled with esbuild's defaults (what the trimming buys). */
  | 'hello-dynamodb-plain'
  /** A handler's shipped bundle, as deployed. */
  | 'bundled'
  /** The shipped bundle with the opt-in warm-up request in Init ({@link WARM_UP_ENV}). */
  | 'bundled+warm-up'
  /** The shipped bundle with its dry runs turned off ({@link PRIMING_ENV} `off`). */
  | 'bundled-no-priming'
  /** The handler with node_modules left external (the SDK loaded file by file). */
  | 'unbundled';

/** Result of one variant. */
export interface VariantResult {
  /** Handler name, or the floor's name for the floors. */
  readonly handler: string;
  readonly variant: VariantKind;
  readonly file: string;
  /** Minified and gzipped bytes of the floors (the handlers' are in `bundles`). */
  readonly size?: { readonly minifiedBytes: number; readonly gzippedBytes: number };
  /** Spawn to the end of the first invocation. */
  readonly totalMs: Summary;
  readonly bootstrapMs: Summary;
  readonly importMs: Summary;
  readonly initMs: Summary;
  readonly firstInvokeMs: Summary;
  readonly warmInvokeMs: Summary;
  /** Median total / median total of the trimmed hello-dynamodb floor of the same run. */
  readonly ratioToFloor: number;
  /** Median total / median total of hello-world of the same run. */
  readonly ratioToHelloWorld: number;
  /** Median first invocation / median warm invocation (not meaningful for hello-world). */
  readonly firstToWarm: number;
  /**
   * Per spawn, spawn → first result minus the warm invocation: what the cold start costs beyond
   * the invocation's own work. A handler whose invocation sends several requests (payment's
   * charge: six) cannot come near a one-GetItem floor on `totalMs`; on this it can.
   */
  readonly coldOverheadMs: Summary;
  /** Median cold overhead / median cold overhead of the trimmed hello-dynamodb floor. */
  readonly coldOverheadToFloor: number;
}

/** The cold-start section's results. */
export interface ColdStartResults {
  readonly node: string;
  readonly variants: VariantResult[];
  /** os.loadavg() (1/5/15 min) when the section began and when it ended. */
  readonly loadAverage: { readonly before: readonly number[]; readonly after: readonly number[] };
}

/**
 * The environment every measured function gets, the same for `pnpm bench` and the cold-start
 * command: the Lambda variables the handlers read, DynamoDB Local as the endpoint, and the
 * runtime's local credentials. Logs are written as on Lambda, then discarded by the runner's stdio.
 */
export function lambdaBaseEnv(endpoint: string, region: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
    POWERTOOLS_LOG_LEVEL: 'INFO',
  };
}

/** Options of {@link runColdStarts}. */
export interface ColdStartOptions {
  readonly runs: number;
  readonly tables: Tables;
  readonly seed: Seed;
  /** Environment every function gets (endpoint, credentials, region). */
  readonly baseEnv: Record<string, string>;
  readonly log?: (line: string) => void;
}

interface PlannedVariant {
  readonly handler: string;
  readonly variant: VariantKind;
  readonly file: string;
  env(tables: Tables): Record<string, string>;
  event(i: number, seed: Seed): unknown;
}

/**
 * A measurement only counts if the variant is what it says: no dry run of the handler's priming
 * failed (it would prime less, silently), the dry runs were skipped exactly when the variant turns
 * them off, and the warm-up request was sent exactly when the variant asks for it.
 */
function checkPriming(v: PlannedVariant, outcomes: readonly PrimeOutcome[]): void {
  const failures = outcomes.flatMap((o) => o.failures);
  if (failures.length > 0) throw new Error(`${v.handler} (${v.variant}): priming dry runs failed: ${failures.join('; ')}`);
  if (outcomes.some((o) => o.skipped !== (v.variant === 'bundled-no-priming'))) {
    throw new Error(`${v.handler} (${v.variant}): the dry runs were ${v.variant === 'bundled-no-priming' ? 'run' : 'skipped'}`);
  }
  const wantWarmUp = v.variant === 'bundled+warm-up';
  if (wantWarmUp && (outcomes.length === 0 || outcomes.some((o) => o.warmUp !== 'sent'))) {
    throw new Error(`${v.handler} (${v.variant}): the warm-up request was not sent (${outcomes.map((o) => o.warmUp).join(', ') || 'no priming'})`);
  }
  if (!wantWarmUp && outcomes.some((o) => o.warmUp !== 'off')) throw new Error(`${v.handler} (${v.variant}): a warm-up request was sent`);
}

/**
 * Runs every variant `runs` times, round-robin (one warm-up round first, discarded), so drift
 * on the machine (page cache, DynamoDB Local JIT) hits every variant alike.
 */
export async function runColdStarts(options: ColdStartOptions): Promise<ColdStartResults> {
  const loadBefore = loadavg();
  const none = () => ({});
  const helloDynamoDbEnv = (t: Tables) => ({ [HELLO_TABLE_ENV]: t.inventory });
  const helloDynamoDbEvent = (_i: number, s: Seed) => ({ key: { pk: `SKU#${s.sku}` } });
  const variants: PlannedVariant[] = [
    { handler: 'hello-world', variant: 'hello-world', file: await buildHello(), env: none, event: () => ({ hello: true }) },
    { handler: 'hello-dynamodb', variant: 'hello-dynamodb', file: buildHelloDynamoDbTrimmed(), env: helloDynamoDbEnv, event: helloDynamoDbEvent },
    { handler: 'hello-dynamodb', variant: 'hello-dynamodb-plain', file: await buildHelloDynamoDbPlain(), env: helloDynamoDbEnv, event: helloDynamoDbEvent },
  ];
  for (const spec of HANDLERS) {
    const file = bundlePath(spec);
    if (!existsSync(resolve(REPO_ROOT, file))) {
      options.log?.(`  skip ${spec.name}: ${file} is not built (run pnpm build)`);
      continue;
    }
    const event = spec.event.bind(spec);
    // A snapshot: the bundle is self-contained, and a rebuild of the package while the bench
    // runs (bundle-lambda empties the directory first) must not break or mix the rounds.
    const snapshot = join(TMP_DIR, 'bundled', spec.name, 'index.mjs');
    mkdirSync(dirname(snapshot), { recursive: true });
    copyFileSync(resolve(REPO_ROOT, file), snapshot);
    const copy = relative(REPO_ROOT, snapshot);
    variants.push({ handler: spec.name, variant: 'bundled', file: copy, env: (t) => spec.env(t), event });
    variants.push({ handler: spec.name, variant: 'bundled+warm-up', file: copy, env: (t) => ({ ...spec.env(t), [WARM_UP_ENV]: 'true' }), event });
    variants.push({ handler: spec.name, variant: 'bundled-no-priming', file: copy, env: (t) => ({ ...spec.env(t), [PRIMING_ENV]: 'off' }), event });
    variants.push({ handler: spec.name, variant: 'unbundled', file: await buildUnbundled(spec), env: (t) => spec.env(t), event });
  }
  const key = (v: PlannedVariant) => `${v.variant} ${v.file}`;
  const samples = new Map<string, Sample[]>(variants.map((v) => [key(v), []]));
  let node = '';
  let counter = 0;
  for (let round = -1; round < options.runs; round++) {
    for (const v of variants) {
      const env = { ...options.baseEnv, ...v.env(options.tables), AWS_LAMBDA_FUNCTION_NAME: v.handler };
      const first = v.event(counter++, options.seed);
      const warm = v.event(counter++, options.seed);
      const sample = await coldStartOnce(v.file, first, warm, env);
      checkPriming(v, sample.prime);
      node = sample.node;
      if (round >= 0) samples.get(key(v))!.push(sample);
    }
    if (round >= 0 && (round + 1) % 5 === 0) options.log?.(`  cold start: ${round + 1}/${options.runs} rounds (load average ${loadavg().map((l) => l.toFixed(2)).join(' / ')})`);
  }
  const median = (v: PlannedVariant) => summarize(samples.get(key(v))!.map((s) => s.totalMs)).median;
  const helloWorld = median(variants[0]!);
  const floor = median(variants[1]!);
  const overheads = (v: PlannedVariant) => samples.get(key(v))!.map((s) => s.totalMs - s.warmInvokeMs);
  const floorOverhead = summarize(overheads(variants[1]!)).median;
  return {
    node,
    loadAverage: { before: loadBefore.map((l) => round(l, 2)), after: loadavg().map((l) => round(l, 2)) },
    variants: variants.map((v) => {
      const list = samples.get(key(v))!;
      const of = (pick: (s: Sample) => number) => summarize(list.map(pick));
      const total = of((s) => s.totalMs);
      const first = of((s) => s.firstInvokeMs);
      const warm = of((s) => s.warmInvokeMs);
      const overhead = summarize(overheads(v));
      const floorBuild = v.variant === 'hello-world' || v.variant === 'hello-dynamodb' || v.variant === 'hello-dynamodb-plain';
      const size = floorBuild ? measureBundle(v.handler, v.file) : undefined;
      return {
        handler: v.handler,
        variant: v.variant,
        file: v.file,
        ...(size ? { size: { minifiedBytes: size.minifiedBytes, gzippedBytes: size.gzippedBytes } } : {}),
        totalMs: total,
        bootstrapMs: of((s) => s.bootstrapMs),
        importMs: of((s) => s.importMs),
        initMs: of((s) => s.initMs),
        firstInvokeMs: first,
        warmInvokeMs: warm,
        ratioToFloor: round(total.median / floor, 2),
        ratioToHelloWorld: round(total.median / helloWorld, 2),
        firstToWarm: round(first.median / warm.median, 2),
        coldOverheadMs: overhead,
        coldOverheadToFloor: round(overhead.median / floorOverhead, 2),
      };
    }),
  };
}

/** Creates the scratch directory (ignored by git through .gitignore in this package). */
export function ensureTmp(): void {
  mkdirSync(TMP_DIR, { recursive: true });
}
