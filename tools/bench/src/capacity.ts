/**
 * Counts DynamoDB capacity: a middleware that asks every request for ReturnConsumedCapacity
 * TOTAL and adds what comes back (DynamoDB Local reports it like DynamoDB does).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

const READS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand', 'TransactGetItemsCommand']);

/** Running totals of consumed capacity, by operation and table. */
export class CapacityTally {
  readUnits = 0;
  writeUnits = 0;
  requests = 0;
  readonly byOperation = new Map<string, { requests: number; readUnits: number; writeUnits: number }>();

  /** Adds one response's ConsumedCapacity (a single entry, or one per table for transactions). */
  add(commandName: string, consumed: unknown): void {
    this.requests++;
    const entry = this.byOperation.get(commandName) ?? { requests: 0, readUnits: 0, writeUnits: 0 };
    entry.requests++;
    for (const c of [consumed].flat()) {
      if (!c || typeof c !== 'object') continue;
      const { ReadCapacityUnits: r, WriteCapacityUnits: w, CapacityUnits: total } = c as Record<string, number | undefined>;
      let read = r ?? 0;
      let write = w ?? 0;
      // Some responses carry only the total: attribute it by the kind of operation.
      if (r === undefined && w === undefined && total !== undefined) {
        if (READS.has(commandName)) read = total;
        else write = total;
      }
      this.readUnits += read;
      this.writeUnits += write;
      entry.readUnits += read;
      entry.writeUnits += write;
    }
    this.byOperation.set(commandName, entry);
  }

  reset(): void {
    this.readUnits = 0;
    this.writeUnits = 0;
    this.requests = 0;
    this.byOperation.clear();
  }
}

/** Installs the counting middleware on a client (and so on any document client built from it). */
export function countCapacity(client: DynamoDBClient, tally: CapacityTally): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      input.ReturnConsumedCapacity ??= 'TOTAL';
      const result = await next(args);
      tally.add(context.commandName ?? 'unknown', (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity);
      return result;
    },
    { step: 'initialize', name: 'benchConsumedCapacity', override: true },
  );
}
