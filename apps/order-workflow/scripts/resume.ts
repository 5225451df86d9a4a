/**
 * `pnpm orders:resume`: settles the orders a stopped or killed local stack left PENDING, with the
 * reconciler the app deploys on AWS (`OrderReconciler`): it starts the reconciliation state
 * machine's sweep now instead of waiting for its schedule. Nothing here decides anything: the
 * sweep finds the PENDING orders, one settlement execution per order (named after it, so never
 * twice) refunds or voids the payment, releases the stock, marks the order FAILED (`STALLED`) and
 * publishes `OrderFailed`.
 *
 *   pnpm orders:resume --data-dir <dir> [--older-than <seconds>] [--assembly-dir <cdk.out>]
 *
 * The CLI starts the local stack on that DynamoDB Local data dir. Its executions died with the
 * stack that ran them, so by default every PENDING order is settled (`--older-than 0`); on a
 * stack that is still taking orders, pass the workflow timeout or let the schedule do it.
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { LocalOrderStack, SettlementRecord } from '../src/local/stack.js';

/** Options of {@link settleStrandedOrders}. */
export interface SettleOptions {
  /**
   * Settle orders PENDING for longer than this. Without it the sweep uses its deployed cutoff:
   * the workflow timeout plus a margin.
   */
  readonly olderThanSeconds?: number;
}

/** What {@link settleStrandedOrders} did. */
export interface SettleResult {
  /** The reconciliation execution that ran the sweep. */
  readonly executionArn: string;
  /** Settlement executions this sweep started (an order settled before is not started again). */
  readonly settlementsStarted: number;
  /** Every settlement execution of the stack so far, all finished. */
  readonly settlements: readonly SettlementRecord[];
}

/**
 * Runs the reconciler's sweep on `stack` now and waits for it and for every settlement it
 * started.
 */
export async function settleStrandedOrders(stack: LocalOrderStack, options: SettleOptions = {}): Promise<SettleResult> {
  const input = { source: 'order-flow.orders-resume', ...(options.olderThanSeconds !== undefined && { olderThanSeconds: options.olderThanSeconds }) };
  const run = await stack.runtime.run(input, { stateMachine: stack.reconciler.reconciliationArn });
  if (run.status !== 'SUCCEEDED') throw new Error(`The reconciliation sweep ended ${run.status}: ${run.error ?? ''} ${run.cause ?? ''}`);
  const { settlementsStarted } = run.output as { settlementsStarted: number };
  return { executionArn: run.executionArn, settlementsStarted, settlements: await stack.settlementsDone() };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, 'assembly-dir': { type: 'string' }, 'older-than': { type: 'string' } } });
  const dataDir = values['data-dir'];
  const olderThan = Number(values['older-than'] ?? '0');
  if (!dataDir || !Number.isInteger(olderThan) || olderThan < 0) {
    console.error('Usage: pnpm orders:resume --data-dir <DynamoDB Local data dir> [--older-than <seconds, a whole number >= 0>] [--assembly-dir <cdk.out>]');
    process.exit(2);
  }
  const { LocalOrderStack } = await import('../src/local/stack.js');
  const stack = await LocalOrderStack.start({
    assemblyDir: values['assembly-dir'] ?? fileURLToPath(new URL('../cdk.out', import.meta.url)),
    dynamodbDataDir: dataDir,
    clock: 'real',
  });
  try {
    const result = await settleStrandedOrders(stack, { olderThanSeconds: olderThan });
    const settled = result.settlements.filter((s) => s.settled);
    console.log(`sweep ${result.executionArn}: ${result.settlementsStarted} settlement(s) started, ${settled.length} order(s) settled`);
    for (const s of result.settlements) console.log(`  ${s.orderId}: ${s.status}${s.settled ? ` -> FAILED (${s.reason})` : ' (nothing to settle)'}`);
    const unsettled = await stack.unsettled();
    if (unsettled.length > 0) console.log(`${unsettled.length} order(s) could not be settled: see the unsettled-orders table`);
  } finally {
    await stack.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
