/**
 * `pnpm bench`: cold start and bundle size per handler, throughput on the local runtime, cost
 * per million orders on AWS, and the ASL engine's state transitions per second beside
 * aws-local-stepfunctions, in one run. Writes results.json and RESULTS.md and prints the tables.
 *
 * Env knobs (for a quick look, not for recorded results): BENCH_COLD_RUNS (default 15),
 * BENCH_ROUNDS (default 3), BENCH_SCALE (default 1, multiplies orders per round),
 * BENCH_ENGINE_RUNS (default 5), BENCH_BILL_RUNS (default 3, orders per path in the cost section).
 */
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { App, Stack, aws_stepfunctions as sfn } from 'aws-cdk-lib';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbStockStore, Inventory } from '@order-flow/inventory/runtime';
import { LOCAL_CREDENTIALS, LocalRuntime } from '@order-flow/local';
import { OrderWorkflow, WORKFLOW_STACK_NAME, buildApp } from '@order-flow/order-workflow';
import { definitionFromTemplate, type AslDefinition } from './asl.js';
import { HANDLERS, REPO_ROOT, TMP_DIR, bundlePath, ensureTmp, lambdaBaseEnv, measureBundle, runColdStarts, type Tables } from './cold-start.js';
import { measureBill } from './bill.js';
import { loadPrices, pathScenarios } from './cost.js';
import { createDirectPath } from './direct.js';
import { engineSection } from './engine.js';
import { metafileBreakdown } from './metafile.js';
import { renderReport } from './report.js';
import { round } from './stats.js';
import { RssSampler, orchestrationMsPerTransition, ratio, runInterleaved, workflowRunner } from './throughput.js';

const BENCH_DIR = resolve(REPO_ROOT, 'tools/bench');
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 15);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const ENGINE_RUNS = Number(process.env.BENCH_ENGINE_RUNS ?? 5);
const BILL_RUNS = Number(process.env.BENCH_BILL_RUNS ?? 3);
const LEVELS = [1, 16, 64] as const;
const SKU_COUNT = 64;
const log = (line: string) => console.log(line);

const began = performance.now();
const runId = Date.now().toString(36);
ensureTmp();

// ---- bundles ------------------------------------------------------------------------------------
log('bundle sizes');
const bundles = HANDLERS.map((spec) => {
  const path = bundlePath(spec);
  try {
    return { ...measureBundle(spec.name, path), dynamodb: spec.dynamodb, breakdown: metafileBreakdown(resolve(REPO_ROOT, spec.packageDir, 'dist', `${spec.outName}-metafile.json`)) };
  } catch {
    return undefined;
  }
}).filter((b) => b !== undefined);
if (bundles.length === 0) throw new Error('No handler bundle is built: run `pnpm build` at the repository root first');

// ---- synthesize: the app as deployed, and an Express variant of the workflow ----------------------
log('synthesizing the app (Standard) and an Express variant');
const assemblyDir = join(TMP_DIR, `cdk-${runId}`);
const expressDir = join(TMP_DIR, `cdk-express-${runId}`);
buildApp({ outdir: assemblyDir }).synth();
const expressApp = new App({ outdir: expressDir });
// Priced only, never run: its retry budget (~46 min) does not fit Express's 5 minutes, which
// synthesis would refuse; Express needs retriers of its own (issue 12) before it can ship.
new OrderWorkflow(new Stack(expressApp, 'ExpressBench'), 'Workflow', { stateMachineType: sfn.StateMachineType.EXPRESS, checkTimeoutBudget: false });
expressApp.synth();
const expressTemplate = JSON.parse(readFileSync(join(expressDir, 'ExpressBench.template.json'), 'utf8')) as {
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
};
const expressMachine = Object.values(expressTemplate.Resources).find((r) => r.Type === 'AWS::StepFunctions::StateMachine')!;
if (expressMachine.Properties.StateMachineType !== 'EXPRESS') throw new Error('The Express variant did not synthesize as EXPRESS');
const expressDefinition = definitionFromTemplate(expressMachine.Properties);

// ---- local runtime -------------------------------------------------------------------------------
log('starting the local runtime');
const runtime = await LocalRuntime.start({
  assemblyDir,
  clock: 'virtual',
});
const sampler = new RssSampler();
let measured: Omit<Parameters<typeof renderReport>[0], 'engine'>;
let orderDefinitionText: string;
try {
  const outputs = runtime.outputs(WORKFLOW_STACK_NAME);
  const tables: Tables = { inventory: String(outputs.InventoryTableName), payment: String(outputs.PaymentTableName), orders: String(outputs.OrdersTableName) };
  const { endpoint, region } = runtime.dynamodb;
  const seedClient = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint, region, credentials: LOCAL_CREDENTIALS }));
  const inventory = new Inventory(new DynamoDbStockStore(seedClient, tables.inventory));
  const skus = Array.from({ length: SKU_COUNT }, (_, i) => `SKU-BENCH-${i}`);
  for (const sku of skus) await inventory.putStock(sku, { available: 1_000_000, unitPrice: 1250 });
  seedClient.destroy();
  // The order workflow (the stack also holds the reconciler's state machines).
  const standardMachine = runtime.stateMachines.find((machine) => machine.arn === String(outputs.StateMachineArn))!;
  const standardDefinition = JSON.parse(standardMachine.definition) as AslDefinition;
  // The definition as the runtime resolved it (ARNs, function names), for the engine section.
  orderDefinitionText = standardMachine.definition;

  // ---- cold start ----------------------------------------------------------------------------------
  log(`cold start: ${COLD_RUNS} runs per variant`);
  const cold = await runColdStarts({
    runs: COLD_RUNS,
    tables,
    seed: { sku: skus[0]!, runId },
    baseEnv: lambdaBaseEnv(endpoint, region),
    log,
  });

  // ---- throughput --------------------------------------------------------------------------------
  const orders = (c: number) => Math.max(20, c * 3) * SCALE;
  log('throughput: warm-up');
  const viaWorkflow = workflowRunner(runtime, standardMachine.arn);
  // The limit: the workflow's happy-path invocations made directly on the same runtime (same
  // bundles, workers, environment, log level and DynamoDB fault proxy), with no state machine.
  const direct = createDirectPath(runtime, standardDefinition, standardMachine.arn.replace(':stateMachine:', ':execution:'));
  for (let i = 0; i < 10; i++) {
    await viaWorkflow(`wu_${runId}_wf_${i}`, skus[i % SKU_COUNT]!);
    await direct(`wu_${runId}_d_${i}`, skus[i % SKU_COUNT]!);
  }
  // One order, checked against the ASL walk: states visited = the walked happy path.
  const probe = await runtime.run({ orderId: `probe_${runId}`, customerId: 'cus_bench', items: [{ sku: skus[0], quantity: 1 }], payment: { token: 'tok_visa' }, currency: 'USD' }, { stateMachine: standardMachine.arn });
  const transitionsPerOrder = probe.statesVisited.length + probe.retries;

  log('throughput: the workflow and its limit, levels interleaved');
  const loadBeforeThroughput = loadavg();
  const rssBeforeThroughput = process.memoryUsage.rss();
  sampler.start();
  const interleaved = await runInterleaved({ workflow: viaWorkflow, direct }, { levels: LEVELS, rounds: ROUNDS, orders, skus, prefix: `t_${runId}`, log });
  // The local web console (@order-flow/local, issue 13) started and no page open: it subscribes to
  // nothing until a page streams, so the c=16 level again, interleaved with its limit the same way,
  // should show the same orchestration overhead as without it.
  log('throughput: the local console started, no page open (c=16)');
  await runtime.startConsole({ port: 0 });
  const consoleRun = await runInterleaved({ workflow: viaWorkflow, direct }, { levels: [16], rounds: ROUNDS, orders, skus, prefix: `tc_${runId}`, log });
  sampler.stop();
  const loadAfterThroughput = loadavg();
  const consoleNoPage = {
    concurrency: 16,
    workflow: consoleRun.workflow[0]!,
    direct: consoleRun.direct[0]!,
    throughputOverhead: ratio(consoleRun.direct[0]!.ordersPerSecond, consoleRun.workflow[0]!.ordersPerSecond),
  };

  const throughput = LEVELS.map((c) => {
    const wf = interleaved.workflow.find((l) => l.concurrency === c)!;
    const d = interleaved.direct.find((l) => l.concurrency === c)!;
    return {
      concurrency: c,
      workflow: wf,
      direct: d,
      // Orchestration overhead: how many times more throughput the same invocations reach without the state machine.
      throughputOverhead: ratio(d.ordersPerSecond, wf.ordersPerSecond),
      latencyOverheadP50: ratio(wf.p50Ms, d.p50Ms),
      orchestrationMsPerTransition: orchestrationMsPerTransition(wf.ordersPerSecond.median, d.ordersPerSecond.median, transitionsPerOrder),
    };
  });

  // ---- cost: the full bill per order, measured through POST /orders on a runtime of its own -------
  // The throughput runtime stops first (two DynamoDB Locals would share the cores); stop() is
  // idempotent, the finally below calls it again.
  await runtime.stop();
  const prices = loadPrices(join(BENCH_DIR, 'prices.json'));
  const standardPaths = pathScenarios(standardDefinition);
  const expressPaths = pathScenarios(expressDefinition);
  const happy = standardPaths.find((p) => p.name === 'Succeeded')!;
  const bill = await measureBill({ assemblyDir, runs: BILL_RUNS, prices, log });
  const measuredTransitions = (p: (typeof standardPaths)[number]) =>
    bill.paths.find((m) => m.retries === p.retries && JSON.stringify(m.statesVisited) === JSON.stringify(p.states))?.usage.transitions;

  const measuredHere = {
    generatedAt: new Date().toISOString(),
    machine: { node: cold.node, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '?', platform: process.platform },
    durationSeconds: 0,
    bundles,
    coldStart: { runs: COLD_RUNS, variants: cold.variants, loadAverage: cold.loadAverage },
    throughput: {
      rounds: ROUNDS,
      levels: throughput,
      consoleNoPage,
      transitionsPerOrder,
      peakRssBytes: { runtimeProcess: sampler.peakSelf, beforeThroughputRuns: rssBeforeThroughput, dynamodbLocal: sampler.peakChildren },
      loadAverage: { before: loadBeforeThroughput.map((l) => round(l, 2)), after: loadAfterThroughput.map((l) => round(l, 2)) },
      probe: { statesVisited: probe.statesVisited, matchesAslHappyPath: JSON.stringify(probe.statesVisited) === JSON.stringify(happy.states) },
    },
    cost: {
      prices: {
        region: prices.region,
        date: prices.date,
        source: prices.source,
        // Entries added later carry their own date and source.
        entries: Object.fromEntries(
          Object.entries(prices).flatMap(([key, value]) => (value && typeof value === 'object' && 'date' in value ? [[key, { date: (value as { date: string }).date, source: (value as { source: string }).source }]] : [])),
        ),
      },
      bill,
      transitions: {
        standard: standardPaths.map((p) => ({
          path: p.name,
          transitions: p.transitions,
          retries: p.retries,
          lambdaInvocations: p.lambdaInvocations,
          events: p.otherTasks,
          measuredTransitions: measuredTransitions(p) ?? null,
          dollarsPerMillion: round(p.transitions * prices.stepFunctions.standardPerStateTransition * 1e6, 2),
        })),
        express: expressPaths.map((p) => ({ path: p.name, transitions: p.transitions, retries: p.retries })),
        hybrid: 'not built: its parent alone takes 3 Standard transitions ($75 per million orders) to buy what the reconciler already gives (see the README’s Standard or Express)',
      },
    },
  };
  measured = measuredHere;
} finally {
  sampler.stop();
  await runtime.stop();
  for (const dir of readdirSync(TMP_DIR)) if (dir.startsWith('cdk-')) rmSync(join(TMP_DIR, dir), { recursive: true, force: true });
}

// ---- the ASL engine alone, beside aws-local-stepfunctions (runtime stopped: nothing else runs) ------
log('engine: state transitions per second, ours and aws-local-stepfunctions 3.0.0');
const engine = await engineSection(JSON.parse(orderDefinitionText) as Record<string, unknown>, {
  runs: ENGINE_RUNS,
  passLength: 100,
  passExecutions: 100 * SCALE,
  orderExecutions: 500 * SCALE,
  loadAverage: loadavg(),
  log,
});

const results = { ...measured, engine, durationSeconds: round((performance.now() - began) / 1000, 1) };
writeFileSync(join(BENCH_DIR, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
const markdown = renderReport(results);
writeFileSync(join(BENCH_DIR, 'RESULTS.md'), markdown);
log('');
log(markdown);
log(`wrote tools/bench/results.json and tools/bench/RESULTS.md in ${results.durationSeconds} s`);
