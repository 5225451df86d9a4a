/** Seeded workloads, bounded concurrency and a stock poller for the reliability scenarios. */
import type { OrderRequest } from '@order-flow/contracts';
import type { LocalOrderStack } from '../../../src/local/stack.js';

/** A random element of `items`, drawn from `random`. */
export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** A random integer in `[min, max]`. */
export function between(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results keep the input order. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** A fresh run id: scenarios sharing a stack never share SKUs or orderIds. */
export function runId(): string {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/** An order over the given lines. */
export function orderOf(orderId: string, items: OrderRequest['items'], token = 'tok_visa'): OrderRequest {
  return { orderId, customerId: 'cus_reliability', items, payment: { token }, currency: 'USD' };
}

/**
 * The kinds of order the duplicate-delivery scenarios mix, by name: how many units of the
 * scenario's SKU, and the payment token (it picks the simulated gateway's answer).
 */
export const ORDER_KINDS = {
  ok: { quantity: 2, token: 'tok_visa' },
  mc: { quantity: 1, token: 'tok_mastercard' },
  flaky: { quantity: 1, token: 'tok_gatewayFlaky' },
  declined: { quantity: 1, token: 'tok_chargeDeclined' },
  down: { quantity: 1, token: 'tok_gatewayDown' },
  // More than any scenario stocks: OUT_OF_STOCK.
  short: { quantity: 9, token: 'tok_visa' },
} as const;

/** One order per kind named in `kinds`, in that order, all over `sku`: orderId `ord_<prefix>_<kind>_<run>`. */
export function ordersOf(prefix: string, run: string, sku: string, kinds: readonly (keyof typeof ORDER_KINDS)[]): OrderRequest[] {
  return kinds.map((kind) => orderOf(`ord_${prefix}_${kind}_${run}`, [{ sku, quantity: ORDER_KINDS[kind].quantity }], ORDER_KINDS[kind].token));
}

/**
 * Polls the stock of `skus` every `everyMs` until stopped (bounded by `maxMs`) and keeps the
 * lowest value seen: "stock never negative at any observed moment".
 */
export function pollStock(stack: LocalOrderStack, skus: readonly string[], everyMs = 10, maxMs = 120_000): { stop(): Promise<{ minimum: number; samples: number }> } {
  let running = true;
  let minimum = Number.POSITIVE_INFINITY;
  let samples = 0;
  const deadline = Date.now() + maxMs;
  const loop = (async () => {
    while (running && Date.now() < deadline) {
      for (const sku of skus) {
        const value = await stack.stock(sku);
        if (value !== undefined) minimum = Math.min(minimum, value);
      }
      samples++;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { minimum, samples };
    },
  };
}
