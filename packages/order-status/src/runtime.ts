/**
 * Runtime entry (`@order-flow/order-status/runtime`): the order-status service, its DynamoDB
 * store, errors and ports, for services that create or read orders with the same rules and
 * table layout as the step (e.g. the Order API). Free of aws-cdk-lib.
 */
export { OrderService, WORKFLOW_CLAIM_LEASE_MS } from './order-service.js';
export { DynamoDbOrderStore } from './adapters/dynamodb-order-store.js';
export { IllegalTransitionError, OrderConflictError, OrderNotFoundError } from './domain/errors.js';
export type { CaughtError, Confirmation } from './domain/order.js';
export { systemClock, type Clock, type OrderStore, type PutIfAbsentResult, type StatusChange, type ClaimResult, type WorkflowClaim } from './ports.js';
export { ORDERS_TABLE_ENV } from './config.js';
