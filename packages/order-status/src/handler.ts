/**
 * Lambda entry of the order-status step: one function, three actions (`create`, `confirm`,
 * `fail`), each returning the OrderRecord. Imported only by the bundler and tests; never by the
 * package root, so aws-cdk-lib stays out of the bundle.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ErrorName, ID_PATTERN, OrderStatusInputSchema, parseOrThrow, type OrderRecord } from '@order-flow/contracts';
import { DynamoDbOrderStore } from './adapters/dynamodb-order-store.js';
import { ORDERS_TABLE_ENV, SERVICE_NAME } from './config.js';
import { OrderService } from './order-service.js';


/**
 * `causedBy` of the PENDING history entry. The create event carries no state name (its schema
 * is `{ action, order }`), so the entry names the step's default create state.
 */
export const CREATE_CAUSED_BY = 'CreateOrder';

/** The parts of the Lambda context this handler uses (`aws-lambda` types are not a dependency). */
export interface LambdaContext {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly awsRequestId: string;
}

/** What {@link createHandler} needs. */
export interface HandlerDependencies {
  readonly service: OrderService;
  /** @default a Powertools Logger for service `order-status` (or POWERTOOLS_SERVICE_NAME) */
  readonly logger?: Logger;
}

/** The Lambda handler's signature. */
export type OrderStatusHandler = (event: unknown, context?: LambdaContext) => Promise<OrderRecord>;

// Created once per cold start: reused across invocations.
const defaultLogger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? SERVICE_NAME });
const ordersTable = process.env[ORDERS_TABLE_ENV];
const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
const defaultHandler = createHandler({
  service: new OrderService(new DynamoDbOrderStore(documentClient, ordersTable ?? '')),
  logger: defaultLogger,
});

/**
 * Builds the handler around the given service, so tests drive the real parsing, dispatch and
 * logging with a store pointed wherever they like.
 */
export function createHandler({ service, logger = defaultLogger }: HandlerDependencies): OrderStatusHandler {
  return async (event, context) => {
    // Keys of the previous invocation must not leak into this one's logs.
    logger.resetKeys();
    if (context) logger.addContext(context);
    try {
      const input = parseOrThrow(OrderStatusInputSchema, event);
      let record: OrderRecord;
      switch (input.action) {
        case 'create': {
          const requestedId = requestedOrderId(input.order);
          if (requestedId) logger.appendKeys({ orderId: requestedId });
          record = await service.create(input.order, CREATE_CAUSED_BY, input.executionName);
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
    } catch (error) {
      // The event is never logged: it may hold a payment token or, if a client erred, a card number.
      const { name, message } = error instanceof Error ? error : new Error(String(error));
      if (isExpectedError(name)) logger.warn('order status action rejected', { errorName: name, errorMessage: message });
      else logger.error('order status action failed', error as Error);
      throw error;
    }
  };
}

/** The Lambda entry point (`index.handler` in the bundle). */
export const handler = async (event: unknown, context?: LambdaContext): Promise<OrderRecord> => {
  if (!ordersTable) {
    throw new Error(`${ORDERS_TABLE_ENV} is not set: deploy this function with the OrderStatusStep construct`);
  }
  return defaultHandler(event, context);
};

/** Errors that are answers, not faults: logged as warnings so alarms on ERROR stay meaningful. */
const EXPECTED_ERRORS = new Set<string>([
  ErrorName.InvalidInput,
  ErrorName.InvalidOrder,
  ErrorName.OrderConflict,
  ErrorName.OrderNotFound,
  ErrorName.IllegalTransition,
]);

function isExpectedError(name: string): boolean {
  return EXPECTED_ERRORS.has(name);
}

function requestedOrderId(order: unknown): string | undefined {
  if (order && typeof order === 'object' && 'orderId' in order && typeof order.orderId === 'string') {
    // Only a well-formed id goes into the logs; anything else is reported by validation.
    return ID_PATTERN.test(order.orderId) ? order.orderId : undefined;
  }
  return undefined;
}
