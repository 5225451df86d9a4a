/**
 * Runtime entry (`@order-flow/inventory/runtime`): the inventory domain and its DynamoDB adapter,
 * for services that read or seed stock (e.g. an admin API). Free of aws-cdk-lib.
 */
export { Inventory } from './domain/inventory.js';
export { systemClock } from '@order-flow/lambda-kit';
export * from './domain/errors.js';
export * from './domain/reservation.js';
export type { Clock, CommitOutcome, StockStore } from './ports.js';
export { DynamoDbStockStore, reservationKey, stockKey } from './adapters/dynamodb-stock-store.js';
export * from './contract.js';
