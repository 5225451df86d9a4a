/**
 * Lambda entry of the payment step: `{ action: 'charge' | 'refund', ... }` in, ChargeResult or
 * RefundResult out. Errors keep their stable `name` (Lambda's errorType), which the workflow's
 * Retry/Catch match on.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ErrorName, parseOrThrow } from '@order-flow/contracts';
import { PaymentInputSchema, type ChargeResult, type RefundResult } from './contract.js';
import { systemClock, type Clock, type LambdaContext } from '@order-flow/lambda-kit';
import { documentClient, lambdaHandler, serviceLogger } from '@order-flow/lambda-kit/handler';
import { DynamoDbPaymentStore } from './adapters/dynamodb-payment-store.js';
import { parseOutageWindows, type OutageWindow } from './adapters/outage-windows.js';
import { SimulatedGateway } from './adapters/simulated-gateway.js';
import { PaymentService } from './domain/payment-service.js';
import { PAYMENT_TABLE_NAME_ENV, SIMULATED_GATEWAY_OUTAGES_ENV } from './env.js';
import type { PaymentGateway } from './ports.js';
import { primePaymentFunction } from './priming.js';

/** What {@link createHandler} wires together. */
export interface HandlerDeps {
  /** Document client for the payment table. */
  readonly client: DynamoDBDocumentClient;
  /** The payment table (holds payment records and the simulated gateway's ledger). */
  readonly tableName: string | undefined;
  /** @default the SimulatedGateway on the same table */
  readonly gateway?: PaymentGateway;
  /** @default a Powertools Logger for service `payment` (or POWERTOOLS_SERVICE_NAME) */
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
const defaultClient = documentClient();
const defaultLogger = serviceLogger('payment');
const configuredTableName = process.env[PAYMENT_TABLE_NAME_ENV];
// Parsed once per cold start. A malformed value fails Init with an error naming the variable and
// the rule, rather than running a gateway that never goes down as the test or demo asked.
const configuredOutages = parseOutageWindows(process.env[SIMULATED_GATEWAY_OUTAGES_ENV]);

/** Answers, not faults: a declined card, a voided payment, a bad event, a gateway that is down (retried). */
const EXPECTED_ERRORS = [
  ErrorName.InvalidInput,
  ErrorName.PaymentDeclined,
  ErrorName.PaymentVoided,
  ErrorName.PaymentGatewayUnavailable,
  ErrorName.PaymentIdempotencyConflict,
];

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
    if (!deps.tableName) throw new Error(`${PAYMENT_TABLE_NAME_ENV} is not set: the payment step has no table to use`);
    const clock = deps.clock ?? systemClock;
    const gateway = deps.gateway ?? new SimulatedGateway(deps.client, deps.tableName, clock, undefined, deps.gatewayOutages);
    service = new PaymentService(new DynamoDbPaymentStore(deps.client, deps.tableName), gateway, clock);
    return service;
  };

  return lambdaHandler(
    { logger, failureMessage: 'Payment action failed', expectedErrors: EXPECTED_ERRORS },
    async (event): Promise<PaymentResult> => {
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
    },
  );
}

/** `tok_visa` -> `tok_vi…`: enough to recognise a test token, too little to reuse one. */
export function tokenPrefix(token: string): string {
  return token.length > 6 ? `${token.slice(0, 6)}…` : '…';
}

/** The Lambda entry point (`index.handler` in the bundle). */
export const handler: (event: unknown, context?: LambdaContext) => Promise<PaymentResult> = createHandler({
  client: defaultClient,
  tableName: configuredTableName,
  gatewayOutages: configuredOutages,
});

// Last in the module: the dry run needs every declaration above initialized. Lambda's Init
// phase runs this top level once per execution environment, before its first invocation: a dry-run charge here (nothing is
// sent) does the SDK's and this code's one-time work, which the first invocation would
// otherwise do on the function's own share of CPU.
if (configuredTableName) await primePaymentFunction(createHandler, defaultClient, configuredTableName);
