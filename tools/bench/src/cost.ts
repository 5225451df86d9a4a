/**
 * Dollars per million orders on AWS, by service and path, from usage measured through the API
 * (see `bill.ts`), and the reconciler's cost per month.
 */
import { readFileSync } from 'node:fs';
import { enumeratePaths, retryAttempts, type AslDefinition, type AslPath } from './asl.js';

/** prices.json. */
export interface Prices {
  readonly region: string;
  readonly date: string;
  readonly source: string;
  readonly stepFunctions: {
    readonly standardPerStateTransition: number;
    readonly expressPerRequest: number;
    readonly expressPerGbSecond: number;
    readonly expressMemoryIncrementMb: number;
    readonly expressDurationIncrementMs: number;
  };
  readonly lambda: { readonly perRequest: number; readonly perGbSecond: number; readonly durationIncrementMs: number };
  readonly dynamodb: { readonly perWriteRequestUnit: number; readonly perReadRequestUnit: number };
  readonly eventbridge: { readonly perCustomEvent: number };
  readonly apiGateway: { readonly httpApiPerRequest: number; readonly requestMeteringBytes: number };
  readonly cloudwatchLogs: { readonly perGbIngested: number; readonly bytesPerGb: number; readonly eventOverheadBytes: number };
  readonly xray: { readonly perTraceRecorded: number };
  /** Hours in a month, as AWS's pricing examples count them (730). */
  readonly hoursPerMonth: number;
}

/** Reads prices.json. */
export function loadPrices(path: string): Prices {
  return JSON.parse(readFileSync(path, 'utf8')) as Prices;
}

/** One billed path: the ASL path plus the Retry attempts a scenario adds. */
export interface PathScenario {
  readonly name: string;
  readonly states: readonly string[];
  readonly retries: number;
  /** States entered + retry attempts. */
  readonly transitions: number;
  readonly lambdaInvocations: number;
  readonly otherTasks: number;
}

/**
 * Every path of the definition, plus the flaky-gateway paths: `tok_gatewayFlaky` fails twice
 * then approves (2 retries of ProcessPayment), `tok_gatewayDown` exhausts the retrier.
 */
export function pathScenarios(definition: AslDefinition): PathScenario[] {
  const paths = enumeratePaths(definition);
  const scenario = (path: AslPath, name: string, retries: number, retriedState?: string): PathScenario => ({
    name,
    states: path.states,
    retries,
    transitions: path.transitions + retries,
    // A retried Lambda task is invoked again on every attempt.
    lambdaInvocations: path.lambdaInvocations + (retriedState ? retries : 0),
    otherTasks: path.otherTasks,
  });
  const list = paths.map((p) => scenario(p, p.name, 0));
  const happy = paths.find((p) => p.name === 'Succeeded');
  if (happy && definition.States.ProcessPayment) {
    list.push(scenario(happy, 'Succeeded after 2 transient gateway errors (tok_gatewayFlaky)', 2, 'ProcessPayment'));
  }
  const down = paths.find((p) => p.name === 'States.ALL@ProcessPayment');
  if (down) {
    const attempts = retryAttempts(definition, 'ProcessPayment', 'PaymentGatewayUnavailable');
    list.push(scenario(down, `PAYMENT_ERROR, gateway down (tok_gatewayDown, ${attempts} retries)`, attempts, 'ProcessPayment'));
  }
  return list;
}

/** What one order uses of every billed service, measured on a run through the API. */
export interface PathUsage {
  /** Standard state transitions: states entered + Retry attempts. */
  readonly transitions: number;
  /** Lambda invocations, the order-api's included. */
  readonly lambdaInvocations: number;
  /** Sum over the invocations of the billed duration (each rounded up to the increment). */
  readonly lambdaBilledMs: number;
  /** Sum over the invocations of billed seconds × memory in GB (what Lambda's duration price applies to). */
  readonly lambdaGbSeconds: number;
  /** DynamoDB read and write request units as AWS bills them (transactions doubled). */
  readonly readUnits: number;
  readonly writeUnits: number;
  /** API Gateway HTTP API requests (each under the 512 KB metering increment). */
  readonly apiRequests: number;
  /** Custom events put on EventBridge (AWS service events, e.g. Step Functions status changes, are free). */
  readonly events: number;
  /** Bytes ingested by CloudWatch Logs, each event's overhead included. */
  readonly logBytes: { readonly lambda: number; readonly stepFunctions: number; readonly apiGateway: number };
  /** X-Ray traces recorded. */
  readonly traces: number;
  /** Execution duration (start to terminal status, retry waits included): what Express bills. */
  readonly executionMs: number;
}

/** $ per million orders of one path, by service; Step Functions both ways (Standard as deployed, Express priced). */
export interface PathBill {
  readonly stepFunctionsStandard: number;
  readonly stepFunctionsExpress: number;
  readonly lambda: number;
  readonly dynamodb: number;
  readonly apiGateway: number;
  readonly eventbridge: number;
  readonly logs: number;
  readonly xray: number;
  /** Everything, with Standard Step Functions. */
  readonly totalStandard: number;
  /** Everything, with Express Step Functions instead. */
  readonly totalExpress: number;
}

const MILLION = 1_000_000;

/** Express billing of one execution: 1 request + its duration in 100 ms steps at the 64 MB minimum. */
export function expressExecutionCost(executionMs: number, prices: Prices): number {
  const sf = prices.stepFunctions;
  const billedMs = Math.max(sf.expressDurationIncrementMs, Math.ceil(executionMs / sf.expressDurationIncrementMs) * sf.expressDurationIncrementMs);
  // The 64 MB minimum: this definition's state data is far smaller (50 MB + definition + data).
  return sf.expressPerRequest + (billedMs / 1000) * (sf.expressMemoryIncrementMb / 1024) * sf.expressPerGbSecond;
}

/** Lambda GB-seconds of one invocation: billed ms (rounded up to the increment) × memory. */
export function lambdaGbSeconds(durationMs: number, memoryMb: number, prices: Prices): number {
  const increment = prices.lambda.durationIncrementMs;
  return ((Math.ceil(durationMs / increment) * increment) / 1000) * (memoryMb / 1024);
}

/** Dollars per million orders that take one path, by service. */
export function billPerMillion(usage: PathUsage, prices: Prices): PathBill {
  const stepFunctionsStandard = usage.transitions * prices.stepFunctions.standardPerStateTransition * MILLION;
  const stepFunctionsExpress = expressExecutionCost(usage.executionMs, prices) * MILLION;
  const lambda = (usage.lambdaInvocations * prices.lambda.perRequest + usage.lambdaGbSeconds * prices.lambda.perGbSecond) * MILLION;
  const dynamodb = (usage.readUnits * prices.dynamodb.perReadRequestUnit + usage.writeUnits * prices.dynamodb.perWriteRequestUnit) * MILLION;
  const apiGateway = usage.apiRequests * prices.apiGateway.httpApiPerRequest * MILLION;
  const eventbridge = usage.events * prices.eventbridge.perCustomEvent * MILLION;
  const logBytes = usage.logBytes.lambda + usage.logBytes.stepFunctions + usage.logBytes.apiGateway;
  const logs = (logBytes / prices.cloudwatchLogs.bytesPerGb) * prices.cloudwatchLogs.perGbIngested * MILLION;
  const xray = usage.traces * prices.xray.perTraceRecorded * MILLION;
  const rest = lambda + dynamodb + apiGateway + eventbridge + logs + xray;
  return { stepFunctionsStandard, stepFunctionsExpress, lambda, dynamodb, apiGateway, eventbridge, logs, xray, totalStandard: stepFunctionsStandard + rest, totalExpress: stepFunctionsExpress + rest };
}

/** One sweep of the reconciler (its reconciliation execution), measured on an empty sweep. */
export interface SweepUsage {
  /** Standard state transitions of one sweep that finds nothing to settle. */
  readonly transitions: number;
  /** CloudWatch Logs bytes of one sweep (execution events at level ALL, overhead included). */
  readonly logBytes: number;
  readonly traces: number;
  /** Bytes of one order record as DynamoDB sizes it: the sweep's Scan reads every stored order. */
  readonly orderItemBytes: number;
}

/** The reconciler's cost per month: fixed (the schedule) and growing with the orders stored (the Scan). */
export interface ReconcilerMonthly {
  readonly sweepsPerMonth: number;
  readonly stepFunctions: number;
  readonly logs: number;
  readonly xray: number;
  /** Schedule-driven cost per month, whatever the order volume. */
  readonly fixed: number;
  /** Read units one sweep's Scan consumes per million orders stored (strongly consistent: 1 per 4 KB). */
  readonly scanReadUnitsPerMillionStored: number;
  /** $ per month of the sweeps' Scans, per million orders stored in the orders table. */
  readonly scanPerMillionStoredOrders: number;
}

/**
 * Dollars per month of the reconciler's 15-minute sweep (not per order): a Standard execution per
 * sweep, its logs and trace, and its strongly consistent Scan of the orders table, whose read
 * units grow with every order stored (a Scan is billed on the bytes it reads, filter or not).
 * Scheduled EventBridge rules and the Step Functions status-change events are not charged.
 */
export function reconcilerMonthly(sweep: SweepUsage, sweepIntervalMinutes: number, prices: Prices): ReconcilerMonthly {
  const sweepsPerMonth = (prices.hoursPerMonth * 60) / sweepIntervalMinutes;
  const stepFunctions = sweepsPerMonth * sweep.transitions * prices.stepFunctions.standardPerStateTransition;
  const logs = ((sweepsPerMonth * sweep.logBytes) / prices.cloudwatchLogs.bytesPerGb) * prices.cloudwatchLogs.perGbIngested;
  const xray = sweepsPerMonth * sweep.traces * prices.xray.perTraceRecorded;
  // A Scan's units come from the total bytes it reads (4 KB per unit, strongly consistent), not per item.
  const scanReadUnitsPerMillionStored = Math.ceil((MILLION * sweep.orderItemBytes) / 4096);
  const scanPerMillionStoredOrders = sweepsPerMonth * scanReadUnitsPerMillionStored * prices.dynamodb.perReadRequestUnit;
  return { sweepsPerMonth, stepFunctions, logs, xray, fixed: stepFunctions + logs + xray, scanReadUnitsPerMillionStored, scanPerMillionStoredOrders };
}
