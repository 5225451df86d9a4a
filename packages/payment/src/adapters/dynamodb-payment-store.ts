import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PaymentStatus, type DeclineCode } from '@order-flow/contracts';
import type { PaymentRecord, PaymentStore } from '../ports.js';

/**
 * `#name` placeholders for the given attributes: DynamoDB reserves many plain words (`status`,
 * `token`, ...) and rejects placeholders an expression does not use.
 */
const names = (...attributes: string[]): Record<string, string> =>
  Object.fromEntries(attributes.map((attribute) => [`#${attribute}`, attribute]));

/** Partition key of an order's payment record. */
export const paymentKey = (orderId: string): string => `PAYMENT#${orderId}`;

/**
 * {@link PaymentStore} on a DynamoDB table keyed by `pk` (string). Items:
 * `{ pk: 'PAYMENT#<orderId>', orderId, amount, currency, token, status, paymentId?, declineCode?,
 * refundId?, createdAt, updatedAt }`.
 */
export class DynamoDbPaymentStore implements PaymentStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(orderId: string): Promise<PaymentRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: paymentKey(orderId) }, ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const { pk: _pk, ...record } = Item;
    return record as PaymentRecord;
  }

  async createPending(record: PaymentRecord): Promise<boolean> {
    return this.conditional(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: paymentKey(record.orderId), ...record, status: PaymentStatus.PENDING },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async markCaptured(orderId: string, paymentId: string, at: string): Promise<boolean> {
    return this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: paymentKey(orderId) },
        UpdateExpression: 'SET #status = :captured, #paymentId = :paymentId, #updatedAt = :at',
        ConditionExpression: '#status IN (:pending, :captured)',
        ExpressionAttributeNames: names('status', 'paymentId', 'updatedAt'),
        ExpressionAttributeValues: {
          ':captured': PaymentStatus.CAPTURED,
          ':pending': PaymentStatus.PENDING,
          ':paymentId': paymentId,
          ':at': at,
        },
      }),
    );
  }

  async markDeclined(orderId: string, declineCode: DeclineCode, at: string): Promise<boolean> {
    return this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: paymentKey(orderId) },
        UpdateExpression: 'SET #status = :declined, #declineCode = :code, #updatedAt = :at',
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: names('status', 'declineCode', 'updatedAt'),
        ExpressionAttributeValues: {
          ':declined': PaymentStatus.DECLINED,
          ':pending': PaymentStatus.PENDING,
          ':code': declineCode,
          ':at': at,
        },
      }),
    );
  }

  async markRefunded(orderId: string, refund: { refundId: string; paymentId: string }, at: string): Promise<boolean> {
    return this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: paymentKey(orderId) },
        UpdateExpression: 'SET #status = :refunded, #refundId = :refundId, #paymentId = :paymentId, #updatedAt = :at',
        ConditionExpression: '#status IN (:pending, :captured)',
        ExpressionAttributeNames: names('status', 'refundId', 'paymentId', 'updatedAt'),
        ExpressionAttributeValues: {
          ':refunded': PaymentStatus.REFUNDED,
          ':pending': PaymentStatus.PENDING,
          ':captured': PaymentStatus.CAPTURED,
          ':refundId': refund.refundId,
          ':paymentId': refund.paymentId,
          ':at': at,
        },
      }),
    );
  }

  /** Sends a conditional write; a failed condition is an expected outcome, not an error. */
  private async conditional(command: PutCommand | UpdateCommand): Promise<boolean> {
    try {
      // The union is split so each call resolves to its own overload of `send`.
      if (command instanceof PutCommand) await this.client.send(command);
      else await this.client.send(command);
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}

/** By name, so a second copy of the SDK in a bundle cannot defeat an `instanceof` check. */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
