import type { OrderRecord, OrderStatus } from '@order-flow/contracts';
import type { ClaimResult, OrderStore, PutIfAbsentResult, StatusChange, WorkflowClaim } from '../../src/ports.js';

/** OrderStore with the same conditional semantics as the DynamoDB adapter, for domain tests. */
export class InMemoryOrderStore implements OrderStore {
  readonly records = new Map<string, OrderRecord>();
  writes = 0;

  putIfAbsent(record: OrderRecord): Promise<PutIfAbsentResult> {
    const existing = this.records.get(record.orderId);
    if (existing) return Promise.resolve({ created: false, existing: structuredClone(existing) });
    this.writes++;
    this.records.set(record.orderId, structuredClone(record));
    return Promise.resolve({ created: true });
  }

  transition(orderId: string, from: readonly OrderStatus[], change: StatusChange): Promise<OrderRecord | undefined> {
    const current = this.records.get(orderId);
    if (!current || !from.includes(current.status)) return Promise.resolve(undefined);
    this.writes++;
    const { entry, ...fields } = change;
    const next: OrderRecord = structuredClone({
      ...current,
      ...(Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<OrderRecord>),
      history: [...current.history, entry],
    });
    this.records.set(orderId, next);
    return Promise.resolve(structuredClone(next));
  }

  get(orderId: string): Promise<OrderRecord | undefined> {
    const record = this.records.get(orderId);
    return Promise.resolve(record && structuredClone(record));
  }

  /** Workflow-start claims and started executions, by orderId (the DynamoDB adapter keeps them on the item). */
  readonly claims = new Map<string, WorkflowClaim & { executionArn?: string }>();

  claimWorkflowStart(orderId: string, claim: WorkflowClaim, staleBefore: string): Promise<ClaimResult> {
    const status = this.records.get(orderId)?.status;
    const held = this.claims.get(orderId);
    if (status === 'PENDING' && !held?.executionArn && (!held || held.at < staleBefore)) {
      this.writes++;
      this.claims.set(orderId, { ...claim });
      return Promise.resolve({ claimed: true });
    }
    return Promise.resolve({ claimed: false, status, ...(held?.executionArn && { executionArn: held.executionArn }), ...(held && { claimedAt: held.at }) });
  }

  recordWorkflowStarted(orderId: string, token: string, executionArn: string): Promise<boolean> {
    const held = this.claims.get(orderId);
    if (held?.token !== token) return Promise.resolve(false);
    this.writes++;
    this.claims.set(orderId, { ...held, executionArn });
    return Promise.resolve(true);
  }

  releaseWorkflowClaim(orderId: string, token: string): Promise<void> {
    if (this.claims.get(orderId)?.token === token) this.claims.delete(orderId);
    return Promise.resolve();
  }
}

/** A clock that returns the given instants in turn (the last one repeats). */
export function steppingClock(...isoTimes: string[]): { now(): Date } {
  let index = 0;
  return { now: () => new Date(isoTimes[Math.min(index++, isoTimes.length - 1)]!) };
}
