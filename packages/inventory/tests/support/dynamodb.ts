import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { tableLayoutFromTemplate, type TemplateJson } from '@order-flow/local/testing';
import { InventoryStep } from '../../src/construct.js';
import { randomBytes } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS } from '@order-flow/local';
import { inject } from 'vitest';
import { DynamoDbStockStore } from '../../src/adapters/dynamodb-stock-store.js';
import type { StockItem } from '../../src/domain/reservation.js';

/** A fresh, uniquely named inventory table on the DynamoDB Local of this test run. */
export async function createTestTable(stock: readonly StockItem[] = []) {
  const client = new DynamoDBClient({ endpoint: inject('dynamodbEndpoint'), region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const tableName = `inventory-test-${randomBytes(6).toString('hex')}`;
  await client.send(new CreateTableCommand(tableLayout(tableName)));
  const store = new DynamoDbStockStore(doc, tableName);
  for (const item of stock) await store.putStock(item);

  return {
    client,
    doc,
    tableName,
    store,
    /** Every item in the table, keyed by pk. */
    async items(): Promise<Map<string, Record<string, unknown>>> {
      const { Items = [] } = await doc.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }));
      return new Map(Items.map((item) => [String(item.pk), item]));
    },
    async available(sku: string): Promise<number | undefined> {
      return (await store.getStock(sku))?.available;
    },
    async dispose(): Promise<void> {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
    },
  };
}

let layout: TemplateJson | undefined;
/** The table exactly as the construct declares it (keys, indexes), synthesized once per file. */
function tableLayout(tableName: string) {
  layout ??= (() => {
    const stack = new Stack(new App(), 'TableLayout');
    new InventoryStep(stack, 'Inventory', { code: lambda.Code.fromInline('exports.handler = () => {}') });
    return Template.fromStack(stack).toJSON();
  })();
  return tableLayoutFromTemplate(layout, tableName);
}
