/**
 * Runs the synthesized order stack on this machine: the same cloud assembly `cdk synth`
 * produces, served by @order-flow/local — DynamoDB Local, the Lambda bundles in worker threads,
 * the state machine on the @order-flow/step-functions engine (virtual time), the HTTP API, a Step Functions endpoint and
 * EventBridge recording. Shared by `pnpm start`, `pnpm demo` and the tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS, LocalRuntime, type EventBridgeEvent, type LocalRuntimeOptions, type ExecutionResult as RunResult, type RunOptions } from '@order-flow/local';
import type { OrderRecord, OrderRequest } from '@order-flow/contracts';
import { DynamoDbStockStore, Inventory, reservationKey } from '@order-flow/inventory/runtime';
import { buildApp, WORKFLOW_STACK_NAME, type WorkflowType } from '../app.js';
import { OrderWorkflow } from '../order-workflow.js';

/** A SKU to seed: stock on hand and unit price in minor units. */
export interface StockSeed {
  readonly sku: string;
  readonly available: number;
  readonly unitPrice: number;
}

/** The tables the workflow stack outputs, by role. */
export interface WorkflowTables {
  readonly inventory: string;
  readonly payment: string;
  readonly orders: string;
}

/** The reconciler's state machines and table (see `OrderReconciler`). */
export interface ReconcilerResources {
  readonly settlementArn: string;
  readonly reconciliationArn: string;
  readonly unsettledTable: string;
}

/** One settlement execution of the reconciler, as {@link LocalOrderStack.settlements} lists it. */
export interface SettlementRecord {
  readonly orderId: string;
  readonly executionArn: string;
  readonly status: string;
  /** True when this settlement moved the order to FAILED (false: nothing was PENDING). */
  readonly settled: boolean;
  readonly reason?: string;
}

/** Options of {@link LocalOrderStack.start}: the runtime's, and the app's workflow type. */
export interface LocalOrderStackOptions extends LocalRuntimeOptions {
  /**
   * Standard or Express order workflow (see the README's "Standard or Express"). Express runs
   * with Express's semantics: no execution history through the API, 5-minute executions, and
   * at-least-once delivery when `expressAtLeastOnce` is set.
   * @default - the app's default (CDK context `workflowType`, else 'STANDARD')
   */
  readonly workflowType?: WorkflowType;
}

/** A running local order stack. */
export class LocalOrderStack {
  private constructor(
    readonly runtime: LocalRuntime,
    readonly tables: WorkflowTables,
    readonly db: DynamoDBDocumentClient,
    /** The inventory step's own domain API on the local table: seeding goes through its rules. */
    readonly inventory: Inventory,
    /** The order workflow (the stack has other state machines: the reconciler's). */
    readonly stateMachineArn: string,
    readonly reconciler: ReconcilerResources,
    private readonly cleanup: () => void,
  ) {}

  /**
   * Synthesizes the app into `assemblyDir` (default: a fresh temp dir) and starts it locally.
   * Runs on virtual time unless `options.clock` says otherwise: every Retry interval, backoff
   * and timeout is the template's own, and none of them costs wall time (the clock jumps to the
   * next due timer whenever no function or DynamoDB request is in flight).
   */
  static async start(options: LocalOrderStackOptions = {}): Promise<LocalOrderStack> {
    const { workflowType, ...runtimeOptions } = options;
    const ownDir = options.assemblyDir === undefined;
    const assemblyDir = options.assemblyDir ?? mkdtempSync(join(tmpdir(), 'order-flow-cdk-'));
    buildApp({ outdir: assemblyDir, ...(workflowType && { workflowType }) }).synth();
    const runtime = await LocalRuntime.start({ clock: 'virtual', ...runtimeOptions, assemblyDir });
    if (!runtime.httpApis[0]) throw new Error('The synthesized app has no HTTP API');
    const outputs = runtime.outputs(WORKFLOW_STACK_NAME);
    const tables = {
      inventory: String(outputs.InventoryTableName),
      payment: String(outputs.PaymentTableName),
      orders: String(outputs.OrdersTableName),
    };
    const db = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: runtime.dynamodb.endpoint, region: runtime.dynamodb.region, credentials: LOCAL_CREDENTIALS }),
    );
    const inventory = new Inventory(new DynamoDbStockStore(db, tables.inventory));
    const reconciler = {
      settlementArn: String(outputs.SettlementStateMachineArn),
      reconciliationArn: String(outputs.ReconciliationStateMachineArn),
      unsettledTable: String(outputs.UnsettledOrdersTableName),
    };
    return new LocalOrderStack(runtime, tables, db, inventory, String(outputs.StateMachineArn), reconciler, () => {
      if (ownDir) rmSync(assemblyDir, { recursive: true, force: true });
    });
  }

  /** Seeds stock through the inventory step's own API (validated like an admin write). */
  async seedStock(seeds: readonly StockSeed[]): Promise<void> {
    for (const seed of seeds) await this.inventory.putStock(seed.sku, { available: seed.available, unitPrice: seed.unitPrice });
  }

  /** The order API's base URL, e.g. `http://127.0.0.1:3000`. */
  get apiUrl(): string {
    return this.runtime.httpApis[0]!.endpoint;
  }

  /** The Step Functions endpoint for `@aws-sdk/client-sfn` and the AWS CLI. */
  get stepFunctionsEndpoint(): string {
    return this.runtime.stepFunctionsApi!.endpoint;
  }

  /**
   * Order events published so far (source `order-flow.orders`), in the envelope EventBridge
   * delivers to targets. The bus also carries Step Functions' execution status changes.
   */
  events(): EventBridgeEvent[] {
    return this.runtime.events.list({ source: OrderWorkflow.EVENT_SOURCE }).map((recorded) => recorded.event);
  }

  /**
   * Runs one order through the state machine directly (no API) and returns the execution result.
   * The execution gets a generated name unless `options.name` sets one: pass `name: orderId` to
   * name it as the API does (a second run of the same order is then the same execution, not a
   * second one; tests of duplicate deliveries rely on the generated names).
   */
  submit(order: Partial<OrderRequest> | Record<string, unknown>, options: RunOptions = {}): Promise<RunResult> {
    return this.runtime.run(order, { stateMachine: this.stateMachineArn, ...options });
  }

  /** Starts one order's workflow execution and returns at once (see {@link submit}). */
  start(order: Partial<OrderRequest> | Record<string, unknown>, options: Omit<RunOptions, 'signal'> = {}): { executionArn: string; startDate: Date } {
    return this.runtime.startExecution(order, { stateMachine: this.stateMachineArn, ...options });
  }

  /**
   * The reconciler's settlement executions so far (each named after its order), finished or not.
   * `settled` counts the orders the reconciler moved to FAILED.
   */
  settlements(): SettlementRecord[] {
    const records: SettlementRecord[] = [];
    let nextToken: string | undefined;
    do {
      const page = this.runtime.engine.listExecutions(this.reconciler.settlementArn, { ...(nextToken && { nextToken }) });
      for (const item of page.executions) {
        const description = this.runtime.describeExecution(item.executionArn);
        const input = JSON.parse(description.input) as { orderId: string; reason?: string };
        const output = description.output === undefined ? undefined : (JSON.parse(description.output) as { settled?: boolean });
        records.push({ orderId: input.orderId, executionArn: item.executionArn, status: description.status, settled: output?.settled === true, ...(input.reason && { reason: input.reason }) });
      }
      nextToken = page.nextToken;
    } while (nextToken);
    return records;
  }

  /** Waits for every settlement execution that is still running. */
  async settlementsDone(): Promise<SettlementRecord[]> {
    for (;;) {
      const running = this.settlements().filter((record) => record.status === 'RUNNING');
      if (running.length === 0) return this.settlements();
      await Promise.all(running.map((record) => this.runtime.waitForExecution(record.executionArn)));
    }
  }

  /** Orders the reconciler could not settle (its unsettled-orders table). */
  async unsettled(): Promise<Record<string, unknown>[]> {
    return this.scanTable(this.reconciler.unsettledTable);
  }

  async stock(sku: string): Promise<number | undefined> {
    return (await this.inventory.getStock(sku))?.available;
  }

  async order(orderId: string): Promise<OrderRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tables.orders, Key: { orderId } }));
    return Item as OrderRecord | undefined;
  }

  async payment(orderId: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tables.payment, Key: { pk: `PAYMENT#${orderId}` } }));
    return Item;
  }

  async reservation(orderId: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tables.inventory, Key: { pk: reservationKey(orderId) } }));
    return Item;
  }

  /** Every item of a table (tests use it to prove a rejected input wrote nothing). */
  async scan(table: keyof WorkflowTables): Promise<Record<string, unknown>[]> {
    return this.scanTable(this.tables[table]);
  }

  private async scanTable(tableName: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey }));
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  /** Every item of every table, sorted: equal snapshots mean nothing was written. */
  async snapshotTables(): Promise<Record<keyof WorkflowTables, Record<string, unknown>[]>> {
    const sorted = async (table: keyof WorkflowTables) =>
      (await this.scan(table)).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    return { inventory: await sorted('inventory'), payment: await sorted('payment'), orders: await sorted('orders') };
  }

  async stop(): Promise<void> {
    this.db.destroy();
    await this.runtime.stop();
    this.cleanup();
  }
}
