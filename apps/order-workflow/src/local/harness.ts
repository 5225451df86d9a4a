/**
 * Runs the synthesized order workflow on this machine: the same cloud assembly `cdk synth`
 * produces, executed by @order-flow/local (DynamoDB Local + in-process Lambda bundles +
 * aws-local-stepfunctions). Shared by `pnpm demo` and the end-to-end tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS, LocalRuntime, type LocalRuntimeOptions, type ExecutionResult as RunResult } from '@order-flow/local';
import type { OrderRecord, OrderRequest } from '@order-flow/contracts';
import { DynamoDbStockStore, Inventory, reservationKey } from '@order-flow/inventory/runtime';
import { buildApp, WORKFLOW_STACK_NAME } from '../app.js';

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

/** A running local order workflow. */
export class LocalOrderWorkflow {
  private constructor(
    readonly runtime: LocalRuntime,
    readonly tables: WorkflowTables,
    readonly db: DynamoDBDocumentClient,
    /** The inventory step's own domain API on the local table: seeding goes through its rules. */
    readonly inventory: Inventory,
    private readonly cleanup: () => void,
  ) {}

  /**
   * Synthesizes the app into `assemblyDir` (default: a fresh temp dir) and starts it locally.
   * Retry waits are shrunk (`retryIntervalMs`, default 20 ms) so backoffs don't stretch a demo
   * or a test into minutes; the retry *counts* and error matching are the template's own.
   */
  static async start(
    options: { assemblyDir?: string } & Partial<LocalRuntimeOptions> = {},
  ): Promise<LocalOrderWorkflow> {
    const ownDir = options.assemblyDir === undefined;
    const assemblyDir = options.assemblyDir ?? mkdtempSync(join(tmpdir(), 'order-flow-cdk-'));
    buildApp({ outdir: assemblyDir }).synth();
    const runtime = await LocalRuntime.start({ retryIntervalMs: 20, ...options, assemblyDir });
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
    return new LocalOrderWorkflow(runtime, tables, db, inventory, () => {
      if (ownDir) rmSync(assemblyDir, { recursive: true, force: true });
    });
  }

  /** Seeds stock through the inventory step's own API (validated like an admin write). */
  async seedStock(seeds: readonly StockSeed[]): Promise<void> {
    for (const seed of seeds) await this.inventory.putStock(seed.sku, { available: seed.available, unitPrice: seed.unitPrice });
  }

  /** Runs one order through the state machine and returns the execution result. */
  submit(order: Partial<OrderRequest> | Record<string, unknown>): Promise<RunResult> {
    return this.runtime.run(order);
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
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(new ScanCommand({ TableName: this.tables[table], ExclusiveStartKey }));
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  async stop(): Promise<void> {
    this.db.destroy();
    await this.runtime.stop();
    this.cleanup();
  }
}
