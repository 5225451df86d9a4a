import * as z from './zod.js';
import { IdSchema } from './ids.js';
import { CurrencySchema, OrderItemsSchema, PaymentTokenSchema, PricedLineSchema } from './order.js';
import { FailureReason, OrderStatus } from './status.js';

/*
 * Each step's Lambda takes one event with an `action` discriminator, so a step ships one
 * function (one cold start, one set of grants) that the workflow calls with different Task states.
 */

// ---- inventory -------------------------------------------------------------------------------
export const ReserveInputSchema = z.strictObject({
  action: z.literal('reserve'),
  orderId: IdSchema,
  items: OrderItemsSchema,
});
export type ReserveInput = z.infer<typeof ReserveInputSchema>;

export const ReleaseInputSchema = z.strictObject({ action: z.literal('release'), orderId: IdSchema });
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

// ---- payment ---------------------------------------------------------------------------------
export const ChargeInputSchema = z.strictObject({
  action: z.literal('charge'),
  orderId: IdSchema,
  amount: z.number().check(z.int('must be a whole number of minor units'), z.minimum(1, 'must be at least 1')),
  currency: CurrencySchema,
  token: PaymentTokenSchema,
});
export type ChargeInput = z.infer<typeof ChargeInputSchema>;

export const RefundInputSchema = z.strictObject({ action: z.literal('refund'), orderId: IdSchema });
export type RefundInput = z.infer<typeof RefundInputSchema>;

export const PaymentInputSchema = z.discriminatedUnion('action', [ChargeInputSchema, RefundInputSchema]);
export type PaymentInput = z.infer<typeof PaymentInputSchema>;

/**
 * A payment's state. PENDING -> CAPTURED | DECLINED | VOIDED; CAPTURED -> REFUNDED; VOIDED ->
 * REFUNDED (when a capture landed before the void took effect and was refunded). VOIDED is also
 * the tombstone a refund leaves on an order never charged: a charge that arrives afterwards is
 * refused (`PaymentVoided`) and captures nothing.
 */
export const PaymentStatus = {
  PENDING: 'PENDING',
  CAPTURED: 'CAPTURED',
  DECLINED: 'DECLINED',
  REFUNDED: 'REFUNDED',
  VOIDED: 'VOIDED',
} as const;
export type PaymentStatus = (typeof PaymentStatus)[keyof typeof PaymentStatus];

export const ChargeResultSchema = z.object({
  orderId: IdSchema,
  paymentId: z.string(),
  amount: z.number().check(z.int()),
  currency: CurrencySchema,
  status: z.literal(PaymentStatus.CAPTURED),
});
export type ChargeResult = z.infer<typeof ChargeResultSchema>;

export const RefundResultSchema = z.object({
  orderId: IdSchema,
  /** True only for the call that refunded; a repeat (or nothing captured) is false. */
  refunded: z.boolean(),
  /**
   * `REFUNDED`: a capture was (or had been) refunded. `VOIDED`: nothing was captured and nothing
   * ever will be: a later charge of the order is refused. `NOTHING_TO_REFUND`: the charge was
   * declined.
   */
  status: z.enum(['REFUNDED', 'VOIDED', 'NOTHING_TO_REFUND']),
});
export type RefundResult = z.infer<typeof RefundResultSchema>;

// ---- order status ----------------------------------------------------------------------------
/** `order` is validated by the order-status domain itself (as InvalidOrder, not InvalidInput). */
export const CreateOrderInputSchema = z.strictObject({
  action: z.literal('create'),
  order: z.unknown(),
  /**
   * The execution's name (`$$.Execution.Name`): the orderId of an order submitted without one,
   * so a retried create finds the same order instead of generating a second id.
   */
  executionName: z.optional(z.string()),
});
export type CreateOrderInput = z.infer<typeof CreateOrderInputSchema>;

export const ConfirmOrderInputSchema = z.strictObject({
  action: z.literal('confirm'),
  orderId: IdSchema,
  lines: z.array(PricedLineSchema),
  total: z.number().check(z.int(), z.minimum(0)),
  paymentId: z.string().check(z.minLength(1)),
  causedBy: z.string().check(z.minLength(1), z.maxLength(80)),
});
export type ConfirmOrderInput = z.infer<typeof ConfirmOrderInputSchema>;

export const FailOrderInputSchema = z.strictObject({
  action: z.literal('fail'),
  orderId: IdSchema,
  reason: z.enum(FailureReason),
  causedBy: z.string().check(z.minLength(1), z.maxLength(80)),
  /** The Step Functions error that led here (`{ Error, Cause }`), kept in the history. */
  error: z.optional(z.object({ Error: z.optional(z.string()), Cause: z.optional(z.string()) })),
});
export type FailOrderInput = z.infer<typeof FailOrderInputSchema>;

export const OrderStatusInputSchema = z.discriminatedUnion('action', [
  CreateOrderInputSchema,
  ConfirmOrderInputSchema,
  FailOrderInputSchema,
]);
export type OrderStatusInput = z.infer<typeof OrderStatusInputSchema>;

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
