/**
 * The frame of the long-outage scenarios (outages.test.ts): a stack on a VirtualClock whose start
 * is known in advance, so an outage window can be written down before the stack runs; 200 orders
 * started just before a 30-minute outage; then virtual time run on until every execution and
 * every settlement of the reconciler has ended. Waits are the template's own, never shrunk.
 */
import type { OrderRequest } from '@order-flow/contracts';
import type { ExecutionResult, LocalRuntimeOptions } from '@order-flow/local';
import { VirtualClock } from '@order-flow/step-functions';
import { LocalOrderStack, type SettlementRecord } from '../../../src/local/stack.js';
import { between, orderOf, pick } from './workload.js';
// The engine's seeded PRNG (also behind the fault injector): a scenario's orders are the same on every run.
import { mulberry32 } from '@order-flow/local/faults';
import { acceptLikeTheApi, reliabilityOptions } from './workflow-type.js';

export const MINUTE = 60_000;
/** Where every outage scenario's virtual clock starts. */
export const CLOCK_START = Date.parse('2030-01-01T00:00:00Z');
/** The outage, [start, end): 30 virtual minutes, far enough from the start for the stack to be up. */
export const OUTAGE = { start: CLOCK_START + 10 * MINUTE, end: CLOCK_START + 40 * MINUTE } as const;
/** Orders start this long before the outage: the first finish before it, most are in flight when it begins. */
export const LEAD_MS = 5_000;
/**
 * Virtual time run on once every workflow execution has ended: the sweep runs every 15 minutes and
 * settles orders PENDING for 65; a settlement takes up to 24 rounds 5 minutes apart.
 */
export const SETTLE_MS = 150 * MINUTE;
/**
 * Orders per scenario: 200 (the figure) under `pnpm test:reliability`; the app's normal
 * vitest config (what `pnpm test` and CI run) sets `ORDER_FLOW_OUTAGE_ORDERS=60` to keep the whole
 * suite within its time budget. Same scenarios, same invariants; each report line says the count.
 */
export const ORDER_COUNT = orderCount(process.env.ORDER_FLOW_OUTAGE_ORDERS);

function orderCount(value: string | undefined): number {
  if (value === undefined) return 200;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 10) throw new Error(`ORDER_FLOW_OUTAGE_ORDERS must be a whole number >= 10, got ${JSON.stringify(value)}`);
  return count;
}

/** `2030-01-01T00:10:00Z/2030-01-01T00:40:00Z`: {@link OUTAGE} as `SIMULATED_GATEWAY_OUTAGES` reads it. */
export const OUTAGE_INTERVAL = `${iso(OUTAGE.start)}/${iso(OUTAGE.end)}`;

/** A stack on its own VirtualClock starting at {@link CLOCK_START}. */
export async function startOutageStack(options: Pick<LocalRuntimeOptions, 'environment'> = {}): Promise<{ stack: LocalOrderStack; clock: VirtualClock }> {
  const clock = new VirtualClock(CLOCK_START);
  const stack = await LocalOrderStack.start(reliabilityOptions({ ...options, clock }));
  return { stack, clock };
}

/** Sleeps on `clock` until `at` (at once when it has passed). */
export async function sleepUntil(clock: VirtualClock, at: number): Promise<void> {
  await clock.sleep(Math.max(0, at - clock.now()));
}

/** Minutes since {@link CLOCK_START}, as `T+12.5 min`. */
export function sinceStart(at: number): string {
  return `T+${((at - CLOCK_START) / MINUTE).toFixed(1)} min`;
}

/** The orders of one scenario and the stock they draw on. */
export interface OutageWorkload {
  readonly orders: readonly OrderRequest[];
  readonly initialStock: Readonly<Record<string, number>>;
}

/**
 * Seeds four SKUs and builds {@link ORDER_COUNT} seeded orders of 1-2 lines of 1-2 units: mostly
 * approving cards, a few declines. About 110 units are asked of each SKU: the first three cover
 * it, the last (90) runs out for a few orders.
 */
export async function seedWorkload(stack: LocalOrderStack, run: string, seed: number): Promise<OutageWorkload> {
  const random = mulberry32(seed);
  const skus = Array.from({ length: 4 }, (_, i) => `SKU-OUT${i}-${run}`);
  const initialStock = Object.fromEntries(skus.map((sku, i) => [sku, [200, 200, 180, 90][i]!]));
  await stack.seedStock(skus.map((sku, i) => ({ sku, available: initialStock[sku]!, unitPrice: 300 + 125 * i })));
  const tokens = ['tok_visa', 'tok_visa', 'tok_visa', 'tok_visa', 'tok_visa', 'tok_visa', 'tok_mastercard', 'tok_mastercard', 'tok_chargeDeclined', 'tok_visa'];
  const orders = Array.from({ length: ORDER_COUNT }, (_, i) => {
    const lines = [...skus].sort(() => random() - 0.5).slice(0, between(random, 1, 2));
    return orderOf(`ord_out_${run}_${i}`, lines.map((sku) => ({ sku, quantity: between(random, 1, 2) })), pick(random, tokens));
  });
  return { orders, initialStock };
}

/**
 * Starts one workflow execution per order, named after it (as the API does); returns their ARNs.
 * Express: each order is first recorded PENDING, as the API does (see acceptLikeTheApi).
 */
export async function startOrders(stack: LocalOrderStack, orders: readonly OrderRequest[]): Promise<string[]> {
  await acceptLikeTheApi(stack, orders);
  return orders.map((order) => stack.start(order, { name: order.orderId! }).executionArn);
}

/** Where a scenario's run ended up once time has been run on. */
export interface Settled {
  readonly executions: readonly ExecutionResult[];
  readonly settlements: readonly SettlementRecord[];
}

/**
 * Waits for every execution (virtual time jumps over their retry waits), then runs virtual time
 * on by {@link SETTLE_MS} and waits for the reconciler's settlements still running.
 */
export async function settleAll(stack: LocalOrderStack, clock: VirtualClock, executionArns: readonly string[]): Promise<Settled> {
  const executions = await Promise.all(executionArns.map((arn) => stack.runtime.waitForExecution(arn)));
  await clock.sleep(SETTLE_MS);
  const settlements = await stack.settlementsDone();
  return { executions, settlements };
}

/** Failed task attempts of one error, as {@link failuresBetween} counts them. */
export interface FailuresOf {
  /** Failed attempts (history events). */
  readonly attempts: number;
  /** Executions with at least one. */
  readonly executions: number;
}

const FAILED_TASK_EVENTS: Readonly<Record<string, string>> = {
  LambdaFunctionFailed: 'lambdaFunctionFailedEventDetails',
  LambdaFunctionTimedOut: 'lambdaFunctionTimedOutEventDetails',
  TaskFailed: 'taskFailedEventDetails',
  TaskTimedOut: 'taskTimedOutEventDetails',
};

/**
 * Failed task attempts recorded in the executions' histories with a timestamp in [from, to), by
 * error name: what proves an outage hit the orders in flight.
 */
export function failuresBetween(stack: LocalOrderStack, executionArns: readonly string[], from: number, to: number): Readonly<Record<string, FailuresOf>> {
  const attempts: Record<string, number> = {};
  const executions: Record<string, number> = {};
  for (const arn of executionArns) {
    const seen = new Set<string>();
    let nextToken: string | undefined;
    do {
      const page = stack.runtime.executionHistory(arn, { ...(nextToken && { nextToken }), includeExecutionData: false });
      for (const event of page.events) {
        const detailsKey = FAILED_TASK_EVENTS[event.type];
        const time = event.timestamp.getTime();
        if (!detailsKey || time < from || time >= to) continue;
        const error = String((event[detailsKey] as { error?: string } | undefined)?.error ?? event.type);
        attempts[error] = (attempts[error] ?? 0) + 1;
        seen.add(error);
      }
      nextToken = page.nextToken;
    } while (nextToken);
    for (const error of seen) executions[error] = (executions[error] ?? 0) + 1;
  }
  return Object.fromEntries(Object.keys(attempts).map((error) => [error, { attempts: attempts[error]!, executions: executions[error]! }]));
}

function iso(at: number): string {
  return new Date(at).toISOString().replace('.000Z', 'Z');
}
