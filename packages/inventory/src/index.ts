/**
 * @order-flow/inventory: the inventory step of the order workflow.
 * The root entry is the CDK construct and types only; the Lambda code ships prebuilt in
 * dist/lambda, and the domain + DynamoDB adapter are at `@order-flow/inventory/runtime`.
 */
export {
  InventoryStep,
  InventoryStepBase,
  INVENTORY_API_PATH,
  INVENTORY_TABLE_NAME_ENV,
  type InventoryApiRoutesOptions,
  type InventoryFunctionProps,
  type InventoryStepProps,
  type ReleaseTaskOptions,
  type ReserveTaskOptions,
} from './construct.js';
export { MAX_AVAILABLE, StockApiError, StockRoute } from './stock-api.js';
export { InventoryContentionError, OutOfStockError, UnknownSkuError, type Shortage } from './domain/errors.js';
export type { ReservationRecord, ReservationStatus, StockItem } from './domain/reservation.js';
export type { InventoryInput, ReleaseInput, ReleaseResult, Reservation, ReserveInput } from './contract.js';
