/**
 * The order-status step's own contract: the events its function takes (`create` / `confirm` /
 * `fail`, one function dispatched on `action`). Private to the step; the order record it answers
 * with (`OrderRecordSchema`) is read by the Order API and the workflow, so it stays in
 * `@order-flow/contracts`.
 */
import { FailureReason, orderEventSchema, PricedLineSchema } from '@order-flow/contracts';
import * as z from '@order-flow/contracts/zod';

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

export const ConfirmOrderInputSchema = orderEventSchema('confirm', {
  lines: z.array(PricedLineSchema),
  total: z.number().check(z.int(), z.minimum(0)),
  paymentId: z.string().check(z.minLength(1)),
  causedBy: z.string().check(z.minLength(1), z.maxLength(80)),
});
export type ConfirmOrderInput = z.infer<typeof ConfirmOrderInputSchema>;

export const FailOrderInputSchema = orderEventSchema('fail', {
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
