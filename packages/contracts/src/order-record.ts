import * as z from './zod.js';
import { IdSchema } from './ids.js';
import { CurrencySchema, OrderItemsSchema, PaymentTokenSchema, PricedLineSchema } from './order.js';
import { FailureReason, OrderStatus } from './status.js';

/*
 * The order record: written by the order-status step, read by the Order API, the workflow and the
 * reconciler, so it is part of the shared contract. Each step's own events and answers live in
 * that step (e.g. `@order-flow/inventory`'s `src/contract.ts`).
 */

export const HistoryEntrySchema = z.object({
  status: z.enum(OrderStatus),
  at: z.string(),
  causedBy: z.string(),
  reason: z.optional(z.enum(FailureReason)),
  detail: z.optional(z.string()),
});
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;

/** The order record as stored by the order-status step and returned by every action. */
export const OrderRecordSchema = z.object({
  orderId: IdSchema,
  customerId: IdSchema,
  items: OrderItemsSchema,
  currency: CurrencySchema,
  /** The token only: card numbers never reach the table. */
  paymentToken: PaymentTokenSchema,
  status: z.enum(OrderStatus),
  reason: z.optional(z.enum(FailureReason)),
  lines: z.optional(z.array(PricedLineSchema)),
  total: z.optional(z.number().check(z.int())),
  paymentId: z.optional(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  history: z.array(HistoryEntrySchema),
});
export type OrderRecord = z.infer<typeof OrderRecordSchema>;
