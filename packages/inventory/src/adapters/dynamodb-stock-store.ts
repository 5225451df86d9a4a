import type { CancellationReason } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { PricedLine } from '@order-flow/contracts';
import { isConditionalCheckFailed } from '@order-flow/lambda-kit';
import { InventoryContentionError, type Shortage } from '../domain/errors.js';
import { ReservationStatus, type ReservationRecord, type StockItem } from '../domain/reservation.js';
import type { CommitOutcome, StockStore } from '../ports.js';

/** Partition key of a SKU's stock item. */
export const stockKey = (sku: string): string => `SKU#${sku}`;
/** Partition key of an order's reservation. */
export const reservationKey = (orderId: string): string => `RES#${orderId}`;

/** BatchGet rounds for keys DynamoDB leaves unprocessed (throttling) before giving up as contention. */
const MAX_BATCH_ROUNDS = 5;

/**
 * {@link StockStore} on one DynamoDB table (partition key `pk`, string):
 * `SKU#<sku>` stock items and `RES#<orderId>` reservations. Stock only ever changes inside
 * conditional transactions, so it cannot go negative and is put back at most once.
 *
 * IAM actions used: dynamodb:GetItem, BatchGetItem, PutItem, UpdateItem (the last two also
 * cover TransactWriteItems, which IAM authorizes per contained action).
 */
export class DynamoDbStockStore implements StockStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getReservation(orderId: string): Promise<ReservationRecord | undefined> {
    const { Item } = await withContention(() => this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: reservationKey(orderId) }, ConsistentRead: true }),
    ));
    return Item ? toRecord(Item) : undefined;
  }

  async getPrices(skus: readonly string[]): Promise<Map<string, number>> {
    const prices = new Map<string, number>();
    let keys: Record<string, unknown>[] = skus.map((sku) => ({ pk: stockKey(sku) }));
    for (let round = 0; keys.length > 0; round++) {
      if (round === MAX_BATCH_ROUNDS) throw new InventoryContentionError('stock reads were throttled; retry');
      if (round > 0) await sleep(20 * 2 ** round);
      const result = await withContention(() => this.client.send(
        new BatchGetCommand({
          RequestItems: {
            [this.tableName]: { Keys: keys, ProjectionExpression: 'sku, unitPrice', ConsistentRead: true },
          },
        }),
      ));
      for (const item of result.Responses?.[this.tableName] ?? []) {
        // An item left behind by a release of a since-deleted SKU has no price: it is not for sale.
        if (typeof item.sku === 'string' && typeof item.unitPrice === 'number') prices.set(item.sku, item.unitPrice);
      }
      keys = result.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
    }
    return prices;
  }

  async commitReservation(record: ReservationRecord): Promise<CommitOutcome> {
    const { lines } = record;
    try {
      await withContention(() => this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            ...lines.map((line) => ({
              Update: {
                TableName: this.tableName,
                Key: { pk: stockKey(line.sku) },
                UpdateExpression: 'SET available = available - :q',
                // The price lock: the order is charged what was read, or the attempt starts over.
                ConditionExpression: 'attribute_exists(pk) AND available >= :q AND unitPrice = :price',
                ExpressionAttributeValues: { ':q': line.quantity, ':price': line.unitPrice },
                // The old item tells a shortage (and by how much) from a price change.
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
              },
            })),
            {
              Put: {
                TableName: this.tableName,
                Item: { pk: reservationKey(record.orderId), ...record },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      ));
      return { kind: 'reserved' };
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      return commitFailure(lines, reasons, error);
    }
  }

  async releaseReservation(record: ReservationRecord, releasedAt: string): Promise<boolean> {
    try {
      await withContention(() => this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: { pk: reservationKey(record.orderId) },
                UpdateExpression: 'SET #status = :released, releasedAt = :at',
                // Only the call that flips RESERVED -> RELEASED puts stock back: exactly once.
                ConditionExpression: '#status = :reserved',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: {
                  ':released': ReservationStatus.RELEASED,
                  ':reserved': ReservationStatus.RESERVED,
                  ':at': releasedAt,
                },
              },
            },
            ...record.lines.map((line) => ({
              Update: {
                TableName: this.tableName,
                Key: { pk: stockKey(line.sku) },
                // ADD, not SET: concurrent reserves of the same SKU keep their decrements.
                UpdateExpression: 'ADD available :q',
                ExpressionAttributeValues: { ':q': line.quantity },
              },
            })),
          ],
        }),
      ));
      return true;
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      throwIfConflict(reasons);
      if (reasons[0]?.Code === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }

  async putTombstone(record: ReservationRecord): Promise<boolean> {
    try {
      await withContention(() => this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: reservationKey(record.orderId), ...record },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ));
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async getStock(sku: string): Promise<StockItem | undefined> {
    const { Item } = await withContention(() => this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: stockKey(sku) }, ConsistentRead: true }),
    ));
    if (!Item || typeof Item.unitPrice !== 'number') return undefined;
    return { sku, available: Number(Item.available), unitPrice: Item.unitPrice };
  }

  async putStock(item: StockItem): Promise<void> {
    await withContention(() => this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: stockKey(item.sku), sku: item.sku, available: item.available, unitPrice: item.unitPrice },
      }),
    ));
  }
}

/** Runs one SDK call, turning DynamoDB's transient transaction conflicts into the domain's retryable error. */
async function withContention<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (errorName(error) === 'TransactionConflictException') {
      throw new InventoryContentionError(`concurrent transaction on the same items: ${(error as Error).message}`, {
        cause: error,
      });
    }
    throw error;
  }
}

function commitFailure(lines: readonly PricedLine[], reasons: readonly CancellationReason[], error: unknown): CommitOutcome {
  throwIfConflict(reasons);
  if (reasons[lines.length]?.Code === 'ConditionalCheckFailed') return { kind: 'exists' };
  const shortages: Shortage[] = [];
  let priceChanged = false;
  lines.forEach((line, index) => {
    const reason = reasons[index];
    if (reason?.Code !== 'ConditionalCheckFailed') return;
    const available = numberAttribute(reason.Item?.available);
    // A missing item means the SKU was deleted: re-reading its price reports it unknown.
    if (available === undefined) priceChanged = true;
    else if (available < line.quantity) shortages.push({ sku: line.sku, requested: line.quantity, available });
    else priceChanged = true;
  });
  if (shortages.length > 0) return { kind: 'out-of-stock', shortages };
  if (priceChanged) return { kind: 'price-changed' };
  throw error;
}

function throwIfConflict(reasons: readonly CancellationReason[]): void {
  if (reasons.some((reason) => reason.Code === 'TransactionConflict')) {
    throw new InventoryContentionError('another transaction touched the same items at the same time; retry');
  }
}

function cancellationReasons(error: unknown): CancellationReason[] | undefined {
  if (errorName(error) !== 'TransactionCanceledException') return undefined;
  return (error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [];
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/** Reads a number from a raw AttributeValue (cancellation reasons are not unmarshalled by lib-dynamodb). */
function numberAttribute(value: unknown): number | undefined {
  if (value && typeof value === 'object' && 'N' in value && typeof value.N === 'string') return Number(value.N);
  return undefined;
}

function toRecord(item: Record<string, unknown>): ReservationRecord {
  const record: ReservationRecord = {
    orderId: String(item.orderId),
    lines: (item.lines as PricedLine[] | undefined)?.map((line) => ({
      sku: line.sku,
      quantity: Number(line.quantity),
      unitPrice: Number(line.unitPrice),
      lineTotal: Number(line.lineTotal),
    })) ?? [],
    total: Number(item.total),
    status: item.status === ReservationStatus.RELEASED ? ReservationStatus.RELEASED : ReservationStatus.RESERVED,
    reservedAt: String(item.reservedAt),
  };
  return typeof item.releasedAt === 'string' ? { ...record, releasedAt: item.releasedAt } : record;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
