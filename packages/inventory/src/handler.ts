/**
 * Lambda entry of the inventory step: one function, dispatched on `action` (reserve | release).
 * Imported only by the bundle; never re-exported from the package root.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { systemClock, type Clock, type LambdaContext } from '@order-flow/lambda-kit';
import { lambdaHandler, serviceLogger } from '@order-flow/lambda-kit/handler';
import { ErrorName, parseOrThrow } from '@order-flow/contracts';
import { InventoryInputSchema, type ReleaseResult, type Reservation } from './contract.js';
import { defaultStore, documentClient, tableName } from './adapters/default-store.js';
import { Inventory } from './domain/inventory.js';
import { INVENTORY_TABLE_NAME_ENV } from './lambda-env.js';
import { primeStepFunction } from './priming.js';
import type { StockStore } from './ports.js';

/** What a handler built by {@link createHandler} needs; every field has a production default. */
export interface HandlerDeps {
  /**
   * Where stock and reservations live.
   * @default - a DynamoDbStockStore on the table named by INVENTORY_TABLE_NAME
   */
  readonly store?: StockStore;
  /** @default - the system clock */
  readonly clock?: Clock;
  /** @default - a Powertools logger, service `inventory` (or POWERTOOLS_SERVICE_NAME) */
  readonly logger?: Logger;
}

const defaultLogger = serviceLogger('inventory');

/** Business outcomes (OutOfStock, InvalidInput, ...): expected answers, logged as warnings. */
const EXPECTED_ERRORS = [ErrorName.InvalidInput, ErrorName.OutOfStock, ErrorName.UnknownSku, ErrorName.InventoryContention];

/**
 * Builds the Lambda handler around the given ports. Tests pass a store on DynamoDB Local; the
 * exported {@link handler} uses the defaults.
 */
export function createHandler(deps: HandlerDeps = {}) {
  const store = deps.store ?? defaultStore;
  const logger = deps.logger ?? defaultLogger;
  const inventory = store ? new Inventory(store, deps.clock ?? systemClock) : undefined;

  return lambdaHandler(
    { logger, failureMessage: 'inventory step failed', expectedErrors: EXPECTED_ERRORS },
    async (event): Promise<Reservation | ReleaseResult> => {
      if (!inventory) throw new Error(`${INVENTORY_TABLE_NAME_ENV} is not set: deploy the function with the InventoryStep construct`);
      // Tag logs with the orderId even when the event is invalid, so a rejected event can be traced.
      const rawOrderId = (event as { orderId?: unknown } | null | undefined)?.orderId;
      if (typeof rawOrderId === 'string') logger.appendKeys({ orderId: rawOrderId.slice(0, 64) });
      const input = parseOrThrow(InventoryInputSchema, event);
      logger.appendKeys({ orderId: input.orderId, action: input.action });
      if (input.action === 'reserve') {
        const reservation = await inventory.reserve(input.orderId, input.items);
        logger.info('reserved', { lines: reservation.lines.length, total: reservation.total });
        return reservation;
      }
      const result = await inventory.release(input.orderId);
      logger.info('released', { released: result.released });
      return result;
    },
  );
}

/** The Lambda entry point (`index.handler` in the bundle). */
export const handler: (event: unknown, context?: LambdaContext) => Promise<Reservation | ReleaseResult> =
  createHandler();

// Last in the module: the dry run needs every declaration above initialized. Lambda's Init
// phase runs this top level once per execution environment, before its first invocation: a dry-run reserve here (nothing is
// sent) does the SDK's and this code's one-time work, which the first invocation would
// otherwise do on the function's own share of CPU.
if (documentClient && tableName) await primeStepFunction(createHandler, documentClient, tableName);
