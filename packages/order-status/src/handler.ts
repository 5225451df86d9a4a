/**
 * Lambda entry of the order-status step: one function, three actions (`create`, `confirm`,
 * `fail`), each returning the OrderRecord. Imported only by the bundler and tests; never by the
 * package root, so aws-cdk-lib stays out of the bundle.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { LambdaContext } from '@order-flow/lambda-kit';
import { documentClient as newDocumentClient, lambdaHandler, serviceLogger } from '@order-flow/lambda-kit/handler';
import { ErrorName, ID_PATTERN, parseOrThrow, ValidationError, type OrderRecord } from '@order-flow/contracts';
import { OrderStatusInputSchema } from './contract.js';
import { DynamoDbOrderStore } from './adapters/dynamodb-order-store.js';
import { ORDERS_TABLE_ENV, SERVICE_NAME } from './config.js';
import type { OrderIdSource } from './domain/order-id.js';
import { OrderService } from './order-service.js';
import { primeOrderStatusFunction } from './priming.js';

/**
 * `causedBy` of the PENDING history entry when the create event carries no state name (no
 * `orderIdSource`, e.g. a state machine deployed before the create task sent one): the step's
 * default create state.
 */
export const CREATE_CAUSED_BY = 'CreateOrder';

/** What {@link createHandler} needs. */
export interface HandlerDependencies {
  readonly service: OrderService;
  /** @default a Powertools Logger for service `order-status` (or POWERTOOLS_SERVICE_NAME) */
  readonly logger?: Logger;
}

/** The Lambda handler's signature. */
export type OrderStatusHandler = (event: unknown, context?: LambdaContext) => Promise<OrderRecord>;

/**
 * Errors that are answers, not faults: logged as warnings so alarms on ERROR stay meaningful.
 * The event is never logged: it may hold a payment token or, if a client erred, a card number.
 */
const EXPECTED_ERRORS = [
  ErrorName.InvalidInput,
  ErrorName.InvalidOrder,
  ErrorName.OrderConflict,
  ErrorName.OrderNotFound,
  ErrorName.IllegalTransition,
];

// Created once per cold start: reused across invocations.
const defaultLogger = serviceLogger(SERVICE_NAME);
const ordersTable = process.env[ORDERS_TABLE_ENV];
const documentClient = newDocumentClient();
const defaultHandler = createHandler({
  service: new OrderService(new DynamoDbOrderStore(documentClient, ordersTable ?? '')),
  logger: defaultLogger,
});

/**
 * Builds the handler around the given service, so tests drive the real parsing, dispatch and
 * logging with a store pointed wherever they like.
 */
export function createHandler({ service, logger = defaultLogger }: HandlerDependencies): OrderStatusHandler {
  return lambdaHandler({ logger, failureMessage: 'order status action failed', expectedErrors: EXPECTED_ERRORS }, async (event) => {
    const { event: contractEvent, orderIdSource } = takeOrderIdSource(event);
    const input = parseOrThrow(OrderStatusInputSchema, contractEvent);
    let record: OrderRecord;
    switch (input.action) {
      case 'create': {
        const requestedId = requestedOrderId(input.order);
        if (requestedId) logger.appendKeys({ orderId: requestedId });
        record = await service.create(input.order, orderIdSource?.state ?? CREATE_CAUSED_BY, orderIdSource ?? input.executionName);
        break;
      }
      case 'confirm':
        logger.appendKeys({ orderId: input.orderId });
        record = await service.confirm(input.orderId, input, input.causedBy);
        break;
      case 'fail':
        logger.appendKeys({ orderId: input.orderId });
        record = await service.fail(input.orderId, input.reason, input.causedBy, input.error);
        break;
    }
    logger.appendKeys({ orderId: record.orderId });
    logger.info('order status', { action: input.action, status: record.status, reason: record.reason });
    return record;
  });
}

/** The Lambda entry point (`index.handler` in the bundle). */
export const handler = async (event: unknown, context?: LambdaContext): Promise<OrderRecord> => {
  if (!ordersTable) {
    throw new Error(`${ORDERS_TABLE_ENV} is not set: deploy this function with the OrderStatusStep construct`);
  }
  return defaultHandler(event, context);
};

function requestedOrderId(order: unknown): string | undefined {
  if (order && typeof order === 'object' && 'orderId' in order && typeof order.orderId === 'string') {
    // Only a well-formed id goes into the logs; anything else is reported by validation.
    return ID_PATTERN.test(order.orderId) ? order.orderId : undefined;
  }
  return undefined;
}

/** Field of a create event with where the create runs (see {@link OrderIdSource}). */
export const ORDER_ID_SOURCE_FIELD = 'orderIdSource';

/**
 * Splits `orderIdSource` off a create event: the shared create contract (`{ action, order,
 * executionName? }`, strict) does not list it yet, so it is validated here and the rest goes to
 * the contract as before.
 * @throws ValidationError `InvalidInput` when `orderIdSource` is malformed
 */
function takeOrderIdSource(event: unknown): { event: unknown; orderIdSource?: OrderIdSource } {
  if (!event || typeof event !== 'object' || Array.isArray(event) || !(ORDER_ID_SOURCE_FIELD in event)) return { event };
  const { [ORDER_ID_SOURCE_FIELD]: raw, ...rest } = event as Record<string, unknown>;
  if (rest.action !== 'create') return { event };
  const issues: { path: string; message: string }[] = [];
  const source = (raw ?? {}) as Record<string, unknown>;
  const text = (key: string, max: number, required: boolean) => {
    const value = source[key];
    if (value === undefined && !required) return;
    if (typeof value !== 'string' || value.length === 0 || value.length > max) {
      issues.push({ path: `${ORDER_ID_SOURCE_FIELD}.${key}`, message: `must be a string of 1-${max} characters` });
    }
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    issues.push({ path: ORDER_ID_SOURCE_FIELD, message: 'must be an object { execution, startedAt?, state, item? }' });
  } else {
    text('execution', 2048, true);
    text('startedAt', 64, false);
    text('state', 80, true);
    const item = source.item;
    if (item !== undefined && !(typeof item === 'number' && Number.isInteger(item) && item >= 0) && !(typeof item === 'string' && item.length > 0 && item.length <= 256)) {
      issues.push({ path: `${ORDER_ID_SOURCE_FIELD}.item`, message: 'must be a non-negative integer or a string of 1-256 characters' });
    }
    const unknown = Object.keys(source).filter((key) => !['execution', 'startedAt', 'state', 'item'].includes(key));
    for (const key of unknown) issues.push({ path: `${ORDER_ID_SOURCE_FIELD}.${key}`, message: 'is not allowed here' });
  }
  if (issues.length > 0) throw new ValidationError(ErrorName.InvalidInput, issues);
  return { event: rest, orderIdSource: source as unknown as OrderIdSource };
}

// Last in the module: the dry run needs every declaration above initialized. Lambda's Init
// phase runs this top level once per execution environment, before its first invocation: a dry-run create here (nothing is
// sent) does the SDK's and this code's one-time work, which the first invocation would
// otherwise do on the function's own share of CPU.
if (ordersTable) await primeOrderStatusFunction(createHandler, documentClient, ordersTable);
