import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OrderRecord, OrderStatus } from '@order-flow/contracts';
import type { OrderStore, PutIfAbsentResult, StatusChange } from '../ports.js';

/**
 * {@link OrderStore} on a DynamoDB table keyed by `orderId`, one item per order (the
 * {@link OrderRecord} as is). Uses GetItem, PutItem and UpdateItem only.
 */
export class DynamoDbOrderStore implements OrderStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async putIfAbsent(record: OrderRecord): Promise<PutIfAbsentResult> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: withoutUndefined(record),
          ConditionExpression: 'attribute_not_exists(orderId)',
        }),
      );
      return { created: true };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const existing = await this.get(record.orderId);
    // Orders are never deleted, so a refused put always has an item to read.
    if (!existing) throw new Error(`Order ${record.orderId} exists but could not be read back`);
    return { created: false, existing };
  }

  async transition(orderId: string, from: OrderStatus, change: StatusChange): Promise<OrderRecord | undefined> {
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = {
      ':from': from,
      ':to': change.status,
      ':updatedAt': change.updatedAt,
      ':entry': [withoutUndefined(change.entry)],
    };
    const sets = ['#status = :to', 'updatedAt = :updatedAt', 'history = list_append(history, :entry)'];
    for (const field of ['reason', 'lines', 'total', 'paymentId'] as const) {
      if (change[field] === undefined) continue;
      sets.push(`#${field} = :${field}`);
      names[`#${field}`] = field;
      values[`:${field}`] = change[field];
    }
    try {
      const result = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { orderId },
          // A missing item has no status, so this also refuses to create one.
          ConditionExpression: '#status = :from',
          UpdateExpression: `SET ${sets.join(', ')}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return result.Attributes as OrderRecord;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async get(orderId: string): Promise<OrderRecord | undefined> {
    const result = await this.client.send(
      // Decisions after a refused write must see that write's winner, not a stale replica.
      new GetCommand({ TableName: this.tableName, Key: { orderId }, ConsistentRead: true }),
    );
    return result.Item as OrderRecord | undefined;
  }
}

function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error instanceof Error && error.name === 'ConditionalCheckFailedException')
  );
}

/** DynamoDB rejects `undefined` attribute values; optional fields are simply left out. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
