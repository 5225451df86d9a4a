/**
 * Lambda entry of the Order API (API Gateway HTTP API, payload format 2.0), routed by
 * `event.routeKey`. Imported only by the bundler and tests; never by the package root, so
 * aws-cdk-lib stays out of the bundle.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { LambdaContext } from '@order-flow/lambda-kit';
import { documentClient, lambdaHandler, serviceLogger } from '@order-flow/lambda-kit/handler';
import {
  IdSchema,
  OrderRequestSchema,
  json,
  newOrderId,
  parseJsonBody,
  toIssues,
  type ErrorBody,
  type JsonResponse,
  type Order,
} from '@order-flow/contracts';
import { DynamoDbOrderStore, OrderService } from '@order-flow/order-status/runtime';
import { StepFunctionsWorkflow } from './adapters/step-functions-workflow.js';
import { CAUSED_BY, ORDERS_TABLE_ENV, SERVICE_NAME, STATE_MACHINE_ARN_ENV } from './config.js';
import { OrderApiErrors, type OrderApiError } from './domain/errors.js';
import { toOrderView } from './domain/order-view.js';
import type { OrderRecords, Workflow } from './ports.js';
import { primeOrderApiFunction } from './priming.js';

/** The parts of an API Gateway HTTP API (payload 2.0) event this handler reads. */
export interface HttpApiEvent {
  /** `'POST /orders'`, `'GET /orders/{orderId}'`, or `'$default'` for a catch-all route. */
  readonly routeKey?: string;
  readonly rawPath?: string;
  readonly headers?: Readonly<Record<string, string | undefined>>;
  readonly pathParameters?: Readonly<Record<string, string | undefined>>;
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
  readonly requestContext?: { readonly requestId?: string };
}

/** What {@link createHandler} needs. */
export interface HandlerDependencies {
  /** The order-status service (`OrderService` from `@order-flow/order-status/runtime`). */
  readonly orders: OrderRecords;
  /** Client for StartExecution. */
  readonly sfn: SFNClient;
  /** The order workflow's state machine. */
  readonly stateMachineArn: string;
  /** @default a Powertools Logger for service `order-api` (or POWERTOOLS_SERVICE_NAME) */
  readonly logger?: Logger;
}

/** The Lambda handler's signature. */
export type OrderApiHandler = (event: unknown, context?: LambdaContext) => Promise<JsonResponse>;

// Created once per cold start: reused across invocations.
const defaultLogger = serviceLogger(SERVICE_NAME);
const ordersTable = process.env[ORDERS_TABLE_ENV];
const stateMachineArn = process.env[STATE_MACHINE_ARN_ENV];
const clients =
  ordersTable && stateMachineArn
    ? {
        dynamodb: documentClient(),
        sfn: new SFNClient({}),
      }
    : undefined;
const defaultHandler =
  clients && ordersTable && stateMachineArn
    ? createHandler({
        orders: new OrderService(new DynamoDbOrderStore(clients.dynamodb, ordersTable)),
        sfn: clients.sfn,
        stateMachineArn,
        logger: defaultLogger,
      })
    : undefined;

/**
 * Builds the handler around the given service and Step Functions client, so tests drive the
 * real routing, body rules, order-status rules and StartExecution calls against local endpoints.
 *
 * @throws Error when `stateMachineArn` is not a state machine ARN
 */
export function createHandler({ orders, sfn, stateMachineArn, logger = defaultLogger }: HandlerDependencies): OrderApiHandler {
  const workflow = new StepFunctionsWorkflow(sfn, stateMachineArn);
  const routes: Record<string, (event: HttpApiEvent, logger: Logger) => Promise<JsonResponse>> = {
    'POST /orders': (event, log) => submitOrder(event, orders, workflow, log),
    'GET /orders/{orderId}': (event, log) => getOrder(event, orders, log),
  };

  // Bodies and tokens are never logged; the SDK/engine error says what went wrong, the client
  // gets an opaque 500.
  const onError = (): JsonResponse => errorResponse(500, { error: OrderApiErrors.InternalError });
  return lambdaHandler({ logger, failureMessage: 'request failed', onError }, async (rawEvent) => {
    const event = asHttpApiEvent(rawEvent);
    logger.appendKeys({ routeKey: event.routeKey, apiRequestId: event.requestContext?.requestId });
    const route = event.routeKey === undefined ? undefined : routes[event.routeKey];
    if (!route) {
      return rejected(logger, 404, { error: OrderApiErrors.NotFound, message: `No route ${event.routeKey ?? '(none)'}` });
    }
    return route(event, logger);
  });
}

/** The Lambda entry point (`index.handler` in the bundle). */
export const handler = async (event: unknown, context?: LambdaContext): Promise<JsonResponse> => {
  if (!defaultHandler) {
    defaultLogger.error(`${ORDERS_TABLE_ENV} and ${STATE_MACHINE_ARN_ENV} must be set: deploy this function with the OrderApi construct`);
    return errorResponse(500, { error: OrderApiErrors.InternalError });
  }
  return defaultHandler(event, context);
};

async function submitOrder(event: HttpApiEvent, orders: OrderRecords, workflow: Workflow, logger: Logger): Promise<JsonResponse> {
  const body = parseJsonBody(event, OrderRequestSchema, OrderApiErrors.InvalidOrder);
  if (!body.ok) return rejectedResponse(logger, body.response);

  // The id is settled here, before anything is written, because it also names the execution:
  // a client retry with this id then finds both the record and the execution.
  const { orderId = newOrderId(), ...rest } = body.value;
  const order: Order = { orderId, ...rest };
  logger.appendKeys({ orderId });

  let status: string;
  try {
    status = (await orders.create(order, CAUSED_BY)).status;
  } catch (error) {
    if (isNamed(error, OrderApiErrors.OrderConflict)) {
      return rejected(logger, 409, { error: OrderApiErrors.OrderConflict, message: error.message });
    }
    throw error;
  }
  const accepted = (body: { status: string; executionArn?: string }) =>
    json(202, { orderId, ...body }, { location: `/orders/${orderId}` });

  // The duplicate guard: of every request for this order (a client's retries, two racing), the
  // one that claims the start starts the execution. It does not rely on execution names being
  // idempotent, which they are not for Express workflows.
  const token = randomUUID();
  const claim = await orders.claimWorkflowStart(orderId, token);
  if (!claim.claimed) {
    logger.info('order already accepted', { status: claim.status ?? status, executionArn: claim.executionArn, startInProgress: !claim.executionArn });
    return accepted({ status: claim.status ?? status, ...(claim.executionArn && { executionArn: claim.executionArn }) });
  }

  let executionArn: string;
  try {
    const started = await workflow.start(orderId, JSON.stringify(order));
    executionArn = started.executionArn;
    logger.info('order accepted', { status, executionArn, alreadyStarted: started.alreadyStarted });
  } catch (error) {
    if (!isNamed(error, OrderApiErrors.WorkflowUnavailable)) throw error;
    // The PENDING record stays and the claim goes: the same request again finds the record
    // (no-op), claims the start and starts the workflow.
    logger.error('workflow could not be started', error);
    await orders.releaseWorkflowClaim(orderId, token).catch((releaseError: unknown) => {
      // The claim then lapses by itself after its lease (WORKFLOW_CLAIM_LEASE_MS).
      logger.error('workflow claim could not be released', releaseError as Error);
    });
    return errorResponse(
      503,
      {
        error: OrderApiErrors.WorkflowUnavailable,
        message: `Order ${orderId} is recorded but its workflow could not be started; retry the same request with "orderId": "${orderId}"`,
      },
      { 'retry-after': '1' },
    );
  }
  // A lost claim (this request outlived the lease) is harmless: the execution runs either way.
  if (!(await orders.recordWorkflowStarted(orderId, token, executionArn))) logger.warn('workflow claim was taken over', { executionArn });
  return accepted({ status, executionArn });
}

async function getOrder(event: HttpApiEvent, orders: OrderRecords, logger: Logger): Promise<JsonResponse> {
  const id = IdSchema.safeParse(event.pathParameters?.orderId);
  if (!id.success) {
    const issues = toIssues(id.error).map((issue) => ({ ...issue, path: issue.path ? `orderId.${issue.path}` : 'orderId' }));
    return rejected(logger, 400, {
      error: OrderApiErrors.InvalidRequest,
      message: issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '),
      issues,
    });
  }
  const orderId = id.data;
  logger.appendKeys({ orderId });
  const record = await orders.get(orderId);
  if (!record) return rejected(logger, 404, { error: OrderApiErrors.OrderNotFound, message: `Order ${orderId} does not exist` });
  return json(200, toOrderView(record));
}

/** An error body typed to the API's error names. */
interface ApiErrorBody extends ErrorBody {
  readonly error: OrderApiError;
}

function errorResponse(statusCode: number, body: ApiErrorBody, headers: Record<string, string> = {}): JsonResponse {
  return json(statusCode, body, headers);
}

/** A 4xx answer: a warning naming the error only (the message may echo client input). */
function rejected(logger: Logger, statusCode: number, body: ApiErrorBody): JsonResponse {
  logger.warn('request rejected', { statusCode, errorName: body.error });
  return errorResponse(statusCode, body);
}

function rejectedResponse(logger: Logger, response: JsonResponse): JsonResponse {
  const { error } = JSON.parse(response.body) as ErrorBody;
  logger.warn('request rejected', { statusCode: response.statusCode, errorName: error });
  return response;
}

function isNamed(error: unknown, name: string): error is Error {
  return error instanceof Error && error.name === name;
}

function asHttpApiEvent(event: unknown): HttpApiEvent {
  // Anything that is not an object (a test console invoke, a misrouted event) has no route: 404.
  return event !== null && typeof event === 'object' ? event : {};
}

// Last in the module: the dry run needs every declaration above initialized. Lambda's Init
// phase runs this top level once per execution environment, before its first invocation: a dry-run POST and GET here (nothing
// is sent) do the SDKs' and this code's one-time work, which the first request would otherwise
// do on the function's own share of CPU.
if (clients && ordersTable && stateMachineArn) await primeOrderApiFunction(createHandler, clients, { tableName: ordersTable, stateMachineArn });
