/**
 * `@order-flow/lambda-kit/handler`: the one way an Order Flow Lambda entry is wired. The logger
 * ({@link serviceLogger}), the DynamoDB document client ({@link documentClient}) and the wrapper
 * every handler runs in ({@link lambdaHandler}: fresh log keys and the Lambda context on each
 * invocation, expected errors as warnings, unexpected ones as errors, optionally mapped to an
 * answer). Needs `@aws-lambda-powertools/logger` and the AWS SDK's DynamoDB clients (optional peers).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LambdaContext } from './index.js';

/** Environment variable Powertools reads the service name from; the step constructs set it. */
export const SERVICE_NAME_ENV = 'POWERTOOLS_SERVICE_NAME';

/**
 * The function's logger: service `POWERTOOLS_SERVICE_NAME` when set (a deployment may rename
 * it), else `defaultServiceName`. Powertools lets a `serviceName` option win over the variable,
 * so passing the default straight to `new Logger` would silently ignore the deployment's choice.
 * @param defaultServiceName the package's own service name, e.g. `'payment'`
 * @throws Error when `defaultServiceName` is empty
 */
export function serviceLogger(defaultServiceName: string, env: NodeJS.ProcessEnv = process.env): Logger {
  if (defaultServiceName.trim() === '') throw new Error('serviceLogger: defaultServiceName must be a non-empty service name');
  const configured = env[SERVICE_NAME_ENV]?.trim();
  return new Logger({ serviceName: configured ? configured : defaultServiceName });
}

/**
 * A DynamoDB document client for a handler's module scope (one per cold start, reused by every
 * invocation). `removeUndefinedValues`: optional fields left `undefined` are omitted, as the
 * stores expect, instead of failing the marshaller. Region, credentials and endpoint come from
 * the environment (Lambda's, or the local runtime's `AWS_ENDPOINT_URL_DYNAMODB`).
 */
export function documentClient(client: DynamoDBClient = new DynamoDBClient({})): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** How {@link lambdaHandler} logs and answers a failure. */
export interface LambdaHandlerOptions<R> {
  /** The function's logger (its keys are reset at the start of every invocation). */
  readonly logger: Logger;
  /**
   * Error names that are answers, not faults (`InvalidInput`, `OutOfStock`, ...): logged as a
   * warning with name and message only, so alarms on ERROR stay meaningful.
   * @default - none: every error is logged as an error
   */
  readonly expectedErrors?: Iterable<string>;
  /** The log message of a failed invocation, e.g. `'inventory step failed'`. */
  readonly failureMessage: string;
  /**
   * Turns a thrown error into the invocation's answer (an HTTP API's 500 body) after it is
   * logged. Without it the error is rethrown, so its `name` reaches Step Functions as the
   * Lambda error type that Retry/Catch match on.
   * @default - rethrow
   */
  readonly onError?: (error: unknown) => R;
}

/**
 * Wraps a handler body in the per-invocation logging every Order Flow function does:
 * 1. the logger's keys are reset first, so keys appended in one invocation (an orderId) never
 *    leak into the next on a warm environment, even when the last one failed halfway;
 * 2. the Lambda context (request id, function, cold start) is added to every entry;
 * 3. a failure is logged once (expected names as warnings, the rest as errors with the stack),
 *    never with the event, which may carry a payment token or, from a careless client, a card
 *    number; then it is rethrown or mapped by `onError`.
 *
 * @example
 * const logger = serviceLogger('inventory');
 * export const handler = lambdaHandler({ logger, failureMessage: 'inventory step failed', expectedErrors: ['OutOfStock'] },
 *   async (event) => inventory.reserve(parseOrThrow(ReserveInputSchema, event)));
 */
export function lambdaHandler<R>(
  options: LambdaHandlerOptions<R>,
  body: (event: unknown, context?: LambdaContext) => Promise<R>,
): (event: unknown, context?: LambdaContext) => Promise<R> {
  const { logger, failureMessage, onError } = options;
  const expected = new Set(options.expectedErrors ?? []);
  return async (event, context) => {
    logger.resetKeys();
    if (context) logger.addContext(context);
    try {
      return await body(event, context);
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      if (expected.has(failure.name)) logger.warn(failureMessage, { errorName: failure.name, errorMessage: failure.message });
      else logger.error(failureMessage, failure);
      if (onError) return onError(error);
      throw error;
    }
  };
}
