/**
 * Scenario 6: the local stack is killed mid-burst and started again on the same DynamoDB Local
 * data dir and assembly. No accepted order (202) is lost: each is settled or visibly PENDING, and
 * the reconciler's sweep (`pnpm orders:resume`, scripts/resume.ts) settles the PENDING ones
 * (FAILED, STALLED: their executions died with the stack) with every invariant intact.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { LocalOrderStack } from '../../src/local/stack.js';
import { settleStrandedOrders } from '../../scripts/resume.js';
import { checkInvariants } from './support/invariants.js';
import { report } from './support/report.js';
import { orderOf, runId } from './support/workload.js';

const workDir = mkdtempSync(join(tmpdir(), 'order-flow-restart-'));
const stacks: LocalOrderStack[] = [];
afterAll(async () => {
  for (const s of stacks) await s.stop();
  rmSync(workDir, { recursive: true, force: true });
});

it('6. killed mid-burst and restarted: every accepted order is settled or PENDING, and the reconciler settles them all', async (context) => {
  const startedAt = Date.now();
  const options = { assemblyDir: join(workDir, 'cdk.out'), dynamodbDataDir: join(workDir, 'dynamodb'), apiPort: 0, stepFunctionsPort: 0 };
  const first = await LocalOrderStack.start(options);
  stacks.push(first);
  const run = runId();
  const skus = [`SKU-RS-A-${run}`, `SKU-RS-B-${run}`];
  const initialStock = { [skus[0]!]: 20, [skus[1]!]: 20 };
  await first.seedStock(skus.map((sku) => ({ sku, available: 20, unitPrice: 900 })));

  // A burst through the API; the stack dies once a third of it was accepted, executions in flight.
  const burst = Array.from({ length: 30 }, (_, i) =>
    orderOf(`ord_rs_${run}_${i}`, [{ sku: skus[i % 2]!, quantity: 1 + (i % 3) }], i % 7 === 0 ? 'tok_gatewayFlaky' : 'tok_visa'),
  );
  const accepted: string[] = [];
  let killed: Promise<void> | undefined;
  await Promise.all(
    burst.map(async (order) => {
      try {
        const response = await fetch(`${first.apiUrl}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(order), signal: AbortSignal.timeout(4_000) });
        if (response.status === 202) accepted.push(order.orderId!);
        await response.body?.cancel();
      } catch {
        // Refused or cut off by the kill: not accepted, the client would retry.
      }
      if (accepted.length >= 10) killed ??= first.stop();
    }),
  );
  await (killed ?? first.stop());

  const second = await LocalOrderStack.start(options);
  stacks.push(second);
  const afterRestart = await Promise.all(accepted.map((id) => second.order(id)));
  expect(afterRestart.filter((record) => record === undefined)).toEqual([]);
  const pendingBefore = afterRestart.filter((record) => record?.status === 'PENDING').length;
  const crashed = await checkInvariants(second, { initialStock, allowPending: true });
  expect(crashed.results.find((r) => r.name.startsWith('every order'))!.violations).toEqual([]);

  // The executions died with the first stack: the reconciler's sweep settles what they left.
  const swept = await settleStrandedOrders(second, { olderThanSeconds: 0 });
  expect(swept.settlementsStarted).toBe(crashed.outcomes.PENDING ?? 0);
  const settled = swept.settlements.filter((s) => s.settled);
  expect(settled).toHaveLength(crashed.outcomes.PENDING ?? 0);
  expect(settled.every((s) => s.status === 'SUCCEEDED' && s.reason === 'STALLED')).toBe(true);

  const invariants = await checkInvariants(second, { initialStock });
  report(context, '6. kill mid-burst, restart, reconcile', startedAt, invariants, {
    orders: accepted.length,
    note: `${accepted.length}/${burst.length} accepted before the kill, ${pendingBefore} of them PENDING after restart (${crashed.outcomes.PENDING ?? 0} recorded PENDING in all), reconciler settled ${settled.length}`,
  });
  expect(invariants.violations).toEqual([]);
  // A second sweep finds nothing left to settle.
  expect((await settleStrandedOrders(second, { olderThanSeconds: 0 })).settlementsStarted).toBe(0);
  // Every accepted order is in the tables, settled.
  const final = await Promise.all(accepted.map((id) => second.order(id)));
  expect(final.every((r) => r?.status === 'CONFIRMED' || r?.status === 'FAILED')).toBe(true);
});
