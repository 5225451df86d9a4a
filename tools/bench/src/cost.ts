/** Dollars per million orders on AWS, by service and workflow type, from counted and measured usage. */
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

/** Usage of one order that the cost is computed from. */
export interface OrderUsage {
  readonly transitions: number;
  readonly lambdaInvocations: number;
  /** Sum over the order's invocations of billed ms (each rounded up to the increment). */
  readonly lambdaBilledMs: number;
  readonly lambdaMemoryMb: number;
  readonly readUnits: number;
  readonly writeUnits: number;
  readonly events: number;
  /** Execution duration (for Express billing). */
  readonly executionMs: number;
}

/** $ per million orders, by service. */
export interface CostBreakdown {
  readonly workflowType: string;
  readonly stepFunctions: number;
  readonly lambda: number;
  readonly dynamodb: number;
  readonly eventbridge: number;
  readonly total: number;
  readonly notes: string;
}

const MILLION = 1_000_000;

/** Dollars per million orders for one workflow type. */
export function costPerMillion(type: 'STANDARD' | 'EXPRESS', usage: OrderUsage, prices: Prices): CostBreakdown {
  const sf = prices.stepFunctions;
  let stepFunctions: number;
  let notes: string;
  if (type === 'STANDARD') {
    stepFunctions = usage.transitions * sf.standardPerStateTransition * MILLION;
    notes = `${usage.transitions} transitions × $${sf.standardPerStateTransition}`;
  } else {
    const billedMs = Math.ceil(usage.executionMs / sf.expressDurationIncrementMs) * sf.expressDurationIncrementMs;
    const gb = sf.expressMemoryIncrementMb / 1024; // the 64 MB minimum: this definition's state is far smaller
    stepFunctions = (sf.expressPerRequest + (billedMs / 1000) * gb * sf.expressPerGbSecond) * MILLION;
    notes = `1 request + ${billedMs} ms × ${sf.expressMemoryIncrementMb} MB`;
  }
  const lambda = (usage.lambdaInvocations * prices.lambda.perRequest + (usage.lambdaBilledMs / 1000) * (usage.lambdaMemoryMb / 1024) * prices.lambda.perGbSecond) * MILLION;
  const dynamodb = (usage.readUnits * prices.dynamodb.perReadRequestUnit + usage.writeUnits * prices.dynamodb.perWriteRequestUnit) * MILLION;
  const eventbridge = usage.events * prices.eventbridge.perCustomEvent * MILLION;
  return { workflowType: type, stepFunctions, lambda, dynamodb, eventbridge, total: stepFunctions + lambda + dynamodb + eventbridge, notes };
}
