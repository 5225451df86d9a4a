import { createHash } from 'node:crypto';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeclineCode } from '@order-flow/contracts';
import {
  PaymentDeclined,
  PaymentGatewayUnavailable,
  PaymentIdempotencyConflict,
  conflictMessage,
} from '../domain/errors.js';
import type { Clock, GatewayCharge, GatewayChargeRequest, GatewayRefundRequest, PaymentGateway } from '../ports.js';
import { systemClock } from '../ports.js';
import { isConditionFailure } from './dynamodb-payment-store.js';

/** Partition key of the simulated gateway's ledger entry for an idempotency key. */
export const gatewayKey = (idempotencyKey: string): string => `GATEWAY#${idempotencyKey}`;

/** How many charge attempts per key `tok_gatewayFlaky` fails before it approves. */
export const FLAKY_FAILURES = 2;

type Behaviour = { kind: 'approve' } | { kind: 'decline'; code: DeclineCode } | { kind: 'flaky' } | { kind: 'down' };

/** The deterministic test tokens; any other token declines as `invalid_token`. */
const BEHAVIOURS: Readonly<Record<string, Behaviour>> = {
  tok_visa: { kind: 'approve' },
  tok_mastercard: { kind: 'approve' },
  tok_chargeDeclined: { kind: 'decline', code: DeclineCode.card_declined },
  tok_chargeDeclinedInsufficientFunds: { kind: 'decline', code: DeclineCode.insufficient_funds },
  tok_gatewayFlaky: { kind: 'flaky' },
  tok_gatewayDown: { kind: 'down' },
};

/** Ledger statuses; `pending` = attempts seen, no outcome yet. */
type LedgerStatus = 'pending' | GatewayCharge['status'];

interface LedgerEntry {
  readonly idempotencyKey: string;
  readonly amount: number;
  readonly currency: string;
  readonly token: string;
  readonly status: LedgerStatus;
  readonly attempts: number;
  readonly chargeId?: string;
  readonly declineCode?: DeclineCode;
  readonly refundId?: string;
}

/**
 * A deterministic stand-in for a card gateway, for local runs, demos and tests. It models a
 * REMOTE ledger: its state lives in DynamoDB (items `pk = 'GATEWAY#<key>'`, in the step's own
 * table so the step keeps a single table), so it survives retries and cold starts exactly as a
 * real gateway's would. A real gateway keeps its own ledger; replace this class by implementing
 * {@link PaymentGateway}.
 *
 * Test tokens: `tok_visa`, `tok_mastercard` approve; `tok_chargeDeclined` declines
 * `card_declined`; `tok_chargeDeclinedInsufficientFunds` declines `insufficient_funds`;
 * `tok_gatewayFlaky` fails transiently on the first two attempts per key, then approves;
 * `tok_gatewayDown` always fails transiently; any other token declines `invalid_token`.
 */
export class SimulatedGateway implements PaymentGateway {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock = systemClock,
  ) {}

  async charge(request: GatewayChargeRequest): Promise<{ chargeId: string }> {
    const settled = await this.read(request.idempotencyKey);
    if (settled) {
      assertSameCharge(settled, request);
      // A repeat of a settled key answers as before and moves no money.
      if (settled.status === 'declined') throw new PaymentDeclined(settled.declineCode ?? DeclineCode.card_declined);
      if (settled.status !== 'pending' && settled.chargeId) return { chargeId: settled.chargeId };
    }

    const entry = await this.recordAttempt(request);
    // The first request under a key defines the charge, as with a real gateway's idempotency.
    const behaviour = BEHAVIOURS[entry.token] ?? { kind: 'decline', code: DeclineCode.invalid_token };
    switch (behaviour.kind) {
      case 'down':
        throw new PaymentGatewayUnavailable('Simulated gateway is down (tok_gatewayDown)');
      case 'flaky':
        if (entry.attempts <= FLAKY_FAILURES) {
          throw new PaymentGatewayUnavailable(
            `Simulated gateway failed transiently (tok_gatewayFlaky, attempt ${entry.attempts} of ${FLAKY_FAILURES} failing)`,
          );
        }
        return this.approve(request.idempotencyKey);
      case 'decline':
        await this.settle(request.idempotencyKey, 'declined', { declineCode: behaviour.code });
        throw new PaymentDeclined(behaviour.code);
      case 'approve':
        return this.approve(request.idempotencyKey);
    }
  }

  async refund(request: GatewayRefundRequest): Promise<{ refundId: string }> {
    const entry = await this.read(request.idempotencyKey);
    if (!entry || entry.chargeId !== request.chargeId || (entry.status !== 'approved' && entry.status !== 'refunded')) {
      throw new Error(`Simulated gateway has no approved charge ${request.chargeId} under key ${request.idempotencyKey}`);
    }
    if (request.amount !== entry.amount) {
      throw new Error(`Simulated gateway refunds in full only: charge ${entry.chargeId} was ${entry.amount}, asked ${request.amount}`);
    }
    if (entry.status === 'refunded' && entry.refundId) return { refundId: entry.refundId };
    const refundId = deterministicId('re', request.idempotencyKey);
    await this.settle(request.idempotencyKey, 'refunded', { refundId }, ['approved', 'refunded']);
    return { refundId };
  }

  async lookup(idempotencyKey: string): Promise<GatewayCharge | undefined> {
    const entry = await this.read(idempotencyKey);
    if (!entry || entry.status === 'pending') return undefined;
    return {
      idempotencyKey,
      status: entry.status,
      amount: entry.amount,
      currency: entry.currency,
      ...(entry.chargeId && { chargeId: entry.chargeId }),
      ...(entry.declineCode && { declineCode: entry.declineCode }),
      ...(entry.refundId && { refundId: entry.refundId }),
    };
  }

  /**
   * Counts the attempt atomically (`ADD attempts :one`) and creates the entry on first use. The
   * condition rejects a different amount or currency under the same key.
   */
  private async recordAttempt(request: GatewayChargeRequest): Promise<LedgerEntry> {
    const now = this.clock.now().toISOString();
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: gatewayKey(request.idempotencyKey) },
          // Every name goes through a placeholder: `token` and friends are DynamoDB reserved words.
          UpdateExpression:
            'ADD #attempts :one SET #key = :key, #amount = if_not_exists(#amount, :amount), ' +
            '#currency = if_not_exists(#currency, :currency), #token = if_not_exists(#token, :token), ' +
            '#status = if_not_exists(#status, :pending), #createdAt = if_not_exists(#createdAt, :now), #updatedAt = :now',
          ConditionExpression: 'attribute_not_exists(pk) OR (#amount = :amount AND #currency = :currency)',
          ExpressionAttributeNames: {
            '#attempts': 'attempts',
            '#key': 'idempotencyKey',
            '#amount': 'amount',
            '#currency': 'currency',
            '#token': 'token',
            '#status': 'status',
            '#createdAt': 'createdAt',
            '#updatedAt': 'updatedAt',
          },
          ExpressionAttributeValues: {
            ':one': 1,
            ':key': request.idempotencyKey,
            ':amount': request.amount,
            ':currency': request.currency,
            ':token': request.token,
            ':pending': 'pending',
            ':now': now,
          },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Attributes as LedgerEntry;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const existing = await this.read(request.idempotencyKey);
      throw new PaymentIdempotencyConflict(
        conflictMessage(request.idempotencyKey, existing ?? { amount: Number.NaN, currency: '?' }, request),
      );
    }
  }

  private async approve(idempotencyKey: string): Promise<{ chargeId: string }> {
    // Derived from the key, so two racing attempts settle on the same chargeId.
    const chargeId = deterministicId('ch', idempotencyKey);
    await this.settle(idempotencyKey, 'approved', { chargeId });
    return { chargeId };
  }

  private async settle(
    idempotencyKey: string,
    status: GatewayCharge['status'],
    fields: Partial<Pick<LedgerEntry, 'chargeId' | 'declineCode' | 'refundId'>>,
    from: LedgerStatus[] = ['pending', status],
  ): Promise<void> {
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = { ':status': status, ':now': this.clock.now().toISOString() };
    const sets = ['#status = :status', '#updatedAt = :now'];
    names['#updatedAt'] = 'updatedAt';
    for (const [field, value] of Object.entries(fields)) {
      sets.push(`#${field} = :${field}`);
      names[`#${field}`] = field;
      values[`:${field}`] = value;
    }
    from.forEach((allowed, index) => (values[`:from${index}`] = allowed));
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: gatewayKey(idempotencyKey) },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: `#status IN (${from.map((_, index) => `:from${index}`).join(', ')})`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      throw new Error(`Simulated gateway ledger entry ${idempotencyKey} cannot move to ${status}`, { cause: error });
    }
  }

  private async read(idempotencyKey: string): Promise<LedgerEntry | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: gatewayKey(idempotencyKey) }, ConsistentRead: true }),
    );
    return Item as LedgerEntry | undefined;
  }
}

function assertSameCharge(entry: LedgerEntry, request: GatewayChargeRequest): void {
  if (entry.amount !== request.amount || entry.currency !== request.currency) {
    throw new PaymentIdempotencyConflict(conflictMessage(request.idempotencyKey, entry, request));
  }
}

function deterministicId(prefix: string, idempotencyKey: string): string {
  return `${prefix}_sim_${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 24)}`;
}
