import type { OrderRecord, OrderStatus } from '@order-flow/contracts';
import type { OrderStore, PutIfAbsentResult, StatusChange } from '../../src/ports.js';

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

  transition(orderId: string, from: OrderStatus, change: StatusChange): Promise<OrderRecord | undefined> {
    const current = this.records.get(orderId);
    if (!current || current.status !== from) return Promise.resolve(undefined);
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
}

/** A clock that returns the given instants in turn (the last one repeats). */
export function steppingClock(...isoTimes: string[]): { now(): Date } {
  let index = 0;
  return { now: () => new Date(isoTimes[Math.min(index++, isoTimes.length - 1)]!) };
}
