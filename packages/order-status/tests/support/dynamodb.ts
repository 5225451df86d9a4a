import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { tableLayoutFromTemplate, type TemplateJson } from '@order-flow/local/testing';
import { OrderStatusStep } from '../../src/construct.js';
import { randomBytes } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS } from '@order-flow/local';
import { inject } from 'vitest';

/** A uniquely named orders table in the shared DynamoDB Local, laid out as the construct creates it. */
export interface TestTable {
  readonly client: DynamoDBClient;
  readonly documentClient: DynamoDBDocumentClient;
  readonly tableName: string;
  itemCount(): Promise<number>;
  dispose(): Promise<void>;
}

export async function createOrdersTable(): Promise<TestTable> {
  const client = new DynamoDBClient({ endpoint: inject('dynamodbEndpoint'), region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  const documentClient = DynamoDBDocumentClient.from(client);
  const tableName = `orders-${randomBytes(6).toString('hex')}`;
  await client.send(new CreateTableCommand(tableLayout(tableName)));
  return {
    client,
    documentClient,
    tableName,
    itemCount: async () => (await client.send(new ScanCommand({ TableName: tableName, Select: 'COUNT' }))).Count ?? 0,
    dispose: async () => {
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
    new OrderStatusStep(stack, 'OrderStatus', { code: lambda.Code.fromInline('exports.handler = () => {}') });
    return Template.fromStack(stack).toJSON();
  })();
  return tableLayoutFromTemplate(layout, tableName);
}
