/**
 * The inventory step's own contract: the events its function takes (`reserve` / `release`, one
 * function dispatched on `action`) and what it answers. Private to the step: the workflow passes
 * these through as JSON, and only the priced lines (`PricedLine`, contracts) cross to other steps,
 * so a change here re-versions inventory alone.
 */
import { IdSchema, orderEventSchema, OrderItemsSchema, PricedLineSchema } from '@order-flow/contracts';
import * as z from '@order-flow/contracts/zod';

export const ReserveInputSchema = orderEventSchema('reserve', { items: OrderItemsSchema });
export type ReserveInput = z.infer<typeof ReserveInputSchema>;

export const ReleaseInputSchema = orderEventSchema('release');
export type ReleaseInput = z.infer<typeof ReleaseInputSchema>;

export const InventoryInputSchema = z.discriminatedUnion('action', [ReserveInputSchema, ReleaseInputSchema]);
export type InventoryInput = z.infer<typeof InventoryInputSchema>;

/** What `reserve` returns, and returns again unchanged for a repeat of the same orderId. */
export const ReservationSchema = z.object({
  orderId: IdSchema,
  lines: z.array(PricedLineSchema),
  total: z.number().check(z.int(), z.minimum(0)),
});
export type Reservation = z.infer<typeof ReservationSchema>;

export const ReleaseResultSchema = z.object({
  orderId: IdSchema,
  /** True only for the call that put the stock back; a repeat (or nothing reserved) is false. */
  released: z.boolean(),
});
export type ReleaseResult = z.infer<typeof ReleaseResultSchema>;
