import { createHash, randomUUID } from 'node:crypto';
import { GetCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeclineCode } from '../contract.js';
import { isConditionalCheckFailed, systemClock } from '@order-flow/lambda-kit';
import {
  PaymentDeclined,
  PaymentGatewayUnavailable,
  PaymentIdempotencyConflict,
  PaymentVoided,
  conflictMessage,
} from '../domain/errors.js';
import type {
  Clock,
  Delay,
  GatewayCharge,
  GatewayChargeRequest,
  GatewayRefundRequest,
  GatewayVoidResult,
  PaymentGateway,
} from '../ports.js';
import { noDelay } from './no-delay.js';
import { formatOutageWindow, outageAt, type OutageWindow } from './outage-windows.js';

/** Partition key of the simulated gateway's entry for an idempotency key (its state machine). */
export const gatewayKey = (idempotencyKey: string): string => `GATEWAY#${idempotencyKey}`;
/** Partition key of one capture in the gateway's money ledger (one item per capture ever made). */
export const captureKey = (captureId: string): string => `CAPTURE#${captureId}`;
/** Partition key of one refund in the gateway's money ledger (one item per refund ever made). */
export const refundKey = (ledgerId: string): string => `REFUND#${ledgerId}`;

/** A `CAPTURE#` or `REFUND#` item: money the simulated gateway moved. */
export interface LedgerMovement {
  readonly pk: string;
  /** The charge's idempotency key (the orderId). */
  readonly idempotencyKey: string;
  readonly amount: number;
  readonly currency: string;
  readonly chargeId: string;
  /** Set on refunds. */
  readonly refundId?: string;
  /** ISO-8601. */
  readonly at: string;
}

/** How often a write that lost to a concurrent transaction on the same entry is tried again. */
const CONFLICT_ATTEMPTS = 8;

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

/** Entry statuses; `pending` = attempts seen, no outcome yet; `voided` = no charge ever. */
type LedgerStatus = 'pending' | 'voided' | GatewayCharge['status'];

interface LedgerEntry {
  readonly idempotencyKey: string;
  /** Absent on an entry voided before any charge was requested. */
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
 * REMOTE ledger: its state lives in DynamoDB (in the step's own table so the step keeps a single
 * table), so it survives retries and cold starts exactly as a real gateway's would:
 * - `GATEWAY#<key>`: the state of the charge under an idempotency key
 *   (pending -> approved | declined | voided; approved -> refunded), every move conditional;
 * - `CAPTURE#<captureId>` / `REFUND#<id>`: one item per capture / refund it ever made
 *   ({@link LedgerMovement}), written in the same transaction as the move to approved / refunded.
 *   Not keyed by the key, so a second capture for one order would show up as a second item.
 *
 * A real gateway keeps its own ledger; replace this class by implementing {@link PaymentGateway}.
 *
 * Test tokens: `tok_visa`, `tok_mastercard` approve; `tok_chargeDeclined` declines
 * `card_declined`; `tok_chargeDeclinedInsufficientFunds` declines `insufficient_funds`;
 * `tok_gatewayFlaky` fails transiently on the first two attempts per key, then approves;
 * `tok_gatewayDown` always fails transiently; any other token declines `invalid_token`.
 *
 * Outages: during one of its `outages` (read on `clock`), every call (charge, refund, lookup,
 * void) throws `PaymentGatewayUnavailable` before reading or writing anything, whatever the token.
 */
export class SimulatedGateway implements PaymentGateway {
  /**
   * @param delay awaited before each DynamoDB call (tests inject latency; none by default)
   * @param outages windows during which the gateway is unreachable (none by default; see
   *   `SIMULATED_GATEWAY_OUTAGES`)
   */
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock = systemClock,
    private readonly delay: Delay = noDelay,
    private readonly outages: readonly OutageWindow[] = [],
  ) {}

  async charge(request: GatewayChargeRequest): Promise<{ chargeId: string }> {
    this.assertReachable('charge');
    const settled = await this.read(request.idempotencyKey);
    if (settled) {
      if (settled.status === 'voided') throw new PaymentVoided(request.idempotencyKey, 'the gateway voided the key');
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
        return this.approve(request);
      case 'decline':
        await this.settle(request.idempotencyKey, 'declined', { declineCode: behaviour.code });
        throw new PaymentDeclined(behaviour.code);
      case 'approve':
        return this.approve(request);
    }
  }

  async refund(request: GatewayRefundRequest): Promise<{ refundId: string }> {
    this.assertReachable('refund');
    const key = request.idempotencyKey;
    for (let attempt = 1; ; attempt++) {
      const entry = await this.read(key);
      if (!entry || entry.chargeId !== request.chargeId || (entry.status !== 'approved' && entry.status !== 'refunded')) {
        throw new Error(`Simulated gateway has no approved charge ${request.chargeId} under key ${key}`);
      }
      if (request.amount !== entry.amount) {
        throw new Error(`Simulated gateway refunds in full only: charge ${entry.chargeId} was ${entry.amount}, asked ${request.amount}`);
      }
      if (entry.status === 'refunded' && entry.refundId) return { refundId: entry.refundId };
      const refundId = deterministicId('re', key);
      // approved -> refunded and the REFUND# item, at once: only one racing refund moves money.
      const moved = await this.transition(key, 'approved', { status: 'refunded', refundId }, {
        pk: refundKey(`rf_${randomUUID()}`),
        idempotencyKey: key,
        amount: entry.amount,
        currency: entry.currency,
        chargeId: request.chargeId,
        refundId,
        at: this.now(),
      });
      if (moved) return { refundId };
      // Lost to a concurrent refund (read its refundId next time) or a transaction conflict.
      if (attempt >= CONFLICT_ATTEMPTS) throw new PaymentGatewayUnavailable(`Simulated gateway could not refund ${key}: contention`);
    }
  }

  async lookup(idempotencyKey: string): Promise<GatewayCharge | undefined> {
    this.assertReachable('lookup');
    const entry = await this.read(idempotencyKey);
    if (!entry || entry.status === 'pending' || entry.status === 'voided') return undefined;
    return asCharge({ ...entry, status: entry.status });
  }

  async void(idempotencyKey: string): Promise<GatewayVoidResult> {
    this.assertReachable('void');
    const now = this.now();
    try {
      // Creates the entry when the key was never charged, so a later charge finds it voided.
      await this.write(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: gatewayKey(idempotencyKey) },
          UpdateExpression:
            'SET #status = :voided, #key = :key, #createdAt = if_not_exists(#createdAt, :now), #updatedAt = :now',
          // Not when already voided: a repeated void (a redelivered refund) writes nothing.
          ConditionExpression: 'attribute_not_exists(pk) OR #status = :pending',
          ExpressionAttributeNames: { '#status': 'status', '#key': 'idempotencyKey', '#createdAt': 'createdAt', '#updatedAt': 'updatedAt' },
          ExpressionAttributeValues: { ':voided': 'voided', ':pending': 'pending', ':key': idempotencyKey, ':now': now },
        }),
        'void',
      );
      return { idempotencyKey, status: 'voided' };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      // Voided already, or settled before the void: approved (the caller refunds), refunded or declined.
      const entry = await this.read(idempotencyKey);
      if (entry?.status === 'voided') return { idempotencyKey, status: 'voided' };
      if (!entry || entry.status === 'pending') {
        throw new Error(`Simulated gateway entry ${idempotencyKey} changed while voiding`, { cause: error });
      }
      return asCharge({ ...entry, status: entry.status });
    }
  }

  /**
   * Counts the attempt atomically (`ADD attempts :one`) and creates the entry on first use. The
   * condition rejects a different amount or currency under the same key.
   */
  private async recordAttempt(request: GatewayChargeRequest): Promise<LedgerEntry> {
    const now = this.now();
    try {
      const attributes = await this.write(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: gatewayKey(request.idempotencyKey) },
          // Every name goes through a placeholder: `token` and friends are DynamoDB reserved words.
          UpdateExpression:
            'ADD #attempts :one SET #key = :key, #amount = if_not_exists(#amount, :amount), ' +
            '#currency = if_not_exists(#currency, :currency), #token = if_not_exists(#token, :token), ' +
            '#status = if_not_exists(#status, :pending), #createdAt = if_not_exists(#createdAt, :now), #updatedAt = :now',
          ConditionExpression:
            'attribute_not_exists(pk) OR (#status <> :voided AND #amount = :amount AND #currency = :currency)',
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
            ':voided': 'voided',
            ':now': now,
          },
          ReturnValues: 'UPDATED_NEW',
        }),
        'attempt',
      );
      return attributes as unknown as LedgerEntry;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const existing = await this.read(request.idempotencyKey);
      if (existing?.status === 'voided') throw new PaymentVoided(request.idempotencyKey, 'the gateway voided the key');
      throw new PaymentIdempotencyConflict(
        conflictMessage(request.idempotencyKey, existing ?? { amount: Number.NaN, currency: '?' }, request),
      );
    }
  }

  /**
   * pending -> approved and the CAPTURE# item, in one transaction: of racing attempts under a key
   * only the one whose transition succeeds captures; the others return its chargeId and record
   * nothing. A void that got there first makes it throw PaymentVoided.
   */
  private async approve(request: GatewayChargeRequest): Promise<{ chargeId: string }> {
    const key = request.idempotencyKey;
    // Derived from the key, so every answer under the key names the same charge.
    const chargeId = deterministicId('ch', key);
    for (let attempt = 1; ; attempt++) {
      const captured = await this.transition(key, 'pending', { status: 'approved', chargeId }, {
        pk: captureKey(`cap_${randomUUID()}`),
        idempotencyKey: key,
        amount: request.amount,
        currency: request.currency,
        chargeId,
        at: this.now(),
      });
      if (captured) return { chargeId };
      const entry = await this.read(key);
      if (entry?.status === 'voided') throw new PaymentVoided(key, 'the gateway voided the key');
      if ((entry?.status === 'approved' || entry?.status === 'refunded') && entry.chargeId) return { chargeId: entry.chargeId };
      // Still pending: the transaction lost to a concurrent write on the entry; try again.
      if (entry?.status !== 'pending' || attempt >= CONFLICT_ATTEMPTS) {
        throw new PaymentGatewayUnavailable(`Simulated gateway could not settle ${key} (${String(entry?.status)})`);
      }
    }
  }

  /**
   * Moves the entry from `from` to `to.status` and puts the ledger movement, atomically.
   * @returns false when the transaction was cancelled (the entry was not in `from`, or a
   *   concurrent transaction conflicted): the caller reads the entry to tell which.
   */
  private async transition(
    key: string,
    from: LedgerStatus,
    to: { status: LedgerStatus; chargeId?: string; refundId?: string },
    movement: LedgerMovement,
  ): Promise<boolean> {
    const sets = Object.keys(to).map((field) => `#${field} = :${field}`);
    try {
      await this.write(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: { pk: gatewayKey(key) },
                UpdateExpression: `SET ${[...sets, '#updatedAt = :at'].join(', ')}`,
                ConditionExpression: '#status = :from',
                ExpressionAttributeNames: Object.fromEntries(['updatedAt', ...Object.keys(to)].map((f) => [`#${f}`, f])),
                ExpressionAttributeValues: {
                  ...Object.fromEntries(Object.entries(to).map(([f, v]) => [`:${f}`, v])),
                  ':from': from,
                  ':at': movement.at,
                },
              },
            },
            { Put: { TableName: this.tableName, Item: movement, ConditionExpression: 'attribute_not_exists(pk)' } },
          ],
        }),
        `${to.status}`,
      );
      return true;
    } catch (error) {
      if (error instanceof Error && error.name === 'TransactionCanceledException') return false;
      throw error;
    }
  }

  private async settle(
    idempotencyKey: string,
    status: GatewayCharge['status'],
    fields: Partial<Pick<LedgerEntry, 'chargeId' | 'declineCode' | 'refundId'>>,
    from: LedgerStatus[] = ['pending', status],
  ): Promise<void> {
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = { ':status': status, ':now': this.now() };
    const sets = ['#status = :status', '#updatedAt = :now'];
    names['#updatedAt'] = 'updatedAt';
    for (const [field, value] of Object.entries(fields)) {
      sets.push(`#${field} = :${field}`);
      names[`#${field}`] = field;
      values[`:${field}`] = value;
    }
    from.forEach((allowed, index) => (values[`:from${index}`] = allowed));
    try {
      await this.write(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: gatewayKey(idempotencyKey) },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: `#status IN (${from.map((_, index) => `:from${index}`).join(', ')})`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
        status,
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      if ((await this.read(idempotencyKey))?.status === 'voided') throw new PaymentVoided(idempotencyKey, 'the gateway voided the key');
      throw new Error(`Simulated gateway ledger entry ${idempotencyKey} cannot move to ${status}`, { cause: error });
    }
  }

  private async read(idempotencyKey: string): Promise<LedgerEntry | undefined> {
    await this.delay('gateway.read');
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: gatewayKey(idempotencyKey) }, ConsistentRead: true }),
    );
    return Item as LedgerEntry | undefined;
  }

  /**
   * Sends a write after the injected delay, again when it lost to a concurrent transaction on
   * the same item (`TransactionConflictException`, which DynamoDB does not retry itself).
   */
  private async write(command: UpdateCommand | TransactWriteCommand, point: string): Promise<Record<string, unknown> | undefined> {
    for (let attempt = 1; ; attempt++) {
      await this.delay(`gateway.${point}`);
      try {
        // The union is split so each call resolves to its own overload of `send`.
        if (command instanceof UpdateCommand) return (await this.client.send(command)).Attributes;
        await this.client.send(command);
        return undefined;
      } catch (error) {
        if (!(error instanceof Error && error.name === 'TransactionConflictException') || attempt >= CONFLICT_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, attempt * 5));
      }
    }
  }

  private now(): string {
    return this.clock.now().toISOString();
  }

  /** Throws during an outage, before the call touches anything: a real outage refuses the request itself. */
  private assertReachable(call: 'charge' | 'refund' | 'lookup' | 'void'): void {
    if (this.outages.length === 0) return;
    const outage = outageAt(this.outages, this.clock.now());
    if (outage) throw new PaymentGatewayUnavailable(`Simulated gateway is unavailable (outage ${formatOutageWindow(outage)}): ${call} refused`);
  }
}

function asCharge(entry: LedgerEntry & { status: GatewayCharge['status'] }): GatewayCharge {
  return {
    idempotencyKey: entry.idempotencyKey,
    status: entry.status,
    amount: entry.amount,
    currency: entry.currency,
    ...(entry.chargeId && { chargeId: entry.chargeId }),
    ...(entry.declineCode && { declineCode: entry.declineCode }),
    ...(entry.refundId && { refundId: entry.refundId }),
  };
}

function assertSameCharge(entry: LedgerEntry, request: GatewayChargeRequest): void {
  if (entry.amount !== request.amount || entry.currency !== request.currency) {
    throw new PaymentIdempotencyConflict(conflictMessage(request.idempotencyKey, entry, request));
  }
}

function deterministicId(prefix: string, idempotencyKey: string): string {
  return `${prefix}_sim_${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 24)}`;
}
