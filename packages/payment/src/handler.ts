/**
 * Lambda entry of the payment step: `{ action: 'charge' | 'refund', ... }` in, ChargeResult or
 * RefundResult out. Errors keep their stable `name` (Lambda's errorType), which the workflow's
 * Retry/Catch match on.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PaymentInputSchema, parseOrThrow, type ChargeResult, type RefundResult } from '@order-flow/contracts';
import { DynamoDbPaymentStore } from './adapters/dynamodb-payment-store.js';
import { parseOutageWindows, type OutageWindow } from './adapters/outage-windows.js';
import { SimulatedGateway } from './adapters/simulated-gateway.js';
import { PaymentService } from './domain/payment-service.js';
import {
  PAYMENT_GATEWAY_ENV as GATEWAY_ENV,
  PAYMENT_TABLE_NAME_ENV as TABLE_NAME_ENV,
  SIMULATED_GATEWAY_OUTAGES_ENV as OUTAGES_ENV,
} from './env.js';
import type { Clock, PaymentGateway } from './ports.js';
import { primePaymentFunction } from './priming.js';
import { systemClock } from './ports.js';

/** The part of the Lambda context the handler uses (the `aws-lambda` types are not a dependency). */
export interface LambdaContext {
  readonly awsRequestId: string;
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  getRemainingTimeInMillis(): number;
}

/** What {@link createHandler} wires together. */
export interface HandlerDeps {
  /** Document client for the payment table. */
  readonly client: DynamoDBDocumentClient;
  /** The payment table (holds payment records and the simulated gateway's ledger). */
  readonly tableName: string | undefined;
  /** @default the SimulatedGateway on the same table */
  readonly gateway?: PaymentGateway;
  /** @default a Powertools Logger for service `payment` */
  readonly logger?: Logger;
  /** @default the system clock */
  readonly clock?: Clock;
  /**
   * Outage windows of the default SimulatedGateway (ignored with `gateway`).
   * @default none (the Lambda entry point reads `SIMULATED_GATEWAY_OUTAGES`)
   */
  readonly gatewayOutages?: readonly OutageWindow[];
}

/** The handler's result for each action. */
export type PaymentResult = ChargeResult | RefundResult;

// Once per cold start: the SDK client reuses its connections across invocations.
const defaultClient = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
const defaultLogger = new Logger({ serviceName: 'payment' });
const configuredTableName = process.env[TABLE_NAME_ENV];
const configuredGateway = process.env[GATEWAY_ENV] ?? 'simulated';
// Parsed once per cold start. A malformed value fails Init with an error naming the variable and
// the rule, rather than running a gateway that never goes down as the test or demo asked.
const configuredOutages = parseOutageWindows(process.env[OUTAGES_ENV]);

/**
 * Builds the handler from its dependencies; tests pass a client pointed at DynamoDB Local.
 * @example const handler = createHandler({ client, tableName: 'payments-test' });
 */
export function createHandler(deps: HandlerDeps) {
  const logger = deps.logger ?? defaultLogger;
  let service: PaymentService | undefined;
  const getService = (): PaymentService => {
    if (service) return service;
    // Checked at first use, not import, so importing this module (e.g. in tests) never throws.
    if (!deps.tableName) throw new Error(`${TABLE_NAME_ENV} is not set: the payment step has no table to use`);
    const clock = deps.clock ?? systemClock;
    const gateway = deps.gateway ?? new SimulatedGateway(deps.client, deps.tableName, clock, undefined, deps.gatewayOutages);
    service = new PaymentService(new DynamoDbPaymentStore(deps.client, deps.tableName), gateway, clock);
    return service;
  };

  return async (event: unknown, context?: LambdaContext): Promise<PaymentResult> => {
    if (context) logger.addContext(context as Parameters<Logger['addContext']>[0]);
    try {
      const input = parseOrThrow(PaymentInputSchema, event);
      logger.appendKeys({ orderId: input.orderId, action: input.action });
      const payments = getService();
      if (input.action === 'refund') {
        const result = await payments.refund(input.orderId);
        logger.info('Refund handled', { refunded: result.refunded, status: result.status });
        return result;
      }
      // The token's prefix is enough to tell test tokens apart; the full token never reaches a log.
      logger.info('Charging', { amount: input.amount, currency: input.currency, tokenPrefix: tokenPrefix(input.token) });
      const result = await payments.charge(input);
      logger.info('Charge captured', { paymentId: result.paymentId });
      return result;
    } catch (error) {
      // Name and message only: messages never carry tokens, and the raw event is never logged.
      const { name, message } = error instanceof Error ? error : new Error(String(error));
      logger.warn('Payment action failed', { errorName: name, errorMessage: message });
      throw error;
    } finally {
      logger.resetKeys();
    }
  };
}

/** `tok_visa` -> `tok_vi…`: enough to recognise a test token, too little to reuse one. */
export function tokenPrefix(token: string): string {
  return token.length > 6 ? `${token.slice(0, 6)}…` : '…';
}

function assertKnownGateway(name: string): void {
  if (name !== 'simulated') throw new Error(`${GATEWAY_ENV}=${name} is not supported: only 'simulated' is built in`);
}

const defaultHandler = createHandler({ client: defaultClient, tableName: configuredTableName, gatewayOutages: configuredOutages });

/** The Lambda entry point (`index.handler` in the bundle). */
export const handler = async (event: unknown, context?: LambdaContext): Promise<PaymentResult> => {
  assertKnownGateway(configuredGateway);
  return defaultHandler(event, context);
};

// Last in the module: the dry run needs every declaration above initialized. Lambda's Init
// phase runs this top level once per execution environment, before its first invocation: a dry-run charge here (nothing is
// sent) does the SDK's and this code's one-time work, which the first invocation would
// otherwise do on the function's own share of CPU.
if (configuredTableName) await primePaymentFunction(createHandler, defaultClient, configuredTableName);
