/**
 * The full bill of an order, measured through the API: each order is submitted with
 * `POST /orders` to the synthesized app on the local runtime and followed to its terminal status,
 * one at a time, and everything AWS would bill for it is counted:
 *
 * - **Step Functions**: states entered + Retry attempts, from the execution's history.
 * - **Lambda**: every invocation (the order-api's included) with its billed duration and memory:
 *   the step functions' from Lambda's REPORT of each `lambda:invoke` (a recording integration
 *   that calls `runtime.invokeOutcome`, as the built-in one does); the order-api's from the
 *   `POST /orders` round trip minus the local HTTP API's own round trip (a request to no route,
 *   answered without Lambda).
 * - **DynamoDB**: the functions' own requests through {@link CapacityProxy}, billed by AWS's rules
 *   (transactions ×2, failed conditional writes).
 * - **API Gateway** (HTTP API requests), **EventBridge** (custom events put on the app's bus).
 * - **CloudWatch Logs**: the functions' log lines as they write them at their configured level
 *   (measured), plus what the services write around them (rendered, see `logs.ts`): Lambda's
 *   platform records, the state machine's execution events at its log level, the API's access log.
 * - **X-Ray**: one trace per order when the API function or the state machine traces.
 *
 * It also runs one sweep of the reconciler and measures a status poll (`GET /orders/{id}`).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbStockStore, Inventory } from '@order-flow/inventory/runtime';
import { LOCAL_CREDENTIALS, LocalRuntime, type ExecutionResult } from '@order-flow/local';
import { WORKFLOW_STACK_NAME } from '@order-flow/order-workflow';
import { StatesError, invokeResponse, type HistoryEvent, type TaskIntegration } from '@order-flow/step-functions';
import { CapacityProxy, CapacityTally, itemBytes, type BilledCapacity } from './capacity.js';
import { billPerMillion, lambdaGbSeconds, reconcilerMonthly, type PathBill, type PathUsage, type Prices, type ReconcilerMonthly, type SweepUsage } from './cost.js';
import { accessLogLine, ingestedBytes, lambdaPlatformRecords, stepFunctionsLogRecords, type InvocationRecord } from './logs.js';
import { percentile, round, summarize, type Summary } from './stats.js';

/** One path an order can take, and how to make an order take it. */
interface PathSpec {
  readonly name: string;
  readonly token: string;
  readonly sku: 'stocked' | 'empty' | 'unknown';
  /** The execution's status and error when the order took this path. */
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly error?: string;
  readonly retries: number;
}

/** The paths measured: the happy path, each failure the workflow handles, and the retried ones. */
export const BILL_PATHS: readonly PathSpec[] = [
  { name: 'CONFIRMED', token: 'tok_visa', sku: 'stocked', status: 'SUCCEEDED', retries: 0 },
  { name: 'CONFIRMED after 2 gateway retries (tok_gatewayFlaky)', token: 'tok_gatewayFlaky', sku: 'stocked', status: 'SUCCEEDED', retries: 2 },
  { name: 'OUT_OF_STOCK', token: 'tok_visa', sku: 'empty', status: 'FAILED', error: 'OUT_OF_STOCK', retries: 0 },
  { name: 'UNKNOWN_SKU', token: 'tok_visa', sku: 'unknown', status: 'FAILED', error: 'UNKNOWN_SKU', retries: 0 },
  { name: 'PAYMENT_DECLINED (tok_chargeDeclined)', token: 'tok_chargeDeclined', sku: 'stocked', status: 'FAILED', error: 'PAYMENT_DECLINED', retries: 0 },
  { name: 'PAYMENT_ERROR after 4 gateway retries (tok_gatewayDown)', token: 'tok_gatewayDown', sku: 'stocked', status: 'FAILED', error: 'PAYMENT_ERROR', retries: 4 },
];

/** One measured path: its usage per order (medians over the runs) and what it costs. */
export interface MeasuredPath {
  readonly path: string;
  readonly status: string;
  readonly error?: string;
  readonly statesVisited: readonly string[];
  readonly retries: number;
  readonly orders: number;
  readonly usage: PathUsage;
  /** Spread of the measured figures over the runs. */
  readonly lambdaBilledMs: Summary;
  readonly executionMs: Summary;
  /** Invocations and billed ms per function (median order). */
  readonly byFunction: Readonly<Record<string, { readonly invocations: number; readonly billedMs: number }>>;
  /** DynamoDB requests per operation: count, units DynamoDB Local reported, units billed. */
  readonly byOperation: Readonly<Record<string, { readonly requests: number; readonly reportedUnits: number; readonly readUnits: number; readonly writeUnits: number }>>;
  /** How many requests per order each billing rule applied to. */
  readonly capacityRules: Readonly<Record<string, number>>;
  readonly dollarsPerMillion: PathBill;
}

/** The bill section of results.json. */
export interface BillSection {
  readonly runsPerPath: number;
  readonly loadAverage: { readonly before: readonly number[]; readonly after: readonly number[] };
  /** Round trip of the local HTTP API alone, subtracted from the order-api's. */
  readonly httpOverheadMs: Summary;
  readonly settings: {
    readonly stateMachineLogLevel: string;
    readonly includeExecutionData: boolean;
    readonly tracing: boolean;
    readonly apiFunctionMemoryMb: number;
    readonly accessLogFormat?: string;
  };
  readonly paths: readonly MeasuredPath[];
  /** One `GET /orders/{id}` of a confirmed order: what each status poll adds. */
  readonly poll: { readonly usage: PathUsage; readonly dollarsPerMillion: PathBill };
  readonly reconciler: {
    readonly sweepIntervalMinutes: number;
    readonly statesVisited: readonly string[];
    readonly usage: SweepUsage;
    /** The orders table as the measured sweep found it. */
    readonly scan: { readonly items: number; readonly bytes: number; readonly localReportedUnits: number };
    readonly monthly: ReconcilerMonthly;
  };
  /** The first transaction seen: what DynamoDB Local reported and what AWS bills. */
  readonly transactionCheck?: { readonly operation: string; readonly items: number; readonly reportedByLocal: number; readonly billed: number };
}

/** Options of {@link measureBill}. */
export interface BillOptions {
  /** The synthesized app (the same assembly the throughput section ran). */
  readonly assemblyDir: string;
  /** Measured orders per path (after one warm-up order per path). */
  readonly runs: number;
  readonly prices: Prices;
  readonly log: (line: string) => void;
}

interface Template {
  readonly Resources: Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown> }>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Everything observed while one order (or poll, or sweep) ran. */
class Window {
  readonly capacity = new CapacityTally();
  readonly invocations: { executionArn: string; functionName: string; record: InvocationRecord }[] = [];
  readonly logLines: { functionName: string; line: string }[] = [];
  customEvents = 0;
  transaction?: BillSection['transactionCheck'];
}

/**
 * Starts the app on a fresh local runtime instrumented for billing, runs every path
 * {@link BillOptions.runs} times through `POST /orders` (one order at a time, after a warm-up
 * order per path), a status poll and one reconciler sweep, and returns the usage with its cost.
 */
export async function measureBill(options: BillOptions): Promise<BillSection> {
  const { assemblyDir, prices, log } = options;
  const overhead = prices.cloudwatchLogs.eventOverheadBytes;
  let window = new Window();
  const proxy = await CapacityProxy.start((call, billed: BilledCapacity) => {
    window.capacity.add(call.operation, billed);
    if (billed.rule === 'transaction x2' && !window.transaction) {
      const items = (call.request.TransactItems as unknown[] | undefined)?.length ?? 0;
      window.transaction = { operation: call.operation, items, reportedByLocal: billed.reportedUnits, billed: billed.readUnits + billed.writeUnits };
    }
  });
  const late: { runtime?: LocalRuntime } = {};
  // lambda:invoke as the runtime's built-in does it (runtime.invokeOutcome, AWS's response shape,
  // the function error as the state's error), keeping each invocation's REPORT.
  const lambdaInvoke: TaskIntegration = async (request) => {
    const { FunctionName, Payload } = (request.parameters ?? {}) as { FunctionName?: unknown; Payload?: unknown };
    if (typeof FunctionName !== 'string') throw new StatesError('States.Runtime', `Task '${request.stateName}': lambda:invoke needs a FunctionName`);
    const at = new Date();
    const outcome = await request.clock.track(late.runtime!.invokeOutcome(FunctionName, Payload ?? {}));
    if (outcome.report) {
      const { requestId, version, durationMs, memoryMb } = outcome.report;
      window.invocations.push({ executionArn: request.executionArn, functionName: FunctionName, record: { requestId, version, durationMs, memoryMb, at, ok: outcome.ok } });
    }
    if (!outcome.ok) {
      const { errorType, errorMessage, trace } = outcome.error;
      throw new StatesError(errorType, JSON.stringify({ errorType, errorMessage, trace: trace ?? [] }));
    }
    return invokeResponse(FunctionName, { payload: outcome.result }, request.clock.now());
  };
  const loadBefore = loadavg();
  const runtime = await LocalRuntime.start({
    assemblyDir,
    clock: 'virtual',
    // The unsupported resources were listed when the throughput section's runtime started.
    log: () => {},
    environment: { AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint },
    functionLogs: (functionName, line) => window.logLines.push({ functionName, line }),
    integrations: { 'arn:aws:states:::lambda:invoke': lambdaInvoke },
  });
  late.runtime = runtime;
  proxy.upstream = runtime.dynamodb.functionEndpoint;
  const unsubscribe = runtime.events.onEvent(({ event }) => {
    if (!String(event.source).startsWith('aws.')) window.customEvents++;
  });
  const db = new DynamoDBClient({ endpoint: runtime.dynamodb.endpoint, region: runtime.dynamodb.region, credentials: LOCAL_CREDENTIALS });
  try {
    const outputs = runtime.outputs(WORKFLOW_STACK_NAME);
    const template = (stackName: string) => JSON.parse(readFileSync(join(assemblyDir, `${stackName}.template.json`), 'utf8')) as Template;
    const propsOf = (info: { stackName: string; logicalId: string }) => template(info.stackName).Resources[info.logicalId]?.Properties ?? {};

    // ---- what the templates configure: log levels, tracing, the API function's memory, access log format
    const workflowMachine = runtime.stateMachines.find((m) => m.arn === String(outputs.StateMachineArn))!;
    const reconciliationMachine = runtime.stateMachines.find((m) => m.arn === String(outputs.ReconciliationStateMachineArn));
    const loggingOf = (props: Record<string, unknown>) => {
      const logging = props.LoggingConfiguration as { Level?: string; IncludeExecutionData?: boolean } | undefined;
      return { level: logging?.Level ?? 'OFF', includeExecutionData: logging?.IncludeExecutionData === true };
    };
    const workflowLogging = loggingOf(propsOf(workflowMachine));
    const api = runtime.httpApis[0];
    if (!api) throw new Error('The app has no HTTP API');
    const postRoute = api.routes.find((route) => route.routeKey === 'POST /orders');
    const target = postRoute?.integration?.functionArn ?? '';
    const apiFunction = runtime.functions.find((f) => target === f.arn || target.startsWith(`${f.arn}:`) || target === f.name);
    if (!apiFunction) throw new Error('No function behind POST /orders');
    const apiFunctionProps = propsOf(apiFunction);
    const apiFunctionMemoryMb = Number(apiFunctionProps.MemorySize ?? 128);
    const tracing =
      (apiFunctionProps.TracingConfig as { Mode?: string } | undefined)?.Mode === 'Active' ||
      (propsOf(workflowMachine).TracingConfiguration as { Enabled?: boolean } | undefined)?.Enabled === true;
    const stage = Object.values(template(api.stackName).Resources).find(
      (r) => r.Type === 'AWS::ApiGatewayV2::Stage' && JSON.stringify(r.Properties?.ApiId) === JSON.stringify({ Ref: api.logicalId }),
    );
    const accessLogFormat = (stage?.Properties?.AccessLogSettings as { Format?: string } | undefined)?.Format;
    const sweepRule = Object.values(template(WORKFLOW_STACK_NAME).Resources).find((r) => r.Type === 'AWS::Events::Rule' && typeof r.Properties?.ScheduleExpression === 'string');
    const schedule = sweepRule?.Properties?.ScheduleExpression;
    const sweepMinutes = rateMinutes(typeof schedule === 'string' ? schedule : 'rate(15 minutes)');

    // ---- stock: one well-stocked SKU, one with none; the unknown SKU is never seeded
    const seedClient = DynamoDBDocumentClient.from(db);
    const inventory = new Inventory(new DynamoDbStockStore(seedClient, String(outputs.InventoryTableName)));
    const skus = { stocked: 'SKU-BILL-STOCKED', empty: 'SKU-BILL-EMPTY', unknown: 'SKU-BILL-UNKNOWN' };
    await inventory.putStock(skus.stocked, { available: 1_000_000, unitPrice: 1250 });
    await inventory.putStock(skus.empty, { available: 0, unitPrice: 1250 });

    // ---- the local HTTP API's own round trip: a route that does not exist, answered without Lambda
    const overheads: number[] = [];
    for (let i = 0; i < 9; i++) {
      const t0 = performance.now();
      const response = await fetch(`${api.endpoint}/bench/no-such-route`);
      await response.arrayBuffer();
      overheads.push(performance.now() - t0);
    }
    const httpOverheadMs = summarize(overheads.slice(2));

    /** Lines have been flushed once none arrived for two intervals in a row. */
    const settle = async () => {
      for (let quiet = 0, seen = -1; quiet < 2; ) {
        await sleep(15);
        quiet = window.logLines.length === seen ? quiet + 1 : 0;
        seen = window.logLines.length;
      }
    };
    const apiInvocation = (roundTripMs: number, at: Date): InvocationRecord => ({
      requestId: randomUUID(),
      version: '$LATEST',
      // The round trip less the local HTTP API's own: what the function took (at least 1 ms).
      durationMs: Math.max(1, roundTripMs - httpOverheadMs.median),
      memoryMb: apiFunctionMemoryMb,
      at,
      ok: true,
    });
    const accessLog = (routeKey: string, status: number, latencyMs: number): string[] =>
      accessLogFormat
        ? [
            accessLogLine(accessLogFormat, {
              requestId: 'P4nHbj2zoAMEbVg=',
              'identity.sourceIp': '203.0.113.10',
              requestTime: '28/Nov/2026:07:56:03 +0000',
              routeKey,
              status: String(status),
              responseLatency: String(Math.round(latencyMs)),
            }),
          ]
        : [];
    /** The usage of what the window saw, plus the API request and its function. */
    const usageOf = (w: Window, api: { invocation: InvocationRecord; accessLog: string[] }, execution?: ExecutionResult): PathUsage => {
      const invocations = [...w.invocations.filter((i) => i.executionArn === execution?.executionArn).map((i) => i.record), api.invocation];
      const history: readonly HistoryEvent[] = execution?.history ?? [];
      const entered = history.filter((event) => String(event.type).endsWith('StateEntered')).length;
      const sfnLogs = execution && workflowLogging.level === 'ALL' ? stepFunctionsLogRecords(history, execution.executionArn, workflowLogging.includeExecutionData) : [];
      return {
        transitions: execution ? entered + execution.retries : 0,
        lambdaInvocations: invocations.length,
        lambdaBilledMs: invocations.reduce((sum, i) => sum + Math.ceil(i.durationMs / prices.lambda.durationIncrementMs) * prices.lambda.durationIncrementMs, 0),
        lambdaGbSeconds: invocations.reduce((sum, i) => sum + lambdaGbSeconds(i.durationMs, i.memoryMb, prices), 0),
        readUnits: w.capacity.readUnits,
        writeUnits: w.capacity.writeUnits,
        apiRequests: 1,
        events: w.customEvents,
        logBytes: {
          lambda:
            ingestedBytes(w.logLines.map((l) => l.line), overhead) +
            ingestedBytes(invocations.flatMap((i) => lambdaPlatformRecords(i, tracing)), overhead),
          stepFunctions: ingestedBytes(sfnLogs, overhead),
          apiGateway: ingestedBytes(api.accessLog, overhead),
        },
        traces: tracing ? 1 : 0,
        executionMs: execution?.durationMs ?? 0,
      };
    };

    // ---- one order through the API, to its terminal status
    let seq = 0;
    const runOrder = async (spec: PathSpec) => {
      const orderId = `bill_${Date.now().toString(36)}_${seq++}`;
      window = new Window();
      const at = new Date();
      const t0 = performance.now();
      const response = await fetch(`${api.endpoint}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ orderId, customerId: 'cus_bench', items: [{ sku: skus[spec.sku], quantity: 1 }], payment: { token: spec.token }, currency: 'USD' }),
      });
      const body = (await response.json()) as { executionArn?: string };
      const roundTrip = performance.now() - t0;
      if (response.status !== 202 || !body.executionArn) throw new Error(`POST /orders for ${spec.name} answered ${response.status} ${JSON.stringify(body)}`);
      const execution = await runtime.waitForExecution(body.executionArn);
      if (execution.status !== spec.status || (spec.error && execution.error !== spec.error) || execution.retries !== spec.retries) {
        throw new Error(`Order ${orderId} (${spec.name}) ended ${execution.status} ${execution.error ?? ''} after ${execution.retries} retries`);
      }
      await settle();
      const seen = window;
      const usage = usageOf(seen, { invocation: apiInvocation(roundTrip, at), accessLog: accessLog('POST /orders', 202, roundTrip) }, execution);
      return { orderId, execution, usage, window: seen, apiFunction: apiFunction.name, roundTrip };
    };

    log(`cost: ${BILL_PATHS.length} paths through POST /orders, 1 warm-up + ${options.runs} orders each`);
    for (const spec of BILL_PATHS) await runOrder(spec);
    const runs = new Map<PathSpec, Awaited<ReturnType<typeof runOrder>>[]>(BILL_PATHS.map((spec) => [spec, []]));
    const polls: PathUsage[] = [];
    let transactionCheck: BillSection['transactionCheck'];
    for (let r = 0; r < options.runs; r++) {
      for (const spec of BILL_PATHS) {
        const measured = await runOrder(spec);
        runs.get(spec)!.push(measured);
        transactionCheck ??= measured.window.transaction;
        if (spec === BILL_PATHS[0]) polls.push(await poll(measured.orderId));
      }
    }

    async function poll(orderId: string): Promise<PathUsage> {
      window = new Window();
      const at = new Date();
      const t0 = performance.now();
      const response = await fetch(`${api!.endpoint}/orders/${orderId}`);
      await response.arrayBuffer();
      const roundTrip = performance.now() - t0;
      if (response.status !== 200) throw new Error(`GET /orders/${orderId} answered ${response.status}`);
      await settle();
      return usageOf(window, { invocation: apiInvocation(roundTrip, at), accessLog: accessLog('GET /orders/{orderId}', 200, roundTrip) });
    }

    const paths = BILL_PATHS.map((spec): MeasuredPath => {
      const list = runs.get(spec)!;
      const usage = medianUsage(list.map((m) => m.usage));
      const median = list[Math.floor(list.length / 2)]!;
      const byFunction: Record<string, { invocations: number; billedMs: number }> = {};
      const add = (name: string, ms: number) => {
        const entry = (byFunction[shortName(name)] ??= { invocations: 0, billedMs: 0 });
        entry.invocations++;
        entry.billedMs += Math.ceil(ms);
      };
      for (const i of median.window.invocations.filter((x) => x.executionArn === median.execution.executionArn)) add(i.functionName, i.record.durationMs);
      add(median.apiFunction, Math.max(1, median.roundTrip - httpOverheadMs.median));
      const byOperation: MeasuredPath['byOperation'] = Object.fromEntries(
        [...median.window.capacity.byOperation].map(([operation, v]) => [operation, { requests: v.requests, reportedUnits: v.reportedUnits, readUnits: v.readUnits, writeUnits: v.writeUnits }]),
      );
      return {
        path: spec.name,
        status: median.execution.status,
        ...(median.execution.error !== undefined && { error: median.execution.error }),
        statesVisited: median.execution.statesVisited,
        retries: median.execution.retries,
        orders: list.length,
        usage,
        lambdaBilledMs: summarize(list.map((m) => m.usage.lambdaBilledMs)),
        executionMs: summarize(list.map((m) => m.usage.executionMs)),
        byFunction,
        byOperation,
        capacityRules: Object.fromEntries(median.window.capacity.rules),
        dollarsPerMillion: roundBill(billPerMillion(usage, prices)),
      };
    });
    const pollUsage = medianUsage(polls);

    // ---- one sweep of the reconciler, as its schedule starts it (nothing is stranded: an empty sweep)
    if (!reconciliationMachine) throw new Error('The app has no reconciler');
    const sweep = await runtime.run(
      { version: '0', id: randomUUID(), 'detail-type': 'Scheduled Event', source: 'aws.events', account: '000000000000', time: new Date().toISOString(), region: runtime.dynamodb.region, resources: [], detail: {} },
      { stateMachine: reconciliationMachine.arn },
    );
    if (sweep.status !== 'SUCCEEDED') throw new Error(`The reconciler's sweep ended ${sweep.status}: ${sweep.error ?? ''} ${sweep.cause ?? ''}`);
    const sweepLogging = loggingOf(propsOf(reconciliationMachine));
    const sweepHistory: readonly HistoryEvent[] = sweep.history;
    // The Scan the sweep makes (strongly consistent, every item read whatever the filter), asked here for its capacity and items.
    const scanned = await db.send(new ScanCommand({ TableName: String(outputs.OrdersTableName), ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }));
    const items = scanned.Items ?? [];
    const scanBytes = items.reduce((sum, item) => sum + itemBytes(item as Record<string, unknown>), 0);
    const sweepUsage: SweepUsage = {
      transitions: sweepHistory.filter((event) => String(event.type).endsWith('StateEntered')).length + sweep.retries,
      logBytes: sweepLogging.level === 'ALL' ? ingestedBytes(stepFunctionsLogRecords(sweepHistory, sweep.executionArn, sweepLogging.includeExecutionData), overhead) : 0,
      traces: (propsOf(reconciliationMachine).TracingConfiguration as { Enabled?: boolean } | undefined)?.Enabled === true ? 1 : 0,
      orderItemBytes: items.length ? Math.round(scanBytes / items.length) : 0,
    };

    return {
      runsPerPath: options.runs,
      loadAverage: { before: loadBefore.map((l) => round(l, 2)), after: loadavg().map((l) => round(l, 2)) },
      httpOverheadMs,
      settings: {
        stateMachineLogLevel: workflowLogging.level,
        includeExecutionData: workflowLogging.includeExecutionData,
        tracing,
        apiFunctionMemoryMb,
        ...(accessLogFormat !== undefined && { accessLogFormat }),
      },
      paths,
      poll: { usage: pollUsage, dollarsPerMillion: roundBill(billPerMillion(pollUsage, prices)) },
      reconciler: {
        sweepIntervalMinutes: sweepMinutes,
        statesVisited: sweep.statesVisited,
        usage: sweepUsage,
        scan: { items: items.length, bytes: scanBytes, localReportedUnits: Number(scanned.ConsumedCapacity?.CapacityUnits ?? 0) },
        monthly: reconcilerMonthly(sweepUsage, sweepMinutes, prices),
      },
      ...(transactionCheck && { transactionCheck }),
    };
  } finally {
    unsubscribe();
    db.destroy();
    await runtime.stop();
    await proxy.close();
  }
}

/** Minutes between runs of a `rate(...)` schedule. */
function rateMinutes(expression: string): number {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (!match) throw new Error(`Not a rate() schedule: ${expression}`);
  const unit = match[2]!.startsWith('minute') ? 1 : match[2]!.startsWith('hour') ? 60 : 1440;
  return Number(match[1]) * unit;
}

/** Field by field median of the orders of one path (the counts are the same on every run). */
function medianUsage(list: readonly PathUsage[]): PathUsage {
  const m = (pick: (u: PathUsage) => number) => percentile(list.map(pick), 50);
  return {
    transitions: m((u) => u.transitions),
    lambdaInvocations: m((u) => u.lambdaInvocations),
    lambdaBilledMs: m((u) => u.lambdaBilledMs),
    lambdaGbSeconds: m((u) => u.lambdaGbSeconds),
    readUnits: m((u) => u.readUnits),
    writeUnits: m((u) => u.writeUnits),
    apiRequests: m((u) => u.apiRequests),
    events: m((u) => u.events),
    logBytes: { lambda: m((u) => u.logBytes.lambda), stepFunctions: m((u) => u.logBytes.stepFunctions), apiGateway: m((u) => u.logBytes.apiGateway) },
    traces: m((u) => u.traces),
    executionMs: m((u) => u.executionMs),
  };
}

/** `OrderFlow-Payment-PaymentFunction730F3D87-2HNBZC:live` -> `Payment` (the construct id). */
function shortName(functionRef: string): string {
  const name = functionRef.split(':function:').pop()!.split(':')[0]!;
  const parts = name.split('-');
  return (parts.length >= 3 ? parts[parts.length - 2]! : name).replace(/[0-9A-F]{8}$/, '').replace(/Function$/, '') || name;
}

function roundBill(bill: PathBill): PathBill {
  return Object.fromEntries(Object.entries(bill).map(([k, v]: [string, number]) => [k, round(v, 4)])) as unknown as PathBill;
}
