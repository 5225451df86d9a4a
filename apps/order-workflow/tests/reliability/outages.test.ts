/**
 * Scenario 7: long outages in virtual time. The payment gateway, the inventory step's Lambda
 * function, and DynamoDB are each unavailable for 30 minutes while 200 orders are in flight; the
 * steps' retries (minutes) give up long before the outage ends, so what the workflow could not
 * settle is left to the reconciler (its rule on the executions' end, its 15-minute sweep, its
 * settlement rounds 5 minutes apart). Afterwards every accepted order is CONFIRMED or FAILED,
 * stock is conserved, no FAILED order holds a capture and no order was captured twice.
 *
 * Each scenario has its own stack on a VirtualClock starting at 2030-01-01T00:00:00Z, so the
 * outage (T+10 min to T+40 min) is written down before the stack starts: as the simulated
 * gateway's `SIMULATED_GATEWAY_OUTAGES` window, or as `runtime.setFaults` turned on and off at
 * those moments. Every wait is the template's own; virtual time jumps over them.
 *
 * AWS behaviour relied on, by documentation section:
 * - Step Functions Developer Guide, "Handling errors in Step Functions workflows" (Retry:
 *   `IntervalSeconds`, `BackoffRate`, `MaxAttempts`, `MaxDelaySeconds`, `JitterStrategy`; the
 *   first retrier whose `ErrorEquals` matches is used; Catch after the retries): the steps give up
 *   after minutes, so a 30-minute outage outlasts them.
 * - Step Functions Developer Guide, "Invoke an AWS Lambda function with Step Functions": a
 *   throttled invocation fails the task with `Lambda.TooManyRequestsException`.
 * - Amazon DynamoDB Developer Guide, "Error handling with DynamoDB" (`ProvisionedThroughputExceededException`,
 *   HTTP 400, retryable) and "Error retries and exponential backoff" (the AWS SDKs retry it
 *   themselves before the caller sees it).
 * - Step Functions API Reference, StartExecution, `name`: "When the original execution is closed,
 *   the ExecutionAlreadyExists message is returned regardless of input" (a settlement runs once per order).
 * - Step Functions Developer Guide, "EventBridge events for Step Functions execution status
 *   changes", and Amazon EventBridge User Guide, "Creating a rule that runs on a schedule" (`rate()`).
 */
import { describe, expect, it, type TestContext } from 'vitest';
import type { FaultConfig, FaultStats } from '@order-flow/local';
import { SIMULATED_GATEWAY_OUTAGES_ENV } from '@order-flow/payment';
import { checkAcceptedOrders } from './support/accepted-orders.js';
import { checkInvariants } from './support/invariants.js';
import {
  CLOCK_START,
  LEAD_MS,
  MINUTE,
  ORDER_COUNT,
  OUTAGE,
  OUTAGE_INTERVAL,
  failuresBetween,
  seedWorkload,
  settleAll,
  sinceStart,
  sleepUntil,
  startOrders,
  startOutageStack,
} from './support/outage.js';
import { report } from './support/report.js';
import { runId } from './support/workload.js';

/** Wall-time bound of one scenario (its stack's start included) on a slow, shared machine. */
const SCENARIO_TIMEOUT_MS = 600_000;

interface OutageScenario {
  readonly name: string;
  readonly seed: number;
  /** Extra environment of every function (the gateway's outage window). */
  readonly environment?: Readonly<Record<string, string>>;
  /** Faults in force from the outage's start to its end. */
  readonly faults?: FaultConfig;
  /** How many faults the runtime injected during the outage. */
  readonly injected?: (stats: FaultStats) => number;
  /** The error the outage makes tasks fail with. */
  readonly error: string;
}

async function runOutageScenario(context: TestContext, scenario: OutageScenario): Promise<void> {
  const startedAt = Date.now();
  const { stack, clock } = await startOutageStack(scenario.environment ? { environment: scenario.environment } : {});
  try {
    const workload = await seedWorkload(stack, runId(), scenario.seed);
    await sleepUntil(clock, OUTAGE.start - LEAD_MS);
    const executionArns = await startOrders(stack, workload.orders);

    await sleepUntil(clock, OUTAGE.start);
    const outageFrom = scenario.faults ? clock.now() : OUTAGE.start;
    if (scenario.faults) stack.runtime.setFaults(scenario.faults);
    await sleepUntil(clock, OUTAGE.end);
    // Read before setFaults({}), which restarts the counters.
    const injected = scenario.injected?.(stack.runtime.faultStats()) ?? 0;
    if (scenario.faults) stack.runtime.setFaults({});
    const outageTo = scenario.faults ? clock.now() : OUTAGE.end;

    const { settlements } = await settleAll(stack, clock, executionArns);
    const invariants = await checkInvariants(stack, { initialStock: workload.initialStock });
    const accepted = checkAcceptedOrders({
      orderIds: workload.orders.map((order) => order.orderId!),
      orders: invariants.orders,
      payment: await stack.scan('payment'),
      settlements,
    });
    const unsettled = await stack.unsettled();
    const during = failuresBetween(stack, executionArns, outageFrom, outageTo);
    // Calls already running when the faults were turned off keep them: a minute of grace.
    const later = failuresBetween(stack, executionArns, outageTo + MINUTE, Number.POSITIVE_INFINITY);

    const virtualMinutes = (clock.now() - CLOCK_START) / MINUTE;
    const hit = during[scenario.error];
    const failedSettlements = settlements.filter((settlement) => settlement.status === 'FAILED').length;
    report(context, scenario.name, startedAt, { ...invariants, outcomes: { ...invariants.outcomes, ...(accepted.missing.length > 0 && { MISSING: accepted.missing.length }) } }, {
      orders: ORDER_COUNT,
      note:
        `reconciler settled ${accepted.settledByReconciler} (${settlements.length} settlements, ${failedSettlements} FAILED; ${unsettled.length} unsettled); ` +
        `outage ${sinceStart(outageFrom)} to ${sinceStart(outageTo)}: ${scenario.error} in ${hit?.executions ?? 0} executions (${hit?.attempts ?? 0} failed attempts)` +
        `${scenario.injected ? `, ${injected} faults injected` : ''}; ` +
        `${accepted.violations.length} accepted-order violations; virtual ${Math.floor(virtualMinutes / 60)} h ${Math.round(virtualMinutes % 60)} min, wall ${((Date.now() - startedAt) / 1000).toFixed(0)} s`,
    });

    // The outage happened, hit orders in flight, and ended.
    expect(hit?.executions ?? 0, `executions failing with ${scenario.error} during the outage`).toBeGreaterThan(0);
    if (scenario.injected) expect(injected).toBeGreaterThan(0);
    expect(later[scenario.error]?.attempts ?? 0, `${scenario.error} after the outage`).toBe(0);
    // And left nothing behind (soft: a failure shows every broken rule, not only the first).
    expect.soft(invariants.violations).toEqual([]);
    expect.soft(accepted.violations).toEqual([]);
    expect.soft(unsettled).toEqual([]);
    expect.soft(invariants.orders).toHaveLength(ORDER_COUNT);
  } finally {
    await stack.stop();
  }
}

describe(`7. a 30-minute outage with ${ORDER_COUNT} orders in flight, then the reconciler`, () => {
  it(
    'a. the payment gateway unavailable (SIMULATED_GATEWAY_OUTAGES): charges, refunds and voids refused for 30 minutes',
    (context) =>
      runOutageScenario(context, {
        name: '7a. payment gateway down 30 min',
        seed: 7001,
        environment: { [SIMULATED_GATEWAY_OUTAGES_ENV]: OUTAGE_INTERVAL },
        error: 'PaymentGatewayUnavailable',
      }),
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "b. the inventory step's Lambda function throttled for 30 minutes: reserve and release both fail",
    (context) =>
      runOutageScenario(context, {
        name: '7b. inventory Lambda down 30 min',
        seed: 7002,
        faults: { seed: 72, functions: { 'Inventory/Function': { throttleRate: 1 } } },
        injected: (stats) => stats.functions['Inventory/Function']?.throttle ?? 0,
        error: 'Lambda.TooManyRequestsException',
      }),
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "c. DynamoDB throttling every request for 30 minutes (the functions' and the state machines' DynamoDB tasks)",
    (context) =>
      runOutageScenario(context, {
        name: '7c. DynamoDB down 30 min',
        seed: 7003,
        faults: { seed: 73, dynamodb: { throttleRate: 1 } },
        injected: (stats) => stats.dynamodb.throttle,
        error: 'ProvisionedThroughputExceededException',
      }),
    SCENARIO_TIMEOUT_MS,
  );
});
