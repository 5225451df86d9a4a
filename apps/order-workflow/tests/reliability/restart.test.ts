/**
 * Scenario 6: the local stack is killed for real mid-burst — its process and DynamoDB Local's
 * Java process both SIGKILLed at the same moment, nothing flushed or stopped — and started again
 * on the same DynamoDB Local data dir and assembly. No accepted order (202) is lost: each is
 * settled or visibly PENDING, and the reconciler's sweep (`pnpm orders:resume`, scripts/resume.ts)
 * settles the PENDING ones (FAILED, STALLED: their executions died with the process) with every
 * invariant intact.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { LocalOrderStack } from '../../src/local/stack.js';
import { settleStrandedOrders } from '../../scripts/resume.js';
import { checkInvariants } from './support/invariants.js';
import { isAlive, killHard, startStackProcess, waitGone, type StackProcess } from './support/processes.js';
import { report } from './support/report.js';
import { orderOf, runId } from './support/workload.js';
import { reliabilityOptions } from './support/workflow-type.js';

const workDir = mkdtempSync(join(tmpdir(), 'order-flow-restart-'));
const stacks: LocalOrderStack[] = [];
let first: StackProcess | undefined;
afterAll(async () => {
  // Whatever failed, neither the first stack's process nor its Java process outlives the test.
  if (first) {
    const pids = [first.pid, first.dynamodbPid];
    killHard(pids);
    await waitGone(pids);
  }
  for (const s of stacks) await s.stop();
  rmSync(workDir, { recursive: true, force: true });
});

// Two stacks start one after the other, the first in a fresh process: more than the suite's 120 s on a busy machine.
it('6. SIGKILLed mid-burst (runtime and DynamoDB Local) and restarted: every accepted order is settled or PENDING, and the reconciler settles them all', { timeout: 300_000 }, async (context) => {
  const startedAt = Date.now();
  const assemblyDir = join(workDir, 'cdk.out');
  const dynamodbDataDir = join(workDir, 'dynamodb');
  first = await startStackProcess(assemblyDir, dynamodbDataDir);
  const pids = [first.pid, first.dynamodbPid];
  const run = runId();
  const skus = [`SKU-RS-A-${run}`, `SKU-RS-B-${run}`];
  const initialStock = { [skus[0]!]: 20, [skus[1]!]: 20 };
  for (const sku of skus) {
    const seeded = await fetch(`${first.apiUrl}/inventory/${sku}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ available: 20, unitPrice: 900 }) });
    expect(seeded.status).toBe(200);
  }

  // A burst through the API; both processes die once a third of it was accepted, executions in flight.
  const burst = Array.from({ length: 30 }, (_, i) =>
    orderOf(`ord_rs_${run}_${i}`, [{ sku: skus[i % 2]!, quantity: 1 + (i % 3) }], i % 7 === 0 ? 'tok_gatewayFlaky' : 'tok_visa'),
  );
  const apiUrl = first.apiUrl;
  const accepted: string[] = [];
  let answered = 0;
  let inFlightAtKill: number | undefined;
  await Promise.all(
    burst.map(async (order) => {
      try {
        const response = await fetch(`${apiUrl}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(order), signal: AbortSignal.timeout(60_000) });
        if (response.status === 202) accepted.push(order.orderId!);
        await response.body?.cancel();
      } catch {
        // Cut off by the kill: not accepted, the client would retry.
      }
      answered++;
      if (accepted.length >= 10 && inFlightAtKill === undefined) {
        killHard(pids);
        inFlightAtKill = burst.length - answered;
      }
    }),
  );
  const [howTheRuntimeEnded] = await Promise.all([first.exited, waitGone(pids)]);
  // The kill was the real thing, mid-burst: the runtime died of SIGKILL with requests in flight.
  expect(howTheRuntimeEnded).toBe('SIGKILL');
  expect(pids.some(isAlive)).toBe(false);
  expect(inFlightAtKill).toBeGreaterThan(0);

  const options = { assemblyDir, dynamodbDataDir, apiPort: 0, stepFunctionsPort: 0 };
  const second = await LocalOrderStack.start(reliabilityOptions(options));
  stacks.push(second);
  const afterRestart = await Promise.all(accepted.map((id) => second.order(id)));
  expect(afterRestart.filter((record) => record === undefined)).toEqual([]);
  const pendingBefore = afterRestart.filter((record) => record?.status === 'PENDING').length;
  const crashed = await checkInvariants(second, { initialStock, allowPending: true });
  const killNote = `${accepted.length}/${burst.length} accepted, ${inFlightAtKill} requests in flight at the SIGKILL of the runtime and DynamoDB Local, ${pendingBefore} accepted orders PENDING after restart (${crashed.outcomes.PENDING ?? 0} recorded PENDING in all)`;
  // Reported now too, so a failure after this point still prints what the crash left.
  report(context, '6. SIGKILL mid-burst, restart (before the reconciler)', startedAt, crashed, { orders: accepted.length, note: `${killNote}; not settled yet` });
  expect(crashed.results.find((r) => r.name.startsWith('every order'))!.violations).toEqual([]);

  // The executions died with the first process: the reconciler's sweep settles what they left.
  const swept = await settleStrandedOrders(second, { olderThanSeconds: 0 });
  expect(swept.settlementsStarted).toBe(crashed.outcomes.PENDING ?? 0);
  const settledByReconciler = swept.settlements.filter((s) => s.settled);
  expect(settledByReconciler).toHaveLength(crashed.outcomes.PENDING ?? 0);
  expect(settledByReconciler.every((s) => s.status === 'SUCCEEDED' && s.reason === 'STALLED')).toBe(true);

  const invariants = await checkInvariants(second, { initialStock });
  report(context, '6. SIGKILL mid-burst, restart, reconcile', startedAt, invariants, { orders: accepted.length, note: `${killNote}, reconciler settled ${settledByReconciler.length}` });
  expect(invariants.violations).toEqual([]);
  // A second sweep finds nothing left to settle.
  expect((await settleStrandedOrders(second, { olderThanSeconds: 0 })).settlementsStarted).toBe(0);
  // Every accepted order is in the tables, settled.
  const final = await Promise.all(accepted.map((id) => second.order(id)));
  expect(final.every((r) => r?.status === 'CONFIRMED' || r?.status === 'FAILED')).toBe(true);
});
