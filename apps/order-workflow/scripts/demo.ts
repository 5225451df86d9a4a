/**
 * `pnpm demo`: synthesizes the CDK app, starts it as a local stack (the same wiring as
 * `pnpm start`), seeds stock through the stock API, submits a batch of orders through
 * `POST /orders` that covers every path of the workflow, and prints what happened to each order
 * and to the stock. Status and reason come from the orders table, not from execution outputs.
 *
 *   pnpm demo [--keep] [--console-port 0]
 *
 * The local console's URL is printed while the demo runs; `--keep` keeps the stack and the
 * console running after the table until Ctrl-C (without it the demo exits by itself).
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { OrderRequest } from '@order-flow/contracts';
import { LocalOrderStack } from '../src/local/stack.js';
import { DEMO_STOCK, demoOrders, SCARCE_SKU } from './demo-orders.js';

const { values: args } = parseArgs({
  options: {
    keep: { type: 'boolean', default: false },
    'console-port': { type: 'string', default: process.env.CONSOLE_PORT ?? '0' },
  },
});
const consolePort = Number(args['console-port']);
if (!Number.isInteger(consolePort) || consolePort < 0 || consolePort > 65535) {
  console.error(`--console-port must be a port number 0-65535, got "${args['console-port']}"`);
  process.exit(2);
}
const started = performance.now();
const assemblyDir = fileURLToPath(new URL('../cdk.out', import.meta.url));
console.log('Synthesizing the CDK app and starting the local stack (DynamoDB Local, Lambda bundles, Step Functions, HTTP API)...');
const workflow = await LocalOrderStack.start({ assemblyDir, console: { port: consolePort } });
let keeping = false;
try {
  console.log(`Local console: ${workflow.runtime.console!.url} (graph, executions live, tables, functions, events)${args.keep ? '' : ' — pass --keep to keep it open after the demo'}`);
  for (const seed of DEMO_STOCK) {
    const seeded = await fetch(`${workflow.apiUrl}/inventory/${seed.sku}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ available: seed.available, unitPrice: seed.unitPrice }),
    });
    if (seeded.status !== 200) throw new Error(`PUT /inventory/${seed.sku} answered ${seeded.status}: ${await seeded.text()}`);
  }
  console.log(`Ready in ${Math.round(performance.now() - started)} ms. Seeded ${DEMO_STOCK.map((s) => `${s.sku}=${s.available}`).join(', ')}.\n`);

  const { sequential, burst } = demoOrders();
  const rows: Row[] = [];
  for (const [scenario, order] of sequential) rows.push(await runOne(scenario, order));
  console.log(`Racing ${burst.length} concurrent orders for ${SCARCE_SKU} ...`);
  rows.push(...(await Promise.all(burst.map((order, i) => runOne(`race #${i + 1}`, order)))));

  printTable(rows);
  const stock = await Promise.all(DEMO_STOCK.map(async (seed) => ({ ...seed, now: await workflow.stock(seed.sku) })));
  console.log('\nFinal stock');
  for (const s of stock) console.log(`  ${s.sku.padEnd(18)} ${String(s.available).padStart(4)} -> ${String(s.now).padStart(4)}`);

  const confirmedUnits = new Map<string, number>();
  for (const row of rows) {
    if (row.status !== 'CONFIRMED') continue;
    for (const item of row.order.items ?? []) confirmedUnits.set(item.sku, (confirmedUnits.get(item.sku) ?? 0) + item.quantity);
  }
  const consistent = stock.every((s) => s.available - (confirmedUnits.get(s.sku) ?? 0) === s.now);
  console.log(`\nStock check (seeded - units in CONFIRMED orders = available): ${consistent ? 'OK' : 'MISMATCH'}`);
  const events = workflow.events();
  const count = (type: string) => events.filter((event) => event['detail-type'] === type).length;
  const terminal = rows.filter((row) => row.status === 'CONFIRMED' || row.status === 'FAILED').length;
  console.log(`Order events on the bus: ${count('OrderConfirmed')} OrderConfirmed + ${count('OrderFailed')} OrderFailed for ${terminal} settled orders (pnpm start serves them at GET /events)`);
  console.log(`Done in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  if (!consistent || events.length !== terminal) process.exitCode = 1;
  if (args.keep) {
    keeping = true;
    console.log(`\nStill running (--keep): local console ${workflow.runtime.console!.url}, order API ${workflow.apiUrl}. Ctrl-C stops everything.`);
    const stop = (signal: string) => {
      console.log(`\n${signal}: stopping ...`);
      workflow.stop().then(
        () => process.exit(process.exitCode ?? 0),
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  }
} finally {
  if (!keeping) await workflow.stop();
}

interface Row {
  scenario: string;
  order: Partial<OrderRequest>;
  orderId: string;
  status: string;
  reason: string;
  states: readonly string[];
  retries: number;
  note: string;
  ms: number;
}

/** POSTs the order, waits for its execution to end, and reads the order record. */
async function runOne(scenario: string, order: Partial<OrderRequest>): Promise<Row> {
  const t0 = performance.now();
  const response = await fetch(`${workflow.apiUrl}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(order),
  });
  const accepted = (await response.json()) as { orderId?: string; executionArn?: string; error?: string; message?: string };
  if (response.status !== 202 || !accepted.executionArn) {
    // Rejected by the API: nothing was recorded and no execution started.
    return { scenario, order, orderId: order.orderId ?? '-', status: `HTTP ${response.status}`, reason: accepted.error ?? '', states: [], retries: 0, note: noteOf(accepted.message), ms: Math.round(performance.now() - t0) };
  }
  const result = await workflow.runtime.waitForExecution(accepted.executionArn);
  const ms = Math.round(performance.now() - t0);
  const record = await workflow.order(accepted.orderId!);
  return {
    scenario,
    order,
    orderId: accepted.orderId!,
    status: record?.status ?? 'MISSING',
    reason: record?.reason ?? '',
    states: result.statesVisited,
    retries: result.retries,
    note: noteOf(record?.history.at(-1)?.detail),
    ms,
  };
}

/** The error message behind a failure, short enough for one table cell. */
function noteOf(detail: string | undefined): string {
  if (!detail) return '';
  let text = detail;
  try {
    // A Lambda error's Cause is AWS's JSON {errorType, errorMessage, trace}.
    text = (JSON.parse(detail) as { errorMessage?: string }).errorMessage ?? detail;
  } catch {
    // Not JSON: keep the text as it is.
  }
  text = text.replace(/^\w+: /, '');
  return text.length > 64 ? `${text.slice(0, 63)}…` : text;
}

function printTable(rows: readonly Row[]): void {
  const header = ['order', 'scenario', 'status', 'reason', 'retries', 'ms', 'why', 'states visited'];
  const cells = rows.map((r) => [r.orderId, r.scenario, r.status, r.reason, String(r.retries), String(r.ms), r.note, r.states.join(' > ')]);
  const last = header.length - 1;
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (i === last ? 0 : c[i]!.length))));
  const line = (c: string[]) => c.map((v, i) => (i === last ? v : v.padEnd(widths[i]!))).join('  ');
  console.log('\n' + line(header));
  console.log(line(widths.map((w, i) => '-'.repeat(i === last ? 14 : w))));
  for (const c of cells) console.log(line(c));
}
