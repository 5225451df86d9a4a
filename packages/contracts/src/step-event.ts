import { IdSchema } from './ids.js';
import * as z from './zod.js';

/**
 * The schema of a step event about an order: `{ action, orderId, ...fields }`, strict (an unknown
 * key is an error). Every step has one function dispatched on `action`, and all but the event that
 * creates the order name it by `orderId`; a step's own contract builds its events with this and
 * joins them with `z.discriminatedUnion('action', [...])`.
 *
 * @param action the event's `action` literal, e.g. `reserve`
 * @param fields the event's other fields, after `action` and `orderId` @default - none
 * @example
 * export const ReleaseInputSchema = orderEventSchema('release');
 * export const ReserveInputSchema = orderEventSchema('reserve', { items: OrderItemsSchema });
 */
export function orderEventSchema<const A extends string, const F extends z.core.$ZodLooseShape = Record<never, never>>(action: A, fields?: F) {
  return z.strictObject({ action: z.literal(action), orderId: IdSchema, ...(fields as F) });
}
