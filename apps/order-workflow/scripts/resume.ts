/**
 * `pnpm orders:resume`: finds orders left PENDING (their execution died with the stack that ran
 * it) and starts their workflow again. Every step is idempotent per orderId, so a step that
 * already ran returns its first result and nothing happens twice.
 *
 *   pnpm orders:resume --data-dir <dir>   # the DynamoDB Local data dir the stack persisted to
 *
 * The CLI starts the local stack on that data dir, resumes, waits for every resumed execution
 * and prints what happened. Tests call {@link resumePendingOrders} on a running stack.
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { OrderRecord, OrderRequest } from '@order-flow/contracts';
import type { LocalOrderStack } from '../src/local/stack.js';

/** Options of {@link resumePendingOrders}. */
export interface ResumeOptions {
  /**
   * Leave orders created less than this long ago alone: their own execution may still be on its way.
   * @default 0
   */
  readonly minAgeMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/** What {@link resumePendingOrders} did. */
export interface ResumeResult {
  /** PENDING orders found. */
  readonly pending: number;
  /** Orders whose workflow was started again, with the execution started for each. */
  readonly resumed: readonly { orderId: string; executionArn: string }[];
  /** Orders skipped: an execution for them is still running in this stack, or they are too young. */
  readonly skipped: readonly string[];
}

/**
 * Starts the workflow again for every PENDING order of the orders table. The execution is named
 * after the orderId when that name is free (the old execution died with the previous stack),
 * else `<orderId>_r<time>`; an order whose execution is still RUNNING here is left alone.
 */
export async function resumePendingOrders(stack: LocalOrderStack, options: ResumeOptions = {}): Promise<ResumeResult> {
  const now = (options.now ?? Date.now)();
  const pending = (await stack.scan('orders')).filter((item) => item.status === 'PENDING') as unknown as OrderRecord[];
  const resumed: { orderId: string; executionArn: string }[] = [];
  const skipped: string[] = [];
  for (const record of pending) {
    if (now - Date.parse(record.createdAt) < (options.minAgeMs ?? 0)) {
      skipped.push(record.orderId);
      continue;
    }
    const input: OrderRequest = {
      orderId: record.orderId,
      customerId: record.customerId,
      items: record.items,
      payment: { token: record.paymentToken },
      currency: record.currency,
    };
    try {
      resumed.push({ orderId: record.orderId, executionArn: stack.runtime.startExecution(input, { name: record.orderId }).executionArn });
    } catch (error) {
      if ((error as Error).name !== 'ExecutionAlreadyExists') throw error;
      const existing = stack.stateMachineArn.replace(':stateMachine:', ':execution:') + `:${record.orderId}`;
      if (stack.runtime.describeExecution(existing).status === 'RUNNING') {
        skipped.push(record.orderId);
        continue;
      }
      const name = `${record.orderId}_r${now.toString(36)}`;
      resumed.push({ orderId: record.orderId, executionArn: stack.runtime.startExecution(input, { name }).executionArn });
    }
  }
  return { pending: pending.length, resumed, skipped };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, 'assembly-dir': { type: 'string' } } });
  const dataDir = values['data-dir'];
  if (!dataDir) {
    console.error('Usage: pnpm orders:resume --data-dir <DynamoDB Local data dir> [--assembly-dir <cdk.out>]');
    process.exit(2);
  }
  const { LocalOrderStack } = await import('../src/local/stack.js');
  const stack = await LocalOrderStack.start({
    assemblyDir: values['assembly-dir'] ?? fileURLToPath(new URL('../cdk.out', import.meta.url)),
    dynamodbDataDir: dataDir,
  });
  try {
    const result = await resumePendingOrders(stack);
    console.log(`${result.pending} PENDING order(s); resumed ${result.resumed.length}, skipped ${result.skipped.length}`);
    for (const { orderId, executionArn } of result.resumed) {
      const run = await stack.runtime.waitForExecution(executionArn);
      console.log(`  ${orderId}: ${run.status}${run.error ? ` (${run.error})` : ''}`);
    }
  } finally {
    await stack.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
