import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { createTestTable as createTable, type TemplateJson } from '@order-flow/local/testing';
import { inject } from 'vitest';
import { DynamoDbStockStore } from '../../src/adapters/dynamodb-stock-store.js';
import { InventoryStep } from '../../src/construct.js';
import type { StockItem } from '../../src/domain/reservation.js';

/** The table exactly as the construct declares it (keys, indexes); synthesized once per file. */
function layout(): TemplateJson {
  const stack = new Stack(new App(), 'TableLayout');
  new InventoryStep(stack, 'Inventory', { code: lambda.Code.fromInline('exports.handler = () => {}') });
  return Template.fromStack(stack).toJSON();
}

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
