/**
 * Concurrent delivery for the duplicate scenarios: step events handed to the runtime's Lambda
 * invoke all at once (so they run in separate execution environments, as Lambda would deliver a
 * duplicated event), and what the tables hold for one order afterwards.
 */
import type { LocalOrderStack } from '../../../src/local/stack.js';

/** What one delivery answered, as its caller (a Task state) sees it. */
export type Answer =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly errorType: string; readonly errorMessage: string };

/** The answers of events delivered at the same moment, in the order they were given. */
export interface Batch {
  readonly answers: readonly Answer[];
  /** Distinct execution environments (Lambda log streams) that served the batch. */
  readonly environments: number;
}

/**
 * Invokes `functionName` once per event, all in the same tick (`Promise.all`): the runtime gives
 * each invocation its own execution environment while the function's pool has room, so the
 * events really run side by side. Function errors are answers, not exceptions.
 */
export async function deliverAtOnce(stack: LocalOrderStack, functionName: string, events: readonly unknown[]): Promise<Batch> {
  const outcomes = await Promise.all(events.map((event) => stack.runtime.invokeOutcome(functionName, event)));
  const streams = new Set(outcomes.map((outcome) => outcome.report?.logStreamName).filter((stream) => stream !== undefined));
  return {
    answers: outcomes.map((outcome) =>
      outcome.ok ? { ok: true, result: outcome.result } : { ok: false, errorType: outcome.error.errorType, errorMessage: outcome.error.errorMessage },
    ),
    environments: streams.size,
  };
}

/** The same event delivered `times` times at the same moment. */
export function deliverTimes(stack: LocalOrderStack, functionName: string, event: unknown, times: number): Promise<Batch> {
  return deliverAtOnce(stack, functionName, Array.from({ length: times }, () => event));
}

/** The effects one order left in the three tables. */
export interface OrderEffects {
  /** Captures and refunds in the gateway's own ledger (`CAPTURE#` / `REFUND#` items). */
  readonly captures: number;
  readonly refunds: number;
  /** The payment step's record status (`CAPTURED`, `REFUNDED`, `VOIDED`, ...), if any. */
  readonly payment: string | undefined;
  /** The reservation's status (`RESERVED`, `RELEASED`), if any. */
  readonly reservation: string | undefined;
  readonly status: string | undefined;
  /** History entries of the order record: one per status it took. */
  readonly history: number;
}

/** Reads {@link OrderEffects} for `orderId` from the tables (the ledger by scan: it is not keyed by order). */
export async function effectsOf(stack: LocalOrderStack, orderId: string): Promise<OrderEffects> {
  const [payments, payment, reservation, order] = await Promise.all([stack.scan('payment'), stack.payment(orderId), stack.reservation(orderId), stack.order(orderId)]);
  const ledger = payments.filter((item) => item.idempotencyKey === orderId);
  const count = (prefix: string) => ledger.filter((item) => String(item.pk).startsWith(prefix)).length;
  return {
    captures: count('CAPTURE#'),
    refunds: count('REFUND#'),
    payment: payment?.status as string | undefined,
    reservation: reservation?.status as string | undefined,
    status: order?.status,
    history: order?.history.length ?? 0,
  };
}
