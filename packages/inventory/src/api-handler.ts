/**
 * Lambda entry of the stock admin API (API Gateway HTTP API, payload format 2.0), routed by
 * `routeKey`: `GET /inventory/{sku}` reads a SKU's stock, `PUT /inventory/{sku}` seeds or replaces it.
 * Bundled on its own (dist/lambda-api); never re-exported from the package root.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { LambdaContext } from '@order-flow/lambda-kit';
import { lambdaHandler, serviceLogger } from '@order-flow/lambda-kit/handler';
import {
  IdSchema,
  json,
  parseJsonBody,
  StockLevelSchema,
  toIssues,
  type HttpRequestLike,
  type JsonResponse,
} from '@order-flow/contracts';
import { defaultStore, documentClient, tableName } from './adapters/default-store.js';
import { Inventory } from './domain/inventory.js';
import type { StockItem } from './domain/reservation.js';
import { INVENTORY_TABLE_NAME_ENV } from './lambda-env.js';
import { primeApiFunction } from './priming.js';
import type { StockStore } from './ports.js';
import { StockApiError, StockRoute } from './stock-api.js';

/** The parts of an API Gateway HTTP API (payload 2.0) event this handler reads. */
export interface HttpApiEvent extends HttpRequestLike {
  readonly routeKey?: string;
  readonly pathParameters?: Readonly<Record<string, string | undefined>>;
  readonly requestContext?: { readonly requestId?: string };
}

/** What a handler built by {@link createApiHandler} needs; every field has a production default. */
export interface ApiHandlerDeps {
  /**
   * Where stock lives.
   * @default - a DynamoDbStockStore on the table named by INVENTORY_TABLE_NAME
   */
  readonly store?: StockStore;
  /** @default - a Powertools logger, service `inventory-api` (or POWERTOOLS_SERVICE_NAME) */
  readonly logger?: Logger;
}

const defaultLogger = serviceLogger('inventory-api');

/**
 * Builds the API handler around the given ports. Tests pass a store on DynamoDB Local; the
 * exported {@link handler} uses the defaults. It always answers with a response (never throws):
 * 200, 400/404/413/415 with `{ error, message?, issues? }`, or 500 `{ error: 'InternalError' }`.
 */
export function createApiHandler(deps: ApiHandlerDeps = {}) {
  const store = deps.store ?? defaultStore;
  const logger = deps.logger ?? defaultLogger;
  const inventory = store ? new Inventory(store) : undefined;

  // Details of a failure go to the log; the client gets an opaque 500.
  const onError = (): JsonResponse => json(500, { error: StockApiError.InternalError });
  return lambdaHandler({ logger, failureMessage: 'stock API request failed', onError }, async (event): Promise<JsonResponse> => {
    const request = (typeof event === 'object' && event !== null ? event : {}) as HttpApiEvent;
    const sku = request.pathParameters?.sku;
    logger.appendKeys({
      routeKey: request.routeKey,
      requestId: request.requestContext?.requestId,
      // Bounded: the value is client input and may not be a valid id.
      ...(typeof sku === 'string' ? { sku: sku.slice(0, 64) } : {}),
    });
    if (!inventory) {
      throw new Error(`${INVENTORY_TABLE_NAME_ENV} is not set: deploy the function with InventoryStep.addApiRoutes`);
    }
    const response = await route(inventory, request);
    logger.info('responded', { statusCode: response.statusCode });
    return response;
  });
}

async function route(inventory: Inventory, request: HttpApiEvent): Promise<JsonResponse> {
  const routeKey = request.routeKey;
  if (routeKey !== StockRoute.GET && routeKey !== StockRoute.PUT) {
    return json(404, { error: StockApiError.NotFound, message: `no route ${routeKey ?? '(none)'}` });
  }
  const skuResult = IdSchema.safeParse(request.pathParameters?.sku);
  if (!skuResult.success) {
    const issues = toIssues(skuResult.error).map((issue) => ({ ...issue, path: 'sku' }));
    return json(400, { error: StockApiError.InvalidSku, message: issues.map((i) => `sku: ${i.message}`).join('; '), issues });
  }
  const sku = skuResult.data;

  if (routeKey === StockRoute.GET) {
    const item = await inventory.getStock(sku);
    return item ? json(200, toBody(item)) : json(404, { error: StockApiError.UnknownSku });
  }

  // Body rules (`{ available, unitPrice }`, strict, `available` at most MAX_AVAILABLE) live in
  // contracts, shared with any client that validates before sending.
  const body = parseJsonBody(request, StockLevelSchema, StockApiError.InvalidStock);
  if (!body.ok) return body.response;
  return json(200, toBody(await inventory.putStock(sku, body.value)));
}

/** A fixed field order, so responses read the same whatever the store returned. */
function toBody(item: StockItem): StockItem {
  return { sku: item.sku, available: item.available, unitPrice: item.unitPrice };
}

/** The Lambda entry point (`index.handler` in the API bundle). */
export const handler: (event: unknown, context?: LambdaContext) => Promise<JsonResponse> = createApiHandler();

// Last in the module: the dry run needs every declaration above initialized. Lambda's Init
// phase runs this top level once per execution environment, before its first invocation: a dry-run GET here (nothing is
// sent) does the SDK's and this code's one-time work, which the first invocation would
// otherwise do on the function's own share of CPU.
if (documentClient && tableName) await primeApiFunction(createApiHandler, documentClient, tableName);
