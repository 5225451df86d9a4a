import type { HistoryEvent } from './history.js';

/** `billingDetails` of StartSyncExecution ("StartSyncExecution" > Response Syntax, "BillingDetails"). */
export interface BillingDetails {
  /** Billed memory, in 64 MB increments. */
  readonly billedMemoryUsedInMB: number;
  /** Billed duration, rounded up to the next 100 ms. */
  readonly billedDurationInMilliseconds: number;
}

const MB = 1_000_000;
/** "Workflow memory utilized = 50 MB + ..." (AWS Step Functions Pricing, Express Workflows). */
const BASE_MEMORY_BYTES = 50 * MB;
const MEMORY_INCREMENT_MB = 64;
const DURATION_INCREMENT_MS = 100;

/**
 * What an Express execution is billed, as AWS Step Functions Pricing ("Express Workflows")
 * defines it: the duration from start to end rounded up to the next 100 ms, and the memory the
 * workflow used, billed in 64 MB chunks. AWS does not publish how it measures that memory; its
 * pricing page gives the estimate this computes, from the execution itself:
 *
 * `50 MB + state machine definition size + execution data size × number of Parallel or Map steps`
 *
 * with the definition's JSON text as the definition size, the largest input, output or
 * parameters text of the execution's history as the execution data size, and each Map
 * iteration and Parallel branch that ran as a step. A workflow without Map or Parallel (the
 * order workflow) is 50 MB plus its definition: 64 MB, as AWS reports it for such workflows.
 * Sizes are counted as the pricing page's example does (1 MB = 1,000,000 bytes here).
 */
export function expressBilling(definitionText: string, history: readonly HistoryEvent[], startDate: Date, stopDate: Date): BillingDetails {
  const usedBytes = BASE_MEMORY_BYTES + Buffer.byteLength(definitionText, 'utf8') + largestPayloadBytes(history) * mapOrParallelSteps(history);
  const durationMs = stopDate.getTime() - startDate.getTime();
  return {
    billedMemoryUsedInMB: Math.ceil(usedBytes / (MEMORY_INCREMENT_MB * MB)) * MEMORY_INCREMENT_MB,
    billedDurationInMilliseconds: Math.max(DURATION_INCREMENT_MS, Math.ceil(durationMs / DURATION_INCREMENT_MS) * DURATION_INCREMENT_MS),
  };
}

/** The largest state data of the history (input, output or task parameters), in UTF-8 bytes. */
function largestPayloadBytes(history: readonly HistoryEvent[]): number {
  let largest = 0;
  for (const event of history) {
    for (const [key, details] of Object.entries(event)) {
      if (!key.endsWith('EventDetails') || typeof details !== 'object' || details === null) continue;
      for (const field of ['input', 'output', 'parameters'] as const) {
        const text = (details as Record<string, unknown>)[field];
        if (typeof text === 'string') largest = Math.max(largest, Buffer.byteLength(text, 'utf8'));
      }
    }
  }
  return largest;
}

/**
 * Map iterations and Parallel branches that ran: one `MapIterationStarted` per iteration; a
 * branch's first event links (`previousEventId`) to its `ParallelStateStarted`.
 */
function mapOrParallelSteps(history: readonly HistoryEvent[]): number {
  const parallelStarts = new Set<number>();
  let steps = 0;
  for (const event of history) {
    if (event.type === 'MapIterationStarted') steps++;
    else if (event.type === 'ParallelStateStarted') parallelStarts.add(event.id);
    else if (parallelStarts.has(event.previousEventId) && event.type.endsWith('StateEntered')) steps++;
  }
  return steps;
}
