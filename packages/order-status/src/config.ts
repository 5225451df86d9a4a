/*
 * Names shared by the construct (which sets them) and the handler (which reads them). Kept in a
 * module of its own so neither has to import the other.
 */

/** Env var holding the orders table name, set on the function by the construct. */
export const ORDERS_TABLE_ENV = 'ORDERS_TABLE_NAME';

/** Default Powertools service name of the function's logs. */
export const SERVICE_NAME = 'order-status';
