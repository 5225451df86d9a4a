/**
 * Order Flow contracts: the shapes every step and client agree on. No AWS dependencies, so any
 * service (or browser) can validate an order exactly as the workflow does.
 */
export * from './ids.js';
export * from './order.js';
export * from './step-event.js';
export * from './enum.js';
export * from './status.js';
export * from './order-record.js';
export * from './validation.js';
export * from './http.js';
export * from './card-data.js';
export { configureZodErrors } from './zod.js';
