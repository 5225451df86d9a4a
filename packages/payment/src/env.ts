/** Env var holding the payment table's name; the construct sets it, the handler reads it. */
export const PAYMENT_TABLE_NAME_ENV = 'PAYMENT_TABLE_NAME';
/**
 * Env var holding the simulated gateway's outage windows: comma-separated ISO 8601 time intervals
 * `<start>/<end>` (e.g. `2030-01-01T00:10:00Z/2030-01-01T00:40:00Z`). Unset: never down.
 */
export const SIMULATED_GATEWAY_OUTAGES_ENV = 'SIMULATED_GATEWAY_OUTAGES';
