/**
 * `pnpm --filter @order-flow/bench bench:cold`: the cold-start section of `pnpm bench` alone, for
 * a quick look while working on start-up time. Same setup (the synthesized app on the local
 * runtime, its tables, seeded SKUs) and the same `runColdStarts`; prints the section and writes
 * nothing (results.json and RESULTS.md come from a full `pnpm bench` only).
 *
 * Env: BENCH_COLD_RUNS (default 15), as for `pnpm bench`.
 */
import { rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbStockStore, Inventory } from '@order-flow/inventory/runtime';
import { LOCAL_CREDENTIALS, LocalRuntime } from '@order-flow/local';
import { WORKFLOW_STACK_NAME, buildApp } from '@order-flow/order-workflow';
import { HANDLERS, REPO_ROOT, TMP_DIR, bundlePath, ensureTmp, lambdaBaseEnv, measureBundle, runColdStarts, type Tables } from './cold-start.js';
import { metafileBreakdown } from './metafile.js';
import { renderColdStart } from './report.js';

const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 15);
const runId = Date.now().toString(36);
ensureTmp();

const bundles = HANDLERS.flatMap((spec) => {
  try {
    const breakdown = metafileBreakdown(resolve(REPO_ROOT, spec.packageDir, 'dist', `${spec.outName}-metafile.json`));
    return [{ ...measureBundle(spec.name, bundlePath(spec)), dynamodb: spec.dynamodb, breakdown }];
  } catch {
    return [];
  }
});
if (bundles.length === 0) throw new Error('No handler bundle is built: run `pnpm build` at the repository root first');

const assemblyDir = join(TMP_DIR, `cdk-cold-${runId}`);
buildApp({ outdir: assemblyDir }).synth();
const runtime = await LocalRuntime.start({ assemblyDir, clock: 'virtual' });
try {
  const outputs = runtime.outputs(WORKFLOW_STACK_NAME);
  const tables: Tables = { inventory: String(outputs.InventoryTableName), payment: String(outputs.PaymentTableName), orders: String(outputs.OrdersTableName) };
  const { endpoint, region } = runtime.dynamodb;
  const seedClient = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint, region, credentials: LOCAL_CREDENTIALS }));
  const sku = 'SKU-BENCH-0';
  await new Inventory(new DynamoDbStockStore(seedClient, tables.inventory)).putStock(sku, { available: 1_000_000, unitPrice: 1250 });
  seedClient.destroy();
  console.log(`cold start: ${COLD_RUNS} runs per variant (load average ${loadavg().map((l) => l.toFixed(2)).join(' / ')})`);
  // The same environment as `pnpm bench` gives the functions (main.ts).
  const cold = await runColdStarts({
    runs: COLD_RUNS,
    tables,
    seed: { sku, runId },
    baseEnv: lambdaBaseEnv(endpoint, region),
    log: (line) => console.log(line),
  });
  const lines: string[] = [];
  renderColdStart(lines, { coldStart: { runs: COLD_RUNS, variants: cold.variants, loadAverage: cold.loadAverage }, bundles, machine: { node: cold.node, cpus: cpus().length } });
  console.log(`\nNode ${cold.node}\n`);
  console.log(lines.join('\n'));
} finally {
  await runtime.stop();
  rmSync(assemblyDir, { recursive: true, force: true });
}
