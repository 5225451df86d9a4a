import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PaymentStatus, type DeclineCode } from '../contract.js';
import { isConditionalCheckFailed } from '@order-flow/lambda-kit';
import type { Delay, PaymentRecord, PaymentStore, StoredPayment } from '../ports.js';
import { noDelay } from './no-delay.js';

/**
 * `#name` placeholders for the given attributes: DynamoDB reserves many plain words (`status`,
 * `token`, ...) and rejects placeholders an expression does not use.
 */
const names = (...attributes: string[]): Record<string, string> =>
  Object.fromEntries(attributes.map((attribute) => [`#${attribute}`, attribute]));

/** A status transition of {@link DynamoDbPaymentStore}'s `transition`. */
interface StatusChange {
  readonly to: PaymentStatus;
  /** The statuses the payment may be in (the condition of the write). */
  readonly from: readonly PaymentStatus[];
  /** Attributes written with the new status. @default - none */
  readonly set?: Readonly<Record<string, string>>;
  /** The transition's time: the new `updatedAt`. */
  readonly at: string;
}

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
    return this.transition(orderId, { to: PaymentStatus.VOIDED, from: [PaymentStatus.PENDING], at });
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
    return this.transition(orderId, { to: PaymentStatus.CAPTURED, from: [PaymentStatus.PENDING, PaymentStatus.CAPTURED], set: { paymentId }, at });
  }

  async markDeclined(orderId: string, declineCode: DeclineCode, at: string): Promise<boolean> {
    return this.transition(orderId, { to: PaymentStatus.DECLINED, from: [PaymentStatus.PENDING], set: { declineCode }, at });
  }

  async markRefunded(orderId: string, refund: { refundId: string; paymentId: string }, at: string): Promise<boolean> {
    // VOIDED too: a capture that landed before the void took effect is refunded, then recorded.
    const from = [PaymentStatus.PENDING, PaymentStatus.CAPTURED, PaymentStatus.VOIDED];
    return this.transition(orderId, { to: PaymentStatus.REFUNDED, from, set: { refundId: refund.refundId, paymentId: refund.paymentId }, at });
  }

  /**
   * Moves the payment of `orderId` to `to` only while its status is one of `from` (the legal
   * transitions of PaymentStatus), writing `set` and `updatedAt` with it.
   */
  private transition(orderId: string, change: StatusChange): Promise<boolean> {
    const { to, from, set = {}, at } = change;
    const status = (value: PaymentStatus) => `:${value.toLowerCase()}`;
    const fields = { ...set, updatedAt: at };
    return this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: paymentKey(orderId) },
        UpdateExpression: `SET #status = ${status(to)}, ${Object.keys(fields).map((field) => `#${field} = :${field}`).join(', ')}`,
        ConditionExpression: from.length === 1 ? `#status = ${status(from[0]!)}` : `#status IN (${from.map(status).join(', ')})`,
        ExpressionAttributeNames: names('status', ...Object.keys(fields)),
        ExpressionAttributeValues: {
          ...Object.fromEntries([to, ...from].map((value) => [status(value), value])),
          ...Object.fromEntries(Object.entries(fields).map(([field, value]) => [`:${field}`, value])),
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
