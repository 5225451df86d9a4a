/** Renders results.json as RESULTS.md: cold start & size, throughput, cost, and the ASL engine beside aws-local-stepfunctions. */
import type { BillSection, MeasuredPath } from './bill.js';
import type { PathBill, PathUsage } from './cost.js';
import type { BundleSize, VariantResult } from './cold-start.js';
import type { EngineComparison, EngineSection } from './engine.js';
import type { BreakdownEntry } from './metafile.js';
import { fmt } from './stats.js';
import type { LevelResult } from './throughput.js';

/** The parts of results.json the report prints. */
export interface ReportInput {
  readonly generatedAt: string;
  readonly durationSeconds: number;
  readonly machine: { readonly node: string; readonly cpus: number; readonly cpuModel?: string };
  readonly bundles: readonly (BundleSize & { readonly dynamodb: boolean; readonly breakdown: readonly BreakdownEntry[] })[];
  readonly coldStart: {
    readonly runs: number;
    readonly variants: readonly VariantResult[];
    /** os.loadavg() when the section began and ended (absent in results written before it was recorded). */
    readonly loadAverage?: { readonly before: readonly number[]; readonly after: readonly number[] };
  };
  readonly throughput: {
    readonly rounds: number;
    readonly levels: readonly {
      concurrency: number;
      workflow: LevelResult;
      direct: LevelResult;
      throughputOverhead: number;
      latencyOverheadP50: number;
      /** (1/workflow − 1/direct orders/s) ÷ transitions per order, in ms. */
      orchestrationMsPerTransition: number;
    }[];
    /** The c=16 level again with the local console started and no page open (interleaved with its limit the same way). */
    readonly consoleNoPage?: { concurrency: number; workflow: LevelResult; direct: LevelResult; throughputOverhead: number };
    /** State transitions of one throughput order (the probe's). */
    readonly transitionsPerOrder: number;
    readonly peakRssBytes: { readonly runtimeProcess: number; readonly beforeThroughputRuns: number; readonly dynamodbLocal: number };
    readonly probe: { readonly matchesAslHappyPath: boolean };
    readonly loadAverage: { readonly before: readonly number[]; readonly after: readonly number[] };
  };
  readonly cost: {
    readonly prices: { readonly region: string; readonly date: string; readonly source: string; readonly entries?: Readonly<Record<string, { readonly date: string; readonly source: string }>> };
    readonly bill: BillSection;
    readonly transitions: {
      readonly standard: readonly { path: string; transitions: number; retries: number; lambdaInvocations: number; measuredTransitions: number | null; dollarsPerMillion: number }[];
      readonly hybrid: string;
    };
  };
  readonly engine?: EngineSection;
}

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const usd = (n: number) => `$${n.toFixed(2)}`;

/** The Markdown report. */
export function renderReport(r: ReportInput): string {
  const lines: string[] = [];
  lines.push('# Order Flow benchmarks', '');
  lines.push(
    `Generated ${r.generatedAt} by \`pnpm bench\` in ${r.durationSeconds} s on ${r.machine.cpus} CPUs${r.machine.cpuModel ? ` (${r.machine.cpuModel})` : ''}, Node ${r.machine.node}. ` +
      'Every figure is the median with (min–max) over the repeated runs; every ratio compares medians of the same run. ' +
      'See [README.md](README.md) for what each benchmark measures.',
    '',
  );

  renderColdStart(lines, r);

  renderThroughput(lines, r);
  renderCost(lines, r);
  if (r.engine) renderEngine(lines, r.engine);
  lines.push('');
  return lines.join('\n');
}

/** What each variant of the cold-start table is, in the words of the report. */
const VARIANT_LABEL: Record<VariantResult['variant'], string> = {
  'hello-world': 'floor: hello-world',
  'hello-dynamodb': 'floor: 1 GetItem, bundled like the handlers',
  'hello-dynamodb-plain': 'floor: 1 GetItem, plain esbuild',
  bundled: 'bundled (as shipped)',
  'bundled+warm-up': 'bundled + warm-up request (ORDER_FLOW_WARM_UP)',
  'bundled-no-priming': 'bundled, dry runs off (ORDER_FLOW_PRIMING=off)',
  unbundled: 'unbundled',
};

/**
 * Section 1: bundle sizes and the cold start of every variant, split into bootstrap, import,
 * init and first invocation, with the warm invocation beside it and the ratios against the floors.
 */
export function renderColdStart(lines: string[], r: Pick<ReportInput, 'coldStart' | 'bundles' | 'machine'>): void {
  const cold = r.coldStart;
  const find = (variant: VariantResult['variant']) => cold.variants.find((v) => v.variant === variant);
  const helloWorld = find('hello-world');
  const floor = find('hello-dynamodb');
  const plain = find('hello-dynamodb-plain');
  const load = cold.loadAverage;
  lines.push('## 1. Cold start and bundle size per handler', '');
  lines.push(
    `Fresh \`node\` process spawn → first invocation completed against DynamoDB Local, ${cold.runs} runs per variant (round-robin, one warm-up round discarded), then a second (warm) invocation in the same process. ` +
      'bootstrap = spawn → runner ready; import = loading the handler module (Lambda Init’s code load); init = the handler’s explicit module-init work (SDK priming); 1st = the first invocation; warm = the second; ' +
      'cold overhead = spawn → 1st result − warm (what the cold start adds to the invocation’s own work, so a handler that sends six requests compares fairly with a one-GetItem floor). ' +
      `Floors: hello-world ${helloWorld ? fmt(helloWorld.totalMs) : '?'} ms; one GetItem bundled like the handlers (hello-dynamodb) ${floor ? fmt(floor.totalMs) : '?'} ms; the same built with esbuild's defaults ${plain ? fmt(plain.totalMs) : '?'} ms. ` +
      'Targets: spawn → first result ≤ 1.1× hello-dynamodb; first invocation ≤ 2× warm; ≤ 300 KB minified per DynamoDB handler.' +
      (load ? ` Load average (1/5/15 min): ${load.before.join(' / ')} before, ${load.after.join(' / ')} after, on ${r.machine.cpus} CPUs (above ~${r.machine.cpus}, other processes slow every figure down).` : ''),
    '',
  );
  lines.push('| handler | variant | minified | gzipped | spawn → 1st result (ms) | ×hello-dynamodb | ×hello-world | bootstrap | import | init | 1st invoke | warm invoke | 1st/warm | cold overhead (ms) | ×hello-dynamodb |');
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const v of cold.variants) {
    const shipped = v.variant === 'bundled' ? r.bundles.find((b) => b.name === v.handler) : undefined;
    const bytes = shipped ?? v.size;
    const sizes = bytes ? `${kb(bytes.minifiedBytes)}${shipped ? (bytes.minifiedBytes > 300_000 ? ' ✗' : ' ✓') : ''} | ${kb(bytes.gzippedBytes)}` : '– | –';
    const handlerRow = v.variant === 'bundled' || v.variant === 'bundled+warm-up' || v.variant === 'bundled-no-priming' || v.variant === 'unbundled';
    const toFloor = `${v.ratioToFloor.toFixed(2)}${handlerRow ? (v.ratioToFloor <= 1.1 ? ' ✓' : ' ✗') : ''}`;
    const firstToWarm = v.variant === 'hello-world' ? '–' : `${v.firstToWarm.toFixed(2)}${handlerRow ? (v.firstToWarm <= 2 ? ' ✓' : ' ✗') : ''}`;
    lines.push(
      `| ${v.handler} | ${VARIANT_LABEL[v.variant]} | ${sizes} | ${fmt(v.totalMs)} | ${toFloor} | ${v.ratioToHelloWorld.toFixed(2)} | ${fmt(v.bootstrapMs)} | ${fmt(v.importMs)} | ${fmt(v.initMs)} | ${fmt(v.firstInvokeMs)} | ${fmt(v.warmInvokeMs)} | ${firstToWarm} | ${fmt(v.coldOverheadMs)} | ${v.coldOverheadToFloor.toFixed(2)} |`,
    );
  }
  const first = r.bundles[0];
  if (first) {
    lines.push('', `What is in the ${first.name} bundle (esbuild metafile, bytes in output):`, '');
    lines.push('| module | bytes |', '|---|---:|');
    for (const e of first.breakdown) lines.push(`| ${e.module} | ${kb(e.bytes)} |`);
  }
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

/**
 * Section 2: the workflow's throughput beside its limit (the same invocations without the state
 * machine, on the same runtime), level by level, with the orchestration time per transition.
 */
export function renderThroughput(lines: string[], r: Pick<ReportInput, 'throughput' | 'machine' | 'engine'>): void {
  const t = r.throughput;
  lines.push('', '## 2. Throughput on the local runtime', '');
  const engineUs = r.engine ? 1e6 / r.engine.order.ours.median : undefined;
  lines.push(
    `tok_visa orders (one line, 64 well-stocked SKUs) through the synthesized Standard state machine on @order-flow/local, beside the limit: the same four invocations (create, reserve, charge, confirm) ` +
      'and the same OrderConfirmed PutEvents, made directly with `runtime.invoke` in the workflow’s order — the same bundles in the same worker threads, the same environment and log level (INFO), the same DynamoDB fault proxy — so the difference is orchestration only (engine, history, JSONPath, Task integrations). ' +
      `Levels interleaved: in each of ${t.rounds} rounds every level runs on both paths back to back, which path goes first alternating per round. ` +
      `Peak RSS during the runs: runtime process (runtime + its function worker threads; the same process also synthesized the app) ${mib(t.peakRssBytes.runtimeProcess)}, ${mib(t.peakRssBytes.beforeThroughputRuns)} just before them; DynamoDB Local JVM ${mib(t.peakRssBytes.dynamodbLocal)}. ` +
      `Load average (1/5/15 min): ${t.loadAverage.before.join(' / ')} before, ${t.loadAverage.after.join(' / ')} after, on ${r.machine.cpus} CPUs (other processes on the machine count too; above ~${r.machine.cpus} the figures are slowed by them).`,
    '',
  );
  lines.push('| concurrency | workflow orders/s | p50 (ms) | p99 (ms) | direct orders/s | p50 (ms) | p99 (ms) | orchestration overhead (direct/workflow orders/s) | p50 ratio | orchestration per transition (ms) |');
  lines.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const l of t.levels) {
    lines.push(
      `| ${l.concurrency} | ${fmt(l.workflow.ordersPerSecond)} | ${fmt(l.workflow.p50Ms)} | ${fmt(l.workflow.p99Ms)} | ${fmt(l.direct.ordersPerSecond)} | ${fmt(l.direct.p50Ms)} | ${fmt(l.direct.p99Ms)} | ${l.throughputOverhead.toFixed(2)}× | ${l.latencyOverheadP50.toFixed(2)}× | ${l.orchestrationMsPerTransition.toFixed(2)} |`,
    );
  }
  const withConsole = t.consoleNoPage;
  const without = withConsole && t.levels.find((l) => l.concurrency === withConsole.concurrency);
  if (withConsole && without) {
    lines.push(
      '',
      `With the local console started and no page open (concurrency ${withConsole.concurrency}, ${t.rounds} more rounds interleaved the same way): workflow ${fmt(withConsole.workflow.ordersPerSecond)} orders/s, direct ${fmt(withConsole.direct.ordersPerSecond)}, ` +
        `orchestration overhead ${withConsole.throughputOverhead.toFixed(2)}× against ${without.throughputOverhead.toFixed(2)}× without it: the console subscribes to nothing until a page streams.`,
    );
  }
  lines.push(
    '',
    `Orchestration per transition = (1 / workflow orders/s − 1 / direct orders/s) ÷ ${t.transitionsPerOrder} transitions per order (medians): at concurrency 1 the latency the state machine adds per transition, at 64 (both paths saturate the ${r.machine.cpus} cores) the machine time it adds. ` +
      (engineUs !== undefined
        ? `The engine alone costs ${engineUs.toFixed(0)} µs per transition on the same definition (section 4: in memory, no Lambda, one core); the rest of the per-transition figure is the Task integrations, the virtual clock and contention with the functions’ worker threads and DynamoDB Local.`
        : 'The engine alone: see section 4.'),
  );
}

const PATH_COLUMNS: readonly [keyof PathBill, string][] = [
  ['stepFunctionsStandard', 'Step Functions (Standard)'],
  ['lambda', 'Lambda'],
  ['dynamodb', 'DynamoDB'],
  ['apiGateway', 'API Gateway'],
  ['eventbridge', 'EventBridge'],
  ['logs', 'CloudWatch Logs'],
  ['xray', 'X-Ray'],
];
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)}`;

/**
 * Section 3: the full bill per million orders, by path and service, measured through the API;
 * the usage behind it; DynamoDB as Local reports it and as AWS bills it; the reconciler's monthly
 * cost; and the transitions of every path of the definition.
 */
export function renderCost(lines: string[], r: Pick<ReportInput, 'cost' | 'throughput'>): void {
  const { bill, prices, transitions } = r.cost;
  const s = bill.settings;
  lines.push('', '## 3. Cost per million orders on AWS', '');
  const dated = Object.entries(prices.entries ?? {}).map(([key, e]) => `${key} ${e.date}`);
  lines.push(
    `The full bill, measured through the API: each order is submitted with \`POST /orders\` to the synthesized app (a local runtime of its own, instrumented) and followed to its terminal status, one at a time, ${bill.runsPerPath} orders per path after one warm-up order per path (medians). ` +
      `Prices: ${prices.region} list prices of prices.json (${prices.date}${dated.length ? `; ${dated.join(', ')}` : ''}). ` +
      `Configuration read from the templates: state machine logs at ${s.stateMachineLogLevel}${s.includeExecutionData ? ' with' : ' without'} execution data, X-Ray tracing ${s.tracing ? 'on (one trace per order)' : 'off'}, API function ${s.apiFunctionMemoryMb} MB, ${s.accessLogFormat ? 'JSON access log per API request' : 'no access log'}. ` +
      `Load average (1/5/15 min): ${bill.loadAverage.before.join(' / ')} before, ${bill.loadAverage.after.join(' / ')} after.`,
    '',
  );
  lines.push(`| path | ${PATH_COLUMNS.map(([, label]) => label).join(' | ')} | **total** | Step Functions if Express | total if Express |`);
  lines.push(`|---|${PATH_COLUMNS.map(() => '---:').join('|')}|---:|---:|---:|`);
  for (const p of bill.paths) {
    const d = p.dollarsPerMillion;
    lines.push(`| ${p.path} | ${PATH_COLUMNS.map(([key]) => usd(d[key])).join(' | ')} | **${usd(d.totalStandard)}** | ${usd(d.stepFunctionsExpress)} | ${usd(d.totalExpress)} |`);
  }
  const poll = bill.poll.dollarsPerMillion;
  lines.push(`| each status poll, \`GET /orders/{id}\` (per million polls) | – | ${PATH_COLUMNS.slice(1).map(([key]) => usd(poll[key])).join(' | ')} | **${usd(poll.totalStandard)}** | – | – |`);
  lines.push(`| hybrid (Standard parent for payment, Express child) | ${PATH_COLUMNS.map(() => '–').join(' | ')} | – | – | ${transitions.hybrid} |`);

  lines.push('', 'What one order uses (median order of each path):', '');
  lines.push('| path | states visited | transitions | Lambda invocations | billed ms (min–max) | GB-s | RRU | WRU | events | logs KiB: Lambda / Step Functions / API | traces | execution ms |');
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|');
  const usageRow = (label: string, states: string, u: PathUsage, billedMs: string) =>
    lines.push(
      `| ${label} | ${states} | ${u.transitions} | ${u.lambdaInvocations} | ${billedMs} | ${u.lambdaGbSeconds.toFixed(3)} | ${u.readUnits} | ${u.writeUnits} | ${u.events} | ${kib(u.logBytes.lambda)} / ${kib(u.logBytes.stepFunctions)} / ${kib(u.logBytes.apiGateway)} | ${u.traces} | ${u.executionMs.toFixed(0)} |`,
    );
  for (const p of bill.paths) usageRow(p.path, `${p.statesVisited.join(' → ')}${p.retries ? ` (${p.retries} retries)` : ''}`, p.usage, fmt(p.lambdaBilledMs, 0));
  usageRow('status poll', '–', bill.poll.usage, bill.poll.usage.lambdaBilledMs.toFixed(0));

  const confirmed = bill.paths[0];
  if (confirmed) renderCapacity(lines, confirmed, bill);

  const rec = bill.reconciler;
  const m = rec.monthly;
  lines.push(
    '',
    `**The reconciler, per month (not per order).** Its sweep runs every ${rec.sweepIntervalMinutes} minutes: ${m.sweepsPerMonth} Standard executions a month (${r.cost.prices.region}, 730 h). ` +
      `One sweep that finds nothing to settle: ${rec.usage.transitions} transitions (${rec.statesVisited.join(' → ')}), ${kib(rec.usage.logBytes)} KiB of logs, ${rec.usage.traces} trace: ` +
      `${usd(m.stepFunctions)} Step Functions + ${usd(m.logs)} logs + ${usd(m.xray)} X-Ray = **${usd(m.fixed)} a month**, whatever the order volume (the schedule and the status-change rule are free). ` +
      `Its Scan reads the whole orders table (strongly consistent; the filter does not reduce what is billed), and orders are never deleted: a stored order is ${rec.usage.orderItemBytes} bytes here, ` +
      `so every million orders stored add ${m.scanReadUnitsPerMillionStored.toLocaleString('en-US')} RRU to every sweep, **${usd(m.scanPerMillionStoredOrders)} a month per million orders stored**, growing with the table ` +
      `(measured: DynamoDB Local reported ${rec.scan.localReportedUnits} units for the consistent Scan of ${rec.scan.items} orders, ${rec.scan.bytes} bytes).`,
  );

  lines.push(
    '',
    'How each figure is obtained:',
    '',
    '- **Step Functions**: states entered + Retry attempts of the execution’s history. Express is priced from the same (Standard) run: 1 request + the execution’s duration (retry waits included, on the virtual clock) in 100 ms steps at 64 MB. An Express build retries once per retrier (`RetryBudget` `express`), so its retried paths end sooner (the gateway-flaky order fails instead) and cost less than priced here.',
    '- **Lambda**: every invocation at its memory, billed duration = Lambda’s REPORT of each `lambda:invoke` rounded up to 1 ms; the order-api’s = the `POST /orders` round trip less the local HTTP API’s own ' +
      `(${fmt(bill.httpOverheadMs)} ms, a request to no route). Durations are local (DynamoDB Local on the same cores, the load above): on AWS they follow DynamoDB’s latency instead. Cold starts are excluded (warm-up orders).`,
    '- **DynamoDB**: the functions’ own requests, counted by a proxy that asks each for `ReturnConsumedCapacity: TOTAL`, then billed by AWS’s rules (table above).',
    '- **CloudWatch Logs**: the functions’ log lines are measured (what they write at their configured level); Lambda’s `platform.start`/`platform.report` records, the state machine’s execution events and the API access log line are rendered from the run (`src/logs.ts`), not written by the local runtime; every event counts 26 bytes more (PutLogEvents’ per-event size). Storage ($/GB-month after compression) is not included.',
    '- **X-Ray**: one trace per order (the API function starts it; the execution and its functions join it). Lambda samples 1 request per second and 5% of the rest: at a million orders a month (0.4/s) nearly every order is traced; at sustained high rates the X-Ray column falls to about 5% of this.',
    '- **API Gateway**: one HTTP API request per order (and per poll), under the 512 KB metering unit. **EventBridge**: the custom events put on the app’s bus; Step Functions’ status-change events are AWS events, free.',
  );

  lines.push('', `State transitions per path (walked from the synthesized definition; the happy path ${r.throughput.probe.matchesAslHappyPath ? 'matches' : 'does NOT match'} the states a local execution visited; “measured” where the path was run above):`, '');
  lines.push('| path (error@state caught) | transitions | measured | of which retries | Lambda invocations (step functions) | Standard $/M orders (Step Functions only) |', '|---|---:|---:|---:|---:|---:|');
  for (const p of transitions.standard) lines.push(`| ${p.path} | ${p.transitions} | ${p.measuredTransitions ?? '–'} | ${p.retries} | ${p.lambdaInvocations} | ${usd(p.dollarsPerMillion)} |`);
}

/** DynamoDB requests of one confirmed order: what DynamoDB Local reported and what AWS bills. */
function renderCapacity(lines: string[], p: MeasuredPath, bill: BillSection): void {
  lines.push('', `DynamoDB requests of one ${p.path} order (API and steps), as DynamoDB Local reported them and as AWS bills them:`, '');
  lines.push('| operation | requests | units Local reported | RRU billed | WRU billed |', '|---|---:|---:|---:|---:|');
  for (const [operation, o] of Object.entries(p.byOperation)) lines.push(`| ${operation} | ${o.requests} | ${o.reportedUnits} | ${o.readUnits} | ${o.writeUnits} |`);
  const t = bill.transactionCheck;
  lines.push(
    '',
    (t ? `Transactions: DynamoDB Local reported ${t.reportedByLocal} units for a ${t.items}-item ${t.operation}; AWS bills 2 units per item unit written transactionally, ${t.billed}. ` : '') +
      'Failed conditional writes (the order-api records the order PENDING, then CreateOrder’s create finds it and is refused) return no ConsumedCapacity locally but consume write units on AWS (the larger item, at least 1): counted from the request’s item. ' +
      'A canceled TransactWriteItems (OUT_OF_STOCK’s reservation) is counted as if its items were written transactionally: AWS does not document its consumption, so this is an upper bound.',
  );
}
