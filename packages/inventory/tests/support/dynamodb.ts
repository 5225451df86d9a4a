import * as lambda from 'aws-cdk-lib/aws-lambda';
import { templateOf } from '@order-flow/construct-kit/testing';
import { createTestTable as createTable } from '@order-flow/local/testing';
import { afterEach, inject } from 'vitest';
import { DynamoDbStockStore } from '../../src/adapters/dynamodb-stock-store.js';
import { InventoryStep } from '../../src/construct.js';
import type { StockItem } from '../../src/domain/reservation.js';

/** The table exactly as the construct declares it (keys, indexes); synthesized once per file. */
export const layout = templateOf((stack) => new InventoryStep(stack, 'Inventory', { code: lambda.Code.fromInline('exports.handler = () => {}') }));

/** A fresh, uniquely named inventory table on the DynamoDB Local of this test run, seeded with `stock`. */
export async function createTestTable(stock: readonly StockItem[] = []) {
  const table = await createTable({ endpoint: inject('dynamodbEndpoint'), template: layout, prefix: 'inventory-test' });
  const store = new DynamoDbStockStore(table.documentClient, table.tableName);
  for (const item of stock) await store.putStock(item);

  return {
    client: table.client,
    doc: table.documentClient,
    tableName: table.tableName,
    store,
    /** Every item in the table, keyed by pk. */
    async items(): Promise<Map<string, Record<string, unknown>>> {
      return new Map((await table.scan()).map((item) => [String(item.pk), item]));
    },
    async available(sku: string): Promise<number | undefined> {
      return (await store.getStock(sku))?.available;
    },
    dispose: () => table.dispose(),
  };
}

/** What {@link createTestTable} returns. */
export type TestTable = Awaited<ReturnType<typeof createTestTable>>;

/**
 * For a test file: returns a function that creates a test table seeded with `stock`, and drops
 * every table it created after each test (the one table lifecycle of the files that use tables).
 */
export function useTestTables(): (stock?: readonly StockItem[]) => Promise<TestTable> {
  let tables: TestTable[] = [];
  afterEach(async () => {
    await Promise.all(tables.map((table) => table.dispose()));
    tables = [];
  });
  return async (stock) => {
    const table = await createTestTable(stock);
    tables.push(table);
    return table;
  };
}
