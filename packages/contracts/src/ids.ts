import { randomBytes } from 'node:crypto';
import { containsCardNumber } from './card-data.js';
import * as z from './zod.js';

/** Rule shared by every identifier: order ids, customer ids, SKUs. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const ID_RULE = 'must be 1-64 characters, each a letter, digit, "_" or "-"';

/** Ids end up in execution names, logs and events: a card number must never hide in one. */
export const NO_CARD_NUMBER_RULE = 'must not contain a card number';

/** An order, customer or SKU identifier. */
export const IdSchema = z
  .string({ error: 'is required and must be a string' })
  .check(z.regex(ID_PATTERN, ID_RULE), z.refine((value) => !containsCardNumber(value), NO_CARD_NUMBER_RULE));

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A new order id: `ord_` + a 26-character ULID (time-ordered, so ids sort by creation).
 * Written here rather than pulling a ULID library: it is 10 lines and the only use.
 */
export function newOrderId(now: number = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const random = Array.from(randomBytes(16), (byte) => CROCKFORD[byte % 32]).join('');
  return `ord_${time}${random}`;
}
