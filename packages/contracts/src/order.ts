import { containsCardNumber } from './card-data.js';
import * as z from './zod.js';
import { IdSchema } from './ids.js';

export const MAX_ITEMS = 50;
export const MAX_QUANTITY = 1000;

/**
 * Looks like a primary account number: 12-19 digits, optionally grouped by spaces or dashes.
 * Such a value must never reach a table or a log, so the token rule names it explicitly.
 */
const CARD_NUMBER_LIKE = /^[\d][\d -]{10,22}[\d]$/;
export const TOKEN_PATTERN = /^tok_[A-Za-z0-9_]{1,60}$/;

/** A payment token issued by the gateway (e.g. `tok_visa`). Card numbers are rejected by name. */
export const PaymentTokenSchema = z.string({ error: 'is required and must be a string' }).check(
  z.refine((value) => !CARD_NUMBER_LIKE.test(value.trim()) && !containsCardNumber(value), {
    message: 'must be a payment token (tok_...), never a card number',
    abort: true,
  }),
  z.regex(TOKEN_PATTERN, 'must be a payment token: "tok_" followed by 1-60 letters, digits or "_"'),
);

/** ISO 4217 currency code, upper case. */
export const CurrencySchema = z
  .string({ error: 'is required and must be a string' })
  .check(z.regex(/^[A-Z]{3}$/, 'must be a 3-letter ISO 4217 code in upper case, e.g. "USD"'));

/** One line of an order as submitted: a SKU and how many. Prices never come from the client. */
export const OrderItemSchema = z.strictObject({
  sku: IdSchema,
  quantity: z
    .number({ error: 'is required and must be a number' })
    .check(z.int('must be a whole number'), z.minimum(1, 'must be at least 1'), z.maximum(MAX_QUANTITY, `must be at most ${MAX_QUANTITY}`)),
});
export type OrderItem = z.infer<typeof OrderItemSchema>;

export const OrderItemsSchema = z.array(OrderItemSchema, { error: 'is required and must be an array' }).check(
  z.minLength(1, 'must hold at least 1 item'),
  z.maxLength(MAX_ITEMS, `must hold at most ${MAX_ITEMS} items`),
  z.superRefine((items, ctx) => {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      if (seen.has(item.sku)) {
        ctx.addIssue({ code: 'custom', path: [index, 'sku'], message: `duplicates SKU "${item.sku}": list each SKU once` });
      }
      seen.add(item.sku);
    });
  }),
);

/**
 * An order as a client submits it. `orderId` is optional: the order-status step generates one
 * (see its README). No field may hold a card number. A card split across two fields is not
 * refused: any rule joining the digits of two fields refuses about one ordinary order in ten
 * with numeric customer ids or SKUs (a random 15-digit run passes Luhn one time in ten).
 */
const OrderRequestFields = z.strictObject({
  orderId: z.optional(IdSchema),
  customerId: IdSchema,
  items: OrderItemsSchema,
  payment: z.strictObject({ token: PaymentTokenSchema }, { error: 'is required and must be an object' }),
  currency: CurrencySchema,
});

export const OrderRequestSchema = OrderRequestFields;
export type OrderRequest = z.infer<typeof OrderRequestSchema>;

/** An accepted order: the request with its id settled. */
export const OrderSchema = z.extend(OrderRequestFields, { orderId: IdSchema });
export type Order = z.infer<typeof OrderSchema>;

/** A priced line, as reserved by the inventory step. Amounts are integer minor units. */
export const PricedLineSchema = z.strictObject({
  sku: IdSchema,
  quantity: z.number().check(z.int(), z.minimum(1)),
  unitPrice: z.number().check(z.int(), z.minimum(0)),
  lineTotal: z.number().check(z.int(), z.minimum(0)),
});
export type PricedLine = z.infer<typeof PricedLineSchema>;

/** Stock level of a SKU as an admin sets it: available units and unit price in minor units. */
export const MAX_AVAILABLE = 1_000_000;
export const StockLevelSchema = z.strictObject({
  available: z
    .number({ error: 'is required and must be a number' })
    .check(z.int('must be a whole number'), z.minimum(0, 'must be at least 0'), z.maximum(MAX_AVAILABLE, `must be at most ${MAX_AVAILABLE}`)),
  unitPrice: z
    .number({ error: 'is required and must be a number' })
    .check(z.int('must be a whole number of minor units'), z.minimum(0, 'must be at least 0')),
});
export type StockLevel = z.infer<typeof StockLevelSchema>;
