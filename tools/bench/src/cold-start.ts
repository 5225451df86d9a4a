/**
 * Cold start per handler: bundle bytes (minified, gzipped) and the time from spawning a fresh
 * Node process to the end of its first invocation against DynamoDB Local, next to the same
 * handler loaded unbundled from node_modules and a hello-world bundle (the floor).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';
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
    env: (t) => ({ PAYMENT_TABLE_NAME: t.payment, PAYMENT_GATEWAY: 'simulated', POWERTOOLS_SERVICE_NAME: 'payment' }),
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

/** Builds the hello-world floor with the same esbuild options as a step bundle. */
export async function buildHello(): Promise<string> {
  const outfile = join(TMP_DIR, 'hello', 'index.mjs');
  await build({
    entryPoints: [join(here, 'hello-handler.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    minify: true,
    legalComments: 'none',
    logLevel: 'error',
  });
  return relative(REPO_ROOT, outfile);
}

/** One measured spawn. */
export interface Sample {
  /** Spawn to the end of the first invocation, as seen by the parent. */
  readonly totalMs: number;
  /** Inside the child: process start to module imported. */
  readonly importMs: number;
  /** Inside the child: the first invocation. */
  readonly invokeMs: number;
  readonly node: string;
}

/** Spawns a fresh Node process that imports `file` and runs one invocation of `event`. */
export function coldStartOnce(file: string, event: unknown, env: Record<string, string>): Promise<Sample> {
  const runner = join(here, 'cold-start-runner.mjs');
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [runner, resolve(REPO_ROOT, file), JSON.stringify(event)], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      env,
    });
    let stderr = '';
    let out = '';
    let done: Sample | undefined;
    let failure: string | undefined;
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const report = child.stdio[3] as NodeJS.ReadableStream;
    report.on('data', (chunk: Buffer) => {
      const ended = performance.now();
      out += chunk.toString();
      if (!out.includes('\n') || done || failure) return;
      const body = JSON.parse(out.split('\n')[0]!) as { ok: boolean; imported: number; invoked: number; node: string; error?: string; result?: unknown };
      if (!body.ok) failure = body.error ?? JSON.stringify(body.result);
      else done = { totalMs: ended - started, importMs: body.imported, invokeMs: body.invoked - body.imported, node: body.node };
    });
    child.on('error', reject);
    child.on('close', () => {
      if (done) resolvePromise(done);
      else reject(new Error(`cold start of ${file} failed: ${failure ?? 'no report'}\n${stderr.slice(0, 2000)}`));
    });
  });
}

/** Result of one variant (bundled handler, unbundled handler or the floor). */
export interface VariantResult {
  readonly handler: string;
  readonly variant: 'bundled' | 'unbundled' | 'hello-world';
  readonly file: string;
  readonly totalMs: Summary;
  readonly importMs: Summary;
  readonly invokeMs: Summary;
  /** Median total / median total of the hello-world floor of the same run. */
  readonly ratioToFloor: number;
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

/**
 * Runs every variant `runs` times, round-robin (one warm-up round first, discarded), so drift
 * on the machine (page cache, DynamoDB Local JIT) hits every variant alike.
 */
export async function runColdStarts(options: ColdStartOptions): Promise<{ variants: VariantResult[]; node: string }> {
  const hello = await buildHello();
  const variants: { handler: string; variant: VariantResult['variant']; file: string; spec?: HandlerSpec }[] = [
    { handler: 'hello-world', variant: 'hello-world', file: hello },
  ];
  for (const spec of HANDLERS) {
    const file = bundlePath(spec);
    if (!existsSync(resolve(REPO_ROOT, file))) {
      options.log?.(`  skip ${spec.name}: ${file} is not built (run pnpm build)`);
      continue;
    }
    variants.push({ handler: spec.name, variant: 'bundled', file, spec });
    variants.push({ handler: spec.name, variant: 'unbundled', file: await buildUnbundled(spec), spec });
  }
  const samples = new Map<string, Sample[]>(variants.map((v) => [v.file, []]));
  let node = '';
  let counter = 0;
  for (let round = -1; round < options.runs; round++) {
    for (const v of variants) {
      const env = { ...options.baseEnv, ...(v.spec?.env(options.tables) ?? {}), AWS_LAMBDA_FUNCTION_NAME: v.handler };
      const sample = await coldStartOnce(v.file, v.spec?.event(counter++, options.seed) ?? { hello: true }, env);
      node = sample.node;
      if (round >= 0) samples.get(v.file)!.push(sample);
    }
    if (round >= 0 && (round + 1) % 5 === 0) options.log?.(`  cold start: ${round + 1}/${options.runs} rounds`);
  }
  const floor = summarize(samples.get(hello)!.map((s) => s.totalMs)).median;
  return {
    node,
    variants: variants.map((v) => {
      const list = samples.get(v.file)!;
      const total = summarize(list.map((s) => s.totalMs));
      return {
        handler: v.handler,
        variant: v.variant,
        file: v.file,
        totalMs: total,
        importMs: summarize(list.map((s) => s.importMs)),
        invokeMs: summarize(list.map((s) => s.invokeMs)),
        ratioToFloor: round(total.median / floor, 2),
      };
    }),
  };
}

/** Creates the scratch directory (ignored by git through .gitignore in this package). */
export function ensureTmp(): void {
  mkdirSync(TMP_DIR, { recursive: true });
}
