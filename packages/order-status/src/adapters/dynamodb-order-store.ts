import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient, type UpdateCommandInput, type UpdateCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { OrderRecord, OrderStatus } from '@order-flow/contracts';
import { isConditionalCheckFailed } from '@order-flow/lambda-kit';
import type { ClaimResult, OrderStore, PutIfAbsentResult, StatusChange, WorkflowClaim } from '../ports.js';

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
      if (!isConditionalCheckFailed(error)) throw error;
    }
    const existing = await this.get(record.orderId);
    // Orders are never deleted, so a refused put always has an item to read.
    if (!existing) throw new Error(`Order ${record.orderId} exists but could not be read back`);
    return { created: false, existing };
  }

  async transition(orderId: string, from: readonly OrderStatus[], change: StatusChange): Promise<OrderRecord | undefined> {
    if (from.length === 0) throw new Error(`transition of ${orderId}: from must name at least one status`);
    const names: Record<string, string> = { '#status': 'status' };
    const fromValues = Object.fromEntries(from.map((status, index) => [`:from${index}`, status]));
    const values: Record<string, unknown> = {
      ...fromValues,
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
    const result = await this.conditionalUpdate({
      Key: { orderId },
      // The legal transition, enforced by the table: a missing item has no status, so this
      // also refuses to create one.
      ConditionExpression: `#status IN (${Object.keys(fromValues).join(', ')})`,
      UpdateExpression: `SET ${sets.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ReturnValues: 'ALL_NEW',
    });
    return result?.Attributes as OrderRecord | undefined;
  }

  async get(orderId: string): Promise<OrderRecord | undefined> {
    const result = await this.client.send(
      // Decisions after a refused write must see that write's winner, not a stale replica.
      new GetCommand({ TableName: this.tableName, Key: { orderId }, ConsistentRead: true }),
    );
    return result.Item as OrderRecord | undefined;
  }

  async claimWorkflowStart(orderId: string, claim: WorkflowClaim, staleBefore: string): Promise<ClaimResult> {
    const claimed = await this.conditionalUpdate({
      Key: { orderId },
      // PENDING (so never a missing item), no execution yet, and no live claim: the table
      // decides between two requests racing, not their earlier reads.
      ConditionExpression: '#status = :pending AND attribute_not_exists(#arn) AND (attribute_not_exists(#token) OR #at < :staleBefore)',
      UpdateExpression: 'SET #token = :token, #at = :at',
      ExpressionAttributeNames: { '#status': 'status', '#arn': CLAIM.executionArn, '#token': CLAIM.token, '#at': CLAIM.at },
      ExpressionAttributeValues: { ':pending': 'PENDING', ':token': claim.token, ':at': claim.at, ':staleBefore': staleBefore },
    });
    if (claimed) return { claimed: true };
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { orderId }, ConsistentRead: true }));
    return {
      claimed: false,
      status: Item?.status as OrderStatus | undefined,
      ...(typeof Item?.[CLAIM.executionArn] === 'string' && { executionArn: Item[CLAIM.executionArn] as string }),
      ...(typeof Item?.[CLAIM.at] === 'string' && { claimedAt: Item[CLAIM.at] as string }),
    };
  }

  async recordWorkflowStarted(orderId: string, token: string, executionArn: string): Promise<boolean> {
    const recorded = await this.conditionalUpdate({
      Key: { orderId },
      ConditionExpression: '#token = :token',
      UpdateExpression: 'SET #arn = :arn',
      ExpressionAttributeNames: { '#token': CLAIM.token, '#arn': CLAIM.executionArn },
      ExpressionAttributeValues: { ':token': token, ':arn': executionArn },
    });
    return recorded !== undefined;
  }

  async releaseWorkflowClaim(orderId: string, token: string): Promise<void> {
    // Refused when someone else holds it now (ours went stale): theirs stays.
    await this.conditionalUpdate({
      Key: { orderId },
      ConditionExpression: '#token = :token',
      UpdateExpression: 'REMOVE #token, #at',
      ExpressionAttributeNames: { '#token': CLAIM.token, '#at': CLAIM.at },
      ExpressionAttributeValues: { ':token': token },
    });
  }

  /**
   * One UpdateItem on this table whose condition decides the outcome: its output, or `undefined`
   * when the condition refused the write (any other error is thrown).
   */
  private async conditionalUpdate(input: Omit<UpdateCommandInput, 'TableName'>): Promise<UpdateCommandOutput | undefined> {
    try {
      return await this.client.send(new UpdateCommand({ TableName: this.tableName, ...input }));
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }
}

/** Attributes of the workflow-start claim on an order item (see {@link WorkflowClaim}). */
const CLAIM = { token: 'workflowClaim', at: 'workflowClaimedAt', executionArn: 'executionArn' } as const;

/** DynamoDB rejects `undefined` attribute values; optional fields are simply left out. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
