/**
 * @order-flow/inventory: the inventory step of the order workflow.
 * The root entry is the CDK construct and types only; the Lambda code ships prebuilt in
 * dist/lambda, and the domain + DynamoDB adapter are at `@order-flow/inventory/runtime`.
 */
import { ErrorName } from '@order-flow/contracts';

export {
  InventoryStep,
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

/** The Step Functions errors the inventory function throws, besides `InvalidInput`. */
export const InventoryErrors = {
  OutOfStock: ErrorName.OutOfStock,
  UnknownSku: ErrorName.UnknownSku,
  /** Transient; the reserve task already retries it. */
  InventoryContention: ErrorName.InventoryContention,
} as const;
