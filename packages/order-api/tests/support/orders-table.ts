import { randomBytes } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS } from '@order-flow/local';
import { BY_CUSTOMER_INDEX } from '@order-flow/order-status/runtime';
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
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'orderId', AttributeType: 'S' },
        { AttributeName: 'customerId', AttributeType: 'S' },
        { AttributeName: 'createdAt', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: BY_CUSTOMER_INDEX,
          KeySchema: [
            { AttributeName: 'customerId', KeyType: 'HASH' },
            { AttributeName: 'createdAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
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
