import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { tableLayoutFromTemplate, type TemplateJson } from '@order-flow/local/testing';
import { OrderStatusStep } from '@order-flow/order-status';
import { randomBytes } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS } from '@order-flow/local';
import { inject } from 'vitest';

/** A uniquely named orders table in the shared DynamoDB Local, with the order-status layout. */
export interface OrdersTable {
  readonly documentClient: DynamoDBDocumentClient;
  readonly tableName: string;
  /** The raw stored item (strongly consistent), or undefined. */
  item(orderId: string): Promise<Record<string, unknown> | undefined>;
  dispose(): Promise<void>;
}

export async function createOrdersTable(): Promise<OrdersTable> {
  const client = new DynamoDBClient({ endpoint: inject('dynamodbEndpoint'), region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  const documentClient = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const tableName = `api-orders-${randomBytes(6).toString('hex')}`;
  await client.send(new CreateTableCommand(tableLayout(tableName)));
  return {
    documentClient,
    tableName,
    item: async (orderId) =>
      (await documentClient.send(new GetCommand({ TableName: tableName, Key: { orderId }, ConsistentRead: true }))).Item,
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
