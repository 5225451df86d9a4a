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

/**
 * The stored statuses an existing order may move to `to` from, as the service passes them to
 * `OrderStore.transition`: the store turns them into the write's condition, so the table
 * itself refuses an illegal change, however two writers interleave.
 * @throws Error when no existing order may move to `to` (e.g. PENDING: only a create makes one)
 */
export function legalSources(to: OrderStatus): readonly [OrderStatus, ...OrderStatus[]] {
  const sources = LEGAL_TRANSITIONS.flatMap(([from, legalTo]) => (legalTo === to && from !== undefined ? [from] : []));
  if (sources.length === 0) throw new Error(`no existing order may move to ${to}: see LEGAL_TRANSITIONS`);
  return sources as [OrderStatus, ...OrderStatus[]];
}
