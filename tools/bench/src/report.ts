/** Renders results.json as RESULTS.md: cold start & size, throughput, cost, and the ASL engine beside aws-local-stepfunctions. */
import type { CostBreakdown } from './cost.js';
import type { BundleSize, VariantResult } from './cold-start.js';
import type { EngineComparison, EngineSection } from './engine.js';
import type { BreakdownEntry } from './metafile.js';
import { fmt, type Summary } from './stats.js';
import type { LevelResult } from './throughput.js';

/** The parts of results.json the report prints. */
export interface ReportInput {
  readonly generatedAt: string;
  readonly durationSeconds: number;
  readonly machine: { readonly node: string; readonly cpus: number; readonly cpuModel?: string };
  readonly bundles: readonly (BundleSize & { readonly dynamodb: boolean; readonly breakdown: readonly BreakdownEntry[] })[];
  readonly coldStart: { readonly runs: number; readonly variants: readonly VariantResult[] };
  readonly throughput: {
    readonly rounds: number;
    readonly levels: readonly { concurrency: number; workflow: LevelResult; direct: LevelResult; throughputOverhead: number; latencyOverheadP50: number }[];
    readonly peakRssBytes: { readonly runtimeProcess: number; readonly beforeWorkflowRuns: number; readonly dynamodbLocal: number };
    readonly probe: { readonly matchesAslHappyPath: boolean };
    readonly loadAverageBeforeWorkflowRuns?: readonly number[];
  };
  readonly cost: {
    readonly prices: { readonly region: string; readonly date: string; readonly source: string };
    readonly usagePerOrder: {
      readonly transitions: number;
      readonly lambdaInvocations: number;
      readonly lambdaBilledMs: number;
      readonly lambdaMemoryMb: number;
      readonly readUnits: number;
      readonly writeUnits: number;
      readonly events: number;
      readonly executionMsAtC1: Summary;
      readonly lambdaBilledMsByStep: Record<string, Summary>;
    };
    readonly transitions: { readonly standard: readonly { path: string; transitions: number; retries: number; lambdaInvocations: number; dollarsPerMillion: number }[]; readonly hybrid: string };
    readonly perMillionOrders: readonly CostBreakdown[];
  };
  readonly engine?: EngineSection;
}

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const usd = (n: number) => `$${n.toFixed(2)}`;

/** The Markdown report. */
export function renderReport(r: ReportInput): string {
  const lines: string[] = [];
  const floor = r.coldStart.variants.find((v) => v.variant === 'hello-world');
  lines.push('# Order Flow benchmarks', '');
  lines.push(
    `Generated ${r.generatedAt} by \`pnpm bench\` in ${r.durationSeconds} s on ${r.machine.cpus} CPUs${r.machine.cpuModel ? ` (${r.machine.cpuModel})` : ''}, Node ${r.machine.node}. ` +
      'Every figure is the median with (min–max) over the repeated runs; every ratio compares medians of the same run. ' +
      'See [README.md](README.md) for what each benchmark measures.',
    '',
  );

  lines.push('## 1. Cold start and bundle size per handler', '');
  lines.push(
    `Fresh \`node\` process spawn → first invocation completed against DynamoDB Local, ${r.coldStart.runs} runs per variant (round-robin, one warm-up round discarded). ` +
      `Floor: hello-world bundle, ${floor ? fmt(floor.totalMs) : '?'} ms. Target: ≤ 1.5× floor; ≤ 300 KB minified per DynamoDB handler.`,
    '',
  );
  lines.push('| handler | variant | minified | gzipped | spawn → first invocation (ms) | ×floor | import (ms) | 1st invoke (ms) |');
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|');
  for (const v of r.coldStart.variants) {
    const size = r.bundles.find((b) => b.name === v.handler);
    const sizes = v.variant === 'bundled' && size ? `${kb(size.minifiedBytes)}${size.minifiedBytes > 300_000 ? ' ✗' : ' ✓'} | ${kb(size.gzippedBytes)}` : ' – | –';
    lines.push(`| ${v.handler} | ${v.variant} | ${sizes} | ${fmt(v.totalMs)} | ${v.ratioToFloor.toFixed(2)}${v.variant !== 'hello-world' ? (v.ratioToFloor <= 1.5 ? ' ✓' : ' ✗') : ''} | ${fmt(v.importMs)} | ${fmt(v.invokeMs)} |`);
  }
  const first = r.bundles[0];
  if (first) {
    lines.push('', `What is in the ${first.name} bundle (esbuild metafile, bytes in output):`, '');
    lines.push('| module | bytes |', '|---|---:|');
    for (const e of first.breakdown) lines.push(`| ${e.module} | ${kb(e.bytes)} |`);
  }

  lines.push('', '## 2. Throughput on the local runtime', '');
  lines.push(
    `tok_visa orders (one line, 64 well-stocked SKUs) through the synthesized Standard state machine on @order-flow/local, ${r.throughput.rounds} rounds per level. ` +
      'Limit: the same four handler calls (create, reserve, charge, confirm) with the steps’ own handler code, in process, no orchestration. ' +
      `Peak RSS during the workflow runs: runtime process (runtime + its function worker threads; the same process also synthesized the app) ${mib(r.throughput.peakRssBytes.runtimeProcess)}, ${mib(r.throughput.peakRssBytes.beforeWorkflowRuns)} just before them; DynamoDB Local JVM ${mib(r.throughput.peakRssBytes.dynamodbLocal)}. ` +
      'The direct path runs on one thread, the runtime’s functions on worker threads: above concurrency 1 the “limit” can be slower than the workflow on 2 cores (both are CPU-bound with DynamoDB Local).' +
      (r.throughput.loadAverageBeforeWorkflowRuns ? ` Load average (1/5/15 min) when the workflow runs began: ${r.throughput.loadAverageBeforeWorkflowRuns.join(' / ')} on ${r.machine.cpus} CPUs (other processes on the machine count too; above ~${r.machine.cpus} the figures are slowed by them).` : ''),
    '',
  );
  lines.push('| concurrency | workflow orders/s | p50 (ms) | p99 (ms) | direct orders/s | p50 (ms) | p99 (ms) | orchestration overhead (direct/workflow orders/s) | p50 ratio |');
  lines.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const l of r.throughput.levels) {
    lines.push(
      `| ${l.concurrency} | ${fmt(l.workflow.ordersPerSecond)} | ${fmt(l.workflow.p50Ms)} | ${fmt(l.workflow.p99Ms)} | ${fmt(l.direct.ordersPerSecond)} | ${fmt(l.direct.p50Ms)} | ${fmt(l.direct.p99Ms)} | ${l.throughputOverhead.toFixed(2)}× | ${l.latencyOverheadP50.toFixed(2)}× |`,
    );
  }

  const u = r.cost.usagePerOrder;
  lines.push('', '## 3. Cost per million orders on AWS', '');
  lines.push(
    `Prices: ${r.cost.prices.region}, ${r.cost.prices.date} (prices.json). Confirmed order: ${u.transitions} state transitions, ${u.lambdaInvocations} Lambda invocations ` +
      `billing ${u.lambdaBilledMs.toFixed(0)} ms at ${u.lambdaMemoryMb} MB (sum of per-step medians: ${Object.entries(u.lambdaBilledMsByStep).map(([k, s]) => `${k} ${fmt(s, 0)}`).join(', ')}), ` +
      `${u.readUnits.toFixed(2)} RRU + ${u.writeUnits.toFixed(2)} WRU (ReturnConsumedCapacity), ${u.events} EventBridge event; Express duration = local execution at concurrency 1, ${fmt(u.executionMsAtC1)} ms.`,
    '',
  );
  lines.push('| workflow type | Step Functions | Lambda | DynamoDB | EventBridge | total | basis |', '|---|---:|---:|---:|---:|---:|---|');
  for (const c of r.cost.perMillionOrders) {
    lines.push(`| ${c.workflowType} | ${usd(c.stepFunctions)} | ${usd(c.lambda)} | ${usd(c.dynamodb)} | ${usd(c.eventbridge)} | **${usd(c.total)}** | ${c.notes} |`);
  }
  lines.push(`| hybrid (Standard parent for payment, Express child) | – | – | – | – | – | ${r.cost.transitions.hybrid} |`);
  lines.push('', `State transitions per path (walked from the synthesized definition; the happy path ${r.throughput.probe.matchesAslHappyPath ? 'matches' : 'does NOT match'} the states a local execution visited):`, '');
  lines.push('| path (error@state caught) | transitions | of which retries | Lambda invocations | Standard $/M orders (Step Functions only) |', '|---|---:|---:|---:|---:|');
  for (const p of r.cost.transitions.standard) lines.push(`| ${p.path} | ${p.transitions} | ${p.retries} | ${p.lambdaInvocations} | ${usd(p.dollarsPerMillion)} |`);
  if (r.engine) renderEngine(lines, r.engine);
  lines.push('');
  return lines.join('\n');
}

function renderEngine(lines: string[], e: EngineSection): void {
  const f = e.faithfulness;
  lines.push('', '## 4. The ASL engine: state transitions per second, one core', '');
  lines.push(
    `@order-flow/step-functions (ours, as the local runtime runs it: StepFunctionsEngine on a VirtualClock) beside aws-local-stepfunctions 3.0.0 (before), on the same definitions in the same run, ${e.runs} runs each (alternating which goes first, one warm-up run each discarded). ` +
      `A transition = one state entered (ours: \`*StateEntered\` history events; theirs: \`StateEntered\` events of its drained event log). One core: ${e.oneCore}. ` +
      `Stand-ins: ${e.standIns}. Load average (1/5/15 min) when the section began: ${e.loadAverage.join(' / ')}.`,
    '',
  );
  lines.push('| definition | executions per run × transitions | ours transitions/s | aws-local-stepfunctions transitions/s | ours/theirs |', '|---|---:|---:|---:|---:|');
  const row = (label: string, c: EngineComparison) =>
    lines.push(`| ${label} | ${c.executionsPerRun} × ${c.transitionsPerExecution} | ${fmt(c.ours, 0)} | ${fmt(c.theirs, 0)} | ${c.ratio.toFixed(2)}×${c.ratio >= 1 ? ' ✓' : ' ✗'} |`);
  row(`Pass-only: a chain of ${e.passChain.transitionsPerExecution} Pass states`, e.passChain);
  row('order workflow (synthesized, resolved; adapted as below so both run it)', e.order);
  lines.push(
    '',
    `The order workflow as synthesized: ours ${f.ours.status} through ${f.ours.statesEntered.join(' → ')}; aws-local-stepfunctions ${f.theirs.status}` +
      `${f.theirs.status === 'SUCCEEDED' ? '' : ` after ${f.theirs.statesEntered.join(' → ')} (${f.theirs.error ?? 'no error given'})`}, so it could not run the same definition faithfully. ` +
      `Both were measured on it with these rewrites, which mean the same to Step Functions: ${f.adaptations.join('; ')}. ` +
      `${f.sameOutput ? 'Ours gives the same output on the original and the rewritten definition, and theirs the same output and states on the rewritten one.' : 'The outputs of the original and the rewritten definition DIFFER: the order row is not like for like.'}`,
  );
}
