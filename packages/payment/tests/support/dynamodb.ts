import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { tableLayoutFromTemplate, type TemplateJson } from '@order-flow/local/testing';
import { PaymentStep } from '../../src/construct.js';
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS } from '@order-flow/local';
import { inject } from 'vitest';

/** A uniquely named table on the shared DynamoDB Local, so test files can run in parallel. */
export interface TestTable {
  readonly tableName: string;
  readonly client: DynamoDBDocumentClient;
  item(pk: string): Promise<Record<string, unknown> | undefined>;
  scan(): Promise<Record<string, unknown>[]>;
  drop(): Promise<void>;
}

export async function createTestTable(): Promise<TestTable> {
  const base = new DynamoDBClient({
    endpoint: inject('dynamodbEndpoint'),
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
  });
  const client = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
  const tableName = `payment-${randomUUID().slice(0, 8)}`;
  await base.send(new CreateTableCommand(tableLayout(tableName)));
  return {
    tableName,
    client,
    item: async (pk) => (await client.send(new GetCommand({ TableName: tableName, Key: { pk }, ConsistentRead: true }))).Item,
    scan: async () => (await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }))).Items ?? [],
    drop: async () => {
      await base.send(new DeleteTableCommand({ TableName: tableName }));
      base.destroy();
    },
  };
}

let layout: TemplateJson | undefined;
/** The table exactly as the construct declares it (keys, indexes), synthesized once per file. */
function tableLayout(tableName: string) {
  layout ??= (() => {
    const stack = new Stack(new App(), 'TableLayout');
    new PaymentStep(stack, 'Payment', { code: lambda.Code.fromInline('exports.handler = () => {}') });
    return Template.fromStack(stack).toJSON();
  })();
  return tableLayoutFromTemplate(layout, tableName);
}
