import { OrderStatus } from '@order-flow/contracts';

/**
 * Every legal status change. `undefined` stands for "no order yet". Anything not listed here is
 * illegal; repeats of a change already made are handled by the service as no-ops, never as
 * second transitions, so they are not listed either.
 */
export const LEGAL_TRANSITIONS: ReadonlyArray<readonly [from: OrderStatus | undefined, to: OrderStatus]> = [
  [undefined, OrderStatus.PENDING],
  [OrderStatus.PENDING, OrderStatus.CONFIRMED],
  [OrderStatus.PENDING, OrderStatus.FAILED],
];

/** Whether an order in `from` (or no order, `undefined`) may move to `to`. */
export function isLegalTransition(from: OrderStatus | undefined, to: OrderStatus): boolean {
  return LEGAL_TRANSITIONS.some(([legalFrom, legalTo]) => legalFrom === from && legalTo === to);
}
