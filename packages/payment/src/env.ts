/** Env var holding the payment table's name; the construct sets it, the handler reads it. */
export const PAYMENT_TABLE_NAME_ENV = 'PAYMENT_TABLE_NAME';
/** Env var naming the gateway implementation; only `simulated` is built in. */
export const PAYMENT_GATEWAY_ENV = 'PAYMENT_GATEWAY';
