import { createHash } from 'node:crypto';
import { IdSchema } from '@order-flow/contracts';

/**
 * Where a create without an `orderId` runs, as the create task passes it from the Context object
 * (AWS Step Functions Developer Guide, "Context object"). Everything in it is the same on every
 * attempt of one create (a Task `Retry`, a redrive of the execution) and differs between two
 * creates, so the id derived from it is stable across retries and distinct per order:
 * - `execution`: `$$.Execution.Id`, the execution ARN. Unlike the name, it names the state
 *   machine too (names are unique per state machine only), so two state machines writing one
 *   orders table cannot collide;
 * - `startedAt`: `$$.Execution.StartTime`. Sets the id's time part (ids sort by creation, like
 *   generated ones), and keeps apart two executions that reuse a name once the first has closed
 *   and aged out;
 * - `state`: `$$.State.Name`, so two create states of one execution make two orders;
 * - `item`: what tells apart the orders one state creates in one execution, e.g. inside a Map the
 *   index the Map's ItemSelector passes in from `$$.Map.Item.Index` (only ItemSelector sees the
 *   Map's part of the Context object). Absent outside a Map.
 * Never `$$.State.RetryCount` or `$$.State.EnteredTime`: those change on a retry, and a retried
 * create would then record a second order.
 */
export interface OrderIdSource {
  readonly execution: string;
  readonly startedAt?: string;
  readonly state: string;
  readonly item?: string | number;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The orderId of an order submitted without one: `ord_` + 26 Crockford base-32 characters, the
 * shape of `newOrderId()`: 10 for the execution's start time (ms), 16 from a SHA-256 of the
 * source (80 bits). The same source always gives the same id; a different source a different
 * one. If the characters happen to read as a card number (a 13-19 digit Luhn-valid run), the
 * hash is taken again with a counter, still deterministically.
 */
export function derivedOrderId(source: OrderIdSource): string {
  const key = JSON.stringify([source.execution, source.startedAt ?? null, source.state, source.item ?? null]);
  const started = source.startedAt === undefined ? Number.NaN : Date.parse(source.startedAt);
  for (let round = 0; ; round++) {
    const digest = createHash('sha256').update(round === 0 ? key : `${key}#${round}`).digest();
    const time = Number.isFinite(started) && started >= 0 ? timePart(started) : encode(digest.subarray(16), 10);
    const id = `ord_${time}${encode(digest, 16)}`;
    if (IdSchema.safeParse(id).success) return id;
  }
}

function timePart(ms: number): string {
  let time = '';
  let t = ms;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return time;
}

/** `length` Crockford characters, one per byte (5 of its bits). */
function encode(bytes: Uint8Array, length: number): string {
  return Array.from(bytes.subarray(0, length), (byte) => CROCKFORD[byte % 32]).join('');
}
