/**
 * Module-init priming of the Order API function (see `@order-flow/contracts/lambda-init` for
 * why): a `POST /orders` and a `GET /orders/{orderId}` run in Init through the real handler,
 * order service, store, workflow adapter and both SDK clients, with every call answered in
 * process (a dry run: no request, no IAM, no cost; no order is written and no execution started).
 * The first real request then finds the SDKs configured, the schemas walked and the code
 * compiled. Nothing the dry run does is visible: its logger prints nothing and its answers never
 * reach a client.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { JsonResponse } from '@order-flow/contracts';
import { dryRunClient, primeFunction, type PrimeOutcome } from '@order-flow/contracts/lambda-init';
import { DynamoDbOrderStore, OrderService } from '@order-flow/order-status/runtime';
import type { HandlerDependencies } from './handler.js';

/**
 * The dry run's logger: it formats every entry as the real one does (priming that code too) and
 * prints none, whatever the level. `logLevel: 'SILENT'` would not do: on AWS, Advanced Logging
 * Controls (AWS_LAMBDA_LOG_LEVEL, with log-level filtering on) override a logger's own level.
 */
class DryRunLogger extends Logger {
  protected override printLog(): void {
    // Nothing: the dry run's lines would read like real work.
  }
}

/** A valid order id no real order is given. */
const PRIME_ORDER_ID = 'order-flow-prime';

/**
 * The key the opt-in warm-up request reads: `#` is outside the id alphabet (contracts'
 * ID_PATTERN), so no order ever has it.
 */
const WARM_UP_KEY = { orderId: '#order-flow-warm-up' };

/** The handler factory of handler.ts, as priming calls it. */
type HandlerFactory = (deps: HandlerDependencies) => (event: unknown) => Promise<JsonResponse>;

/** The API answers errors instead of throwing them: a dry run that did not answer `expected` failed. */
async function expectStatus(response: Promise<JsonResponse>, expected: number): Promise<void> {
  const { statusCode, body } = await response;
  if (statusCode !== expected) throw new Error(`dry run answered ${statusCode}, not ${expected}: ${body}`);
}

function event(routeKey: string, rest: Record<string, unknown>): Record<string, unknown> {
  return { version: '2.0', routeKey, headers: { 'content-type': 'application/json' }, requestContext: { requestId: 'order-flow-prime' }, isBase64Encoded: false, ...rest };
}

/**
 * Primes the Order API function: a dry-run POST (PutItem answered as written, StartExecution
 * answered as started: 202) and GET (GetItem answered as not found: 404) through
 * `createHandler`. Call with top-level await; never throws.
 * @returns what the priming did (tests assert that no dry run failed)
 */
export function primeOrderApiFunction(
  createHandler: HandlerFactory,
  clients: { readonly dynamodb: DynamoDBDocumentClient; readonly sfn: SFNClient },
  config: { readonly tableName: string; readonly stateMachineArn: string },
): Promise<PrimeOutcome> {
  const started = JSON.stringify({ executionArn: `${config.stateMachineArn.replace(':stateMachine:', ':execution:')}:${PRIME_ORDER_ID}`, startDate: 0 });
  const handler = createHandler({
    orders: new OrderService(new DynamoDbOrderStore(dryRunClient(clients.dynamodb), config.tableName)),
    sfn: dryRunClient(clients.sfn, () => started),
    stateMachineArn: config.stateMachineArn,
    logger: new DryRunLogger(),
  });
  const order = { orderId: PRIME_ORDER_ID, customerId: 'order-flow-prime', items: [{ sku: 'ORDER-FLOW-PRIME', quantity: 1 }], payment: { token: 'tok_visa' }, currency: 'USD' };
  return primeFunction({
    dryRuns: [
      () => expectStatus(handler(event('POST /orders', { rawPath: '/orders', body: JSON.stringify(order) })), 202),
      () => expectStatus(handler(event('GET /orders/{orderId}', { rawPath: `/orders/${PRIME_ORDER_ID}`, pathParameters: { orderId: PRIME_ORDER_ID } })), 404),
    ],
    warmUp: (abortSignal) => clients.dynamodb.send(new GetCommand({ TableName: config.tableName, Key: WARM_UP_KEY }), { abortSignal }),
  });
}
