/**
 * The payment step's own contract: the events its function takes (`charge` / `refund`), its
 * answers, and the payment states and decline codes only this step uses. Private to the step
 * (the workflow passes these through as JSON), so a change here re-versions payment alone; what
 * other steps and clients share (currency, token and card-data rules, error names) stays in
 * `@order-flow/contracts`.
 */
import { CurrencySchema, enumOf, IdSchema, orderEventSchema, PaymentTokenSchema, type EnumValue } from '@order-flow/contracts';
import * as z from '@order-flow/contracts/zod';

/** Decline codes of the payment gateway. */
export const DeclineCode = enumOf('card_declined', 'insufficient_funds', 'invalid_token');
export type DeclineCode = EnumValue<typeof DeclineCode>;

export const ChargeInputSchema = orderEventSchema('charge', {
  amount: z.number().check(z.int('must be a whole number of minor units'), z.minimum(1, 'must be at least 1')),
  currency: CurrencySchema,
  token: PaymentTokenSchema,
});
export type ChargeInput = z.infer<typeof ChargeInputSchema>;

export const RefundInputSchema = orderEventSchema('refund');
export type RefundInput = z.infer<typeof RefundInputSchema>;

export const PaymentInputSchema = z.discriminatedUnion('action', [ChargeInputSchema, RefundInputSchema]);
export type PaymentInput = z.infer<typeof PaymentInputSchema>;

/**
 * A payment's state. PENDING -> CAPTURED | DECLINED | VOIDED; CAPTURED -> REFUNDED; VOIDED ->
 * REFUNDED (when a capture landed before the void took effect and was refunded). VOIDED is also
 * the tombstone a refund leaves on an order never charged: a charge that arrives afterwards is
 * refused (`PaymentVoided`) and captures nothing.
 */
export const PaymentStatus = enumOf('PENDING', 'CAPTURED', 'DECLINED', 'REFUNDED', 'VOIDED');
export type PaymentStatus = EnumValue<typeof PaymentStatus>;

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
