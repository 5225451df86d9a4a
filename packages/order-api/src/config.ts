/*
 * Names shared by the construct (which sets them) and the handler (which reads them). Kept in a
 * module of its own so neither has to import the other.
 */

/** Env var holding the orders table name (the order-status step's table). */
export const ORDERS_TABLE_ENV = 'ORDERS_TABLE_NAME';

/** Env var holding the ARN of the order workflow's state machine. */
export const STATE_MACHINE_ARN_ENV = 'STATE_MACHINE_ARN';

/** Default Powertools service name of the function's logs. */
export const SERVICE_NAME = 'order-api';

/** `causedBy` of the PENDING history entry the API writes. */
export const CAUSED_BY = 'OrderApi';
