/**
 * Throughput through the synthesized state machine on the local runtime, next to its limit: the
 * same Lambda invocations made directly on the same runtime (see `direct.ts`), with no
 * orchestration, the two interleaved level by level.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { LocalRuntime } from '@order-flow/local';
import { percentile, round, summarize, type Summary } from './stats.js';

/** One order of the benchmark: tok_visa, one line of a well-stocked SKU. */
export function benchOrder(orderId: string, sku: string) {
  return { orderId, customerId: 'cus_bench', items: [{ sku, quantity: 1 }], payment: { token: 'tok_visa' }, currency: 'USD' };
}

/** Runs one order end to end and resolves with its latency in ms (rejects when it did not confirm). */
export type OrderRunner = (orderId: string, sku: string) => Promise<void>;

/** One round at one concurrency. */
export interface RoundResult {
  readonly ordersPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** Rounds of one concurrency level, summarized. */
export interface LevelResult {
  readonly concurrency: number;
  readonly ordersPerRound: number;
  readonly rounds: number;
  readonly ordersPerSecond: Summary;
  readonly p50Ms: Summary;
  readonly p99Ms: Summary;
}

/** Runs `count` orders with `concurrency` in flight, each on a SKU picked round-robin from `skus`. */
export async function runRound(run: OrderRunner, count: number, concurrency: number, skus: readonly string[], prefix: string): Promise<RoundResult> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const t0 = performance.now();
      await run(`${prefix}_${i}`, skus[i % skus.length]!);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { ordersPerSecond: count / seconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

/** The rounds of each level, summarized (median with min–max per figure). */
function summarizeLevels(byLevel: Map<number, RoundResult[]>, levels: readonly number[], orders: (concurrency: number) => number): LevelResult[] {
  return levels.map((c) => {
    const list = byLevel.get(c) ?? [];
    return {
      concurrency: c,
      ordersPerRound: orders(c),
      rounds: list.length,
      ordersPerSecond: summarize(list.map((x) => x.ordersPerSecond)),
      p50Ms: summarize(list.map((x) => x.p50Ms)),
      p99Ms: summarize(list.map((x) => x.p99Ms)),
    };
  });
}

/** Both runners' results per level, from {@link runInterleaved}. */
export interface InterleavedResult {
  readonly workflow: LevelResult[];
  readonly direct: LevelResult[];
}

/**
 * Runs the workflow and its limit round by round, level by level, back to back: in every round,
 * each level runs on both paths before the next level starts, and which path goes first
 * alternates per round. So both paths see the same machine (load from other processes, DynamoDB
 * Local's growing tables, JIT state) at the same moments, and a drift shows in both.
 */
export async function runInterleaved(
  runners: { readonly workflow: OrderRunner; readonly direct: OrderRunner },
  options: { levels: readonly number[]; rounds: number; orders: (concurrency: number) => number; skus: readonly string[]; prefix: string; log?: (line: string) => void },
): Promise<InterleavedResult> {
  const results = { workflow: new Map<number, RoundResult[]>(), direct: new Map<number, RoundResult[]>() };
  for (let r = 0; r < options.rounds; r++) {
    for (const c of options.levels) {
      const order: ('workflow' | 'direct')[] = r % 2 === 0 ? ['workflow', 'direct'] : ['direct', 'workflow'];
      for (const path of order) {
        const round = await runRound(runners[path], options.orders(c), c, options.skus, `${options.prefix}_${path}_r${r}_c${c}`);
        results[path].set(c, [...(results[path].get(c) ?? []), round]);
        options.log?.(`  ${path} c=${c} round ${r + 1}: ${round.ordersPerSecond.toFixed(1)} orders/s, p50 ${round.p50Ms.toFixed(1)} ms, p99 ${round.p99Ms.toFixed(1)} ms`);
      }
    }
  }
  return {
    workflow: summarizeLevels(results.workflow, options.levels, options.orders),
    direct: summarizeLevels(results.direct, options.levels, options.orders),
  };
}

/**
 * Orchestration time per state transition, in ms: the time per order the workflow takes beyond
 * its limit (1/orders-per-second, medians), divided by the transitions of an order. At
 * concurrency 1 that is latency; at high concurrency, where both paths saturate the machine, it
 * is the machine time the engine adds per transition.
 */
export function orchestrationMsPerTransition(workflowOrdersPerSecond: number, directOrdersPerSecond: number, transitionsPerOrder: number): number {
  return round((1000 / workflowOrdersPerSecond - 1000 / directOrdersPerSecond) / transitionsPerOrder, 3);
}

/** An OrderRunner through the local runtime's state machine; fails loudly unless the order confirms. */
export function workflowRunner(runtime: LocalRuntime, stateMachineArn: string, durations?: number[]): OrderRunner {
  return async (orderId, sku) => {
    const result = await runtime.run(benchOrder(orderId, sku), { stateMachine: stateMachineArn });
    if (result.status !== 'SUCCEEDED') throw new Error(`order ${orderId} ended ${result.status}: ${result.error ?? ''} ${result.cause ?? ''}`);
    durations?.push(result.durationMs);
  };
}

/** Samples the resident set size of this process and of its child processes (DynamoDB Local). */
export class RssSampler {
  peakSelf = 0;
  peakChildren = 0;
  private timer?: NodeJS.Timeout;

  start(intervalMs = 100): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.sample();
  }

  private sample(): void {
    this.peakSelf = Math.max(this.peakSelf, process.memoryUsage.rss());
    this.peakChildren = Math.max(this.peakChildren, childrenRss(process.pid));
  }
}

/** Total RSS in bytes of the direct children of `pid` (Linux /proc; 0 elsewhere). */
function childrenRss(pid: number): number {
  let total = 0;
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid !== pid) continue;
        const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'));
        if (rss) total += Number(rss[1]) * 1024;
      } catch {
        // the process ended between listing and reading
      }
    }
  } catch {
    return 0;
  }
  return total;
}

/** Ratio of two medians, rounded. */
export function ratio(a: Summary, b: Summary): number {
  return round(a.median / b.median, 2);
}
