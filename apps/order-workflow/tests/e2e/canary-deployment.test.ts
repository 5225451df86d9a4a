/**
 * Gradual rollout of a step, locally: a new version of the payment function is deployed the way a
 * CloudFormation update of the payment stack deploys it (the `live` alias's UpdatePolicy hands it
 * to the CodeDeploy deployment group `StepDeployment` creates), on virtual time, while orders
 * flow through the synthesized workflow.
 *
 * AWS behaviour followed (and cited where it is asserted):
 * - Lambda developer guide, "Lambda function aliases" > "Implement Lambda canary deployments using
 *   a weighted alias": each invocation of the alias goes to the additional version with its
 *   weight's probability, to the alias's own version otherwise;
 * - CodeDeploy User Guide, "Deployment configurations on an AWS Lambda compute platform":
 *   `LambdaCanary10Percent5Minutes` shifts 10% of the traffic, then the rest 5 minutes later;
 * - CodeDeploy User Guide, "Monitoring deployments with CloudWatch alarms in CodeDeploy": a
 *   deployment stops when one of its group's alarms is in ALARM, and with automatic rollback
 *   configured the alias goes back to the last good version.
 *
 * Nothing is mocked: the alarms are the template's `AWS::CloudWatch::Alarm`s, evaluated from the
 * recorded invocations of the new version (`ExecutedVersion`); the failing version is a real
 * misconfiguration (its table variable names a table that does not exist).
 */
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DeploymentResult, InvocationRecord, LocalDeployment } from '@order-flow/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalOrderStack } from '../../src/local/stack.js';

const ALIAS = 'OrderFlow-Payment/Payment/LiveAlias';
const FUNCTION = 'OrderFlow-Payment/Payment/Function';
const SKU = 'SKU-CANARY';
const STOCK = 10_000;
/** Orders per virtual minute during a deployment: 5 batches cover the 5-minute canary. */
const BATCH = 10;

let workflow: LocalOrderStack;
const scratch = mkdtempSync(join(tmpdir(), 'canary-'));
const records: InvocationRecord[] = [];
let ordinal = 0;
/** Minutes of orders the failing canary took before its rollback, for the negative control. */
let stoppedAfter = 3;

beforeAll(async () => {
  // A fixed seed: the alias's routing draws repeat from run to run.
  workflow = await LocalOrderStack.start({ seed: 14, log: () => undefined });
  await workflow.seedStock([{ sku: SKU, available: STOCK, unitPrice: 250 }]);
  workflow.runtime.observeInvocations(FUNCTION, (record) => records.push(record));
});
afterAll(async () => {
  await workflow?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/**
 * Places `count` orders at once and waits for them. The clock is held meanwhile: on a busy machine
 * the virtual clock could otherwise jump to the deployment's next minute between two states of an
 * execution, and a batch would no longer fall in one minute.
 */
async function placeOrders(count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => `ord_canary_${++ordinal}`);
  const release = workflow.runtime.clock.hold();
  try {
    await Promise.all(ids.map((orderId) => workflow.submit({ orderId, customerId: 'cus_canary', items: [{ sku: SKU, quantity: 1 }], payment: { token: 'tok_visa' }, currency: 'USD' })));
    return ids;
  } finally {
    release();
  }
}

/**
 * One batch of orders per virtual minute, for at most `minutes` minutes or until the deployment
 * ends, then lets the deployment run to its end (virtual time: at once).
 */
async function ordersDuring(deployment: LocalDeployment, minutes: number): Promise<{ result: DeploymentResult; orderIds: string[] }> {
  let result: DeploymentResult | undefined;
  void deployment.done.then((r) => (result = r));
  const orderIds: string[] = [];
  for (let minute = 0; minute < minutes && !result; minute++) {
    orderIds.push(...(await placeOrders(BATCH)));
    await workflow.runtime.clock.sleep(60_000);
  }
  return { result: await deployment.done, orderIds };
}

const chargesOn = (version: string, from: number) => records.slice(from).filter((r) => r.version === version);

describe('canary deployment of the payment step (CodeDeploy LambdaCanary10Percent5Minutes)', () => {
  it('a healthy new version takes about 10% of the orders for 5 minutes, then all of them', async () => {
    const patched = join(scratch, 'payment-v2');
    cpSync(fileURLToPath(new URL('../../../../packages/payment/dist/lambda', import.meta.url)), patched, { recursive: true });
    appendFileSync(join(patched, 'index.mjs'), '\n// payment team: v2\n');
    const from = records.length;
    const started = workflow.runtime.clock.now();

    const deployment = workflow.runtime.deployNewVersion(ALIAS, { codeDirectory: patched });
    // Weighted alias: the old version keeps 90%, the new one gets 10%.
    expect(workflow.runtime.aliasRouting(ALIAS)).toEqual({ version: deployment.fromVersion, additionalVersionWeights: { [deployment.toVersion]: 0.1 } });
    const { result, orderIds } = await ordersDuring(deployment, 5);

    expect(result).toMatchObject({ status: 'Succeeded', rolledBack: false });
    expect(orderIds).toHaveLength(5 * BATCH);
    // CodeDeploy "Deployment configurations on an AWS Lambda compute platform": the rest of the
    // traffic moves once the canary's 5 minutes are over.
    expect(result.events.at(-1)!.at - started).toBeGreaterThanOrEqual(5 * 60_000);
    const during = records.slice(from, from + orderIds.length);
    const canary = during.filter((r) => r.version === deployment.toVersion).length;
    // Lambda "weighted aliases": each invocation goes to the additional version with its weight's
    // probability, so the canary's count is Binomial(n, 0.1): mean n/10; [n/10 - 3.4 sd, n/10 + 3.4 sd] holds with probability > 99.9%.
    const n = during.length;
    const sd = Math.sqrt(n * 0.1 * 0.9);
    expect(n).toBe(orderIds.length);
    expect(canary).toBeGreaterThanOrEqual(Math.max(1, Math.floor(n * 0.1 - 3.4 * sd)));
    expect(canary).toBeLessThanOrEqual(Math.ceil(n * 0.1 + 3.4 * sd));
    expect(during.every((r) => r.outcome === 'ok')).toBe(true);
    // Completed: the alias is on the new version alone, and every order after it runs there.
    expect(workflow.runtime.aliasRouting(ALIAS)).toEqual({ version: deployment.toVersion });
    const after = records.length;
    await placeOrders(5);
    expect(chargesOn(deployment.toVersion, after)).toHaveLength(5);
    const orders = await Promise.all(orderIds.map((id) => workflow.order(id)));
    expect(orders.every((o) => o?.status === 'CONFIRMED')).toBe(true);
  });

  it('a failing new version trips its error-rate alarm and is rolled back; the orders it failed are compensated', async () => {
    const good = workflow.runtime.aliasRouting(ALIAS).version;
    const stockBefore = (await workflow.stock(SKU))!;
    const from = records.length;

    // A release whose configuration is wrong: every call of the new version fails.
    const deployment = workflow.runtime.deployNewVersion(ALIAS, { environment: { PAYMENT_TABLE_NAME: 'payment-table-that-does-not-exist' } });
    const { result, orderIds } = await ordersDuring(deployment, 5);
    stoppedAfter = orderIds.length / BATCH;

    // CodeDeploy "Monitoring deployments with CloudWatch alarms": an alarm in ALARM stops the
    // deployment; with DEPLOYMENT_STOP_ON_ALARM in its auto-rollback events, it rolls back.
    expect(result).toMatchObject({ status: 'Stopped', rolledBack: true, fromVersion: good });
    expect(result.alarm!.name).toMatch(/ErrorRate/);
    expect(result.alarm!.reason).toMatch(/^2 of 2 datapoints \[100, 100\] > 10$/);
    expect(result.invocationsByVersion[deployment.toVersion]!.errors).toBe(result.invocationsByVersion[deployment.toVersion]!.invocations);
    expect(result.invocationsByVersion[deployment.toVersion]!.invocations).toBeGreaterThan(0);
    // Stopped before the canary's 5 minutes were over.
    expect(orderIds.length).toBeLessThan(5 * BATCH);

    // Rolled back: the alias is on the last good version alone, and every order goes there.
    expect(workflow.runtime.aliasRouting(ALIAS)).toEqual({ version: good });
    const after = records.length;
    const later = await placeOrders(5);
    expect(chargesOn(good, after)).toHaveLength(5);
    expect(records.slice(after).every((r) => r.outcome === 'ok')).toBe(true);

    // The orders placed during the canary are consistent: confirmed with money and stock taken,
    // or failed PAYMENT_ERROR with nothing captured and the stock put back.
    const orders = await Promise.all(orderIds.map(async (id) => ({ order: await workflow.order(id), payment: await workflow.payment(id), reservation: await workflow.reservation(id) })));
    const confirmed = orders.filter(({ order }) => order?.status === 'CONFIRMED');
    const failed = orders.filter(({ order }) => order?.status === 'FAILED');
    expect(confirmed.length + failed.length).toBe(orderIds.length);
    expect(failed.length).toBeGreaterThan(0);
    for (const { order, payment, reservation } of failed) {
      expect(order).toMatchObject({ reason: 'PAYMENT_ERROR' });
      expect(payment?.status).not.toBe('CAPTURED');
      expect(reservation).toMatchObject({ status: 'RELEASED' });
    }
    for (const { payment } of confirmed) expect(payment?.status).toBe('CAPTURED');
    expect(await workflow.stock(SKU)).toBe(stockBefore - confirmed.length - later.length);
    expect(records.slice(from).filter((r) => r.version === deployment.toVersion).every((r) => r.outcome === 'error')).toBe(true);
  });

  it('negative control: the same failing version with the alarms removed from the group is NOT rolled back (the rollback comes from the alarms)', async () => {
    const good = workflow.runtime.aliasRouting(ALIAS).version;

    // The same traffic as the positive case until its rollback, then the canary runs its course.
    const deployment = workflow.runtime.deployNewVersion(ALIAS, { environment: { PAYMENT_TABLE_NAME: 'payment-table-that-does-not-exist' } }, { alarms: [] });
    const { result, orderIds } = await ordersDuring(deployment, stoppedAfter);
    expect(orderIds).toHaveLength(stoppedAfter * BATCH);

    expect(result).toMatchObject({ status: 'Succeeded', rolledBack: false, fromVersion: good });
    expect(result.invocationsByVersion[deployment.toVersion]!.errors).toBeGreaterThan(0);
    expect(result.invocationsByVersion[deployment.toVersion]!.errors).toBe(result.invocationsByVersion[deployment.toVersion]!.invocations);
    // The broken version now takes all the traffic.
    expect(workflow.runtime.aliasRouting(ALIAS)).toEqual({ version: deployment.toVersion });
  });
});
