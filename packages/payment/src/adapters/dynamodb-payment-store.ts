import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PaymentStatus, type DeclineCode } from '../contract.js';
import { isConditionalCheckFailed } from '@order-flow/lambda-kit';
import type { Delay, PaymentRecord, PaymentStore, StoredPayment } from '../ports.js';
import { noDelay } from '../ports.js';

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
 * refundId?, createdAt, updatedAt }`, or a void tombstone `{ pk, orderId, status: 'VOIDED',
 * createdAt, updatedAt }`.
 */
export class DynamoDbPaymentStore implements PaymentStore {
  /** @param delay awaited before each DynamoDB call (tests inject latency; none by default) */
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly delay: Delay = noDelay,
  ) {}

  async get(orderId: string): Promise<StoredPayment | undefined> {
    await this.delay('store.get');
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: paymentKey(orderId) }, ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const { pk: _pk, ...record } = Item;
    return record as StoredPayment;
  }

  async createTombstone(orderId: string, at: string): Promise<boolean> {
    return this.conditional(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: paymentKey(orderId), orderId, status: PaymentStatus.VOIDED, createdAt: at, updatedAt: at },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async markVoided(orderId: string, at: string): Promise<boolean> {
    return this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: paymentKey(orderId) },
        UpdateExpression: 'SET #status = :voided, #updatedAt = :at',
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: names('status', 'updatedAt'),
        ExpressionAttributeValues: { ':voided': PaymentStatus.VOIDED, ':pending': PaymentStatus.PENDING, ':at': at },
      }),
    );
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
        // VOIDED too: a capture that landed before the void took effect is refunded, then recorded.
        ConditionExpression: '#status IN (:pending, :captured, :voided)',
        ExpressionAttributeNames: names('status', 'refundId', 'paymentId', 'updatedAt'),
        ExpressionAttributeValues: {
          ':refunded': PaymentStatus.REFUNDED,
          ':pending': PaymentStatus.PENDING,
          ':captured': PaymentStatus.CAPTURED,
          ':voided': PaymentStatus.VOIDED,
          ':refundId': refund.refundId,
          ':paymentId': refund.paymentId,
          ':at': at,
        },
      }),
    );
  }

  /** Sends a conditional write; a failed condition is an expected outcome, not an error. */
  private async conditional(command: PutCommand | UpdateCommand): Promise<boolean> {
    await this.delay(`store.${command instanceof PutCommand ? 'put' : 'update'}`);
    try {
      // The union is split so each call resolves to its own overload of `send`.
      if (command instanceof PutCommand) await this.client.send(command);
      else await this.client.send(command);
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }
}
