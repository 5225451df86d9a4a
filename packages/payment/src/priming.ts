/**
 * Module-init priming of the payment function (see `@order-flow/contracts/lambda-init` for
 * why): one charge of a test token runs in Init through the real handler, payment service, store,
 * simulated gateway and SDK client, with every DynamoDB call answered in process (a dry run: no
 * request, no IAM, no cost). The first real charge then finds the SDK configured, the schemas
 * walked and the code compiled. Nothing the dry run does is visible: its logger prints nothing,
 * its answers never reach a caller, and it writes nothing.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dryRunClient, primeFunction, type PrimeOutcome } from '@order-flow/contracts/lambda-init';

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

/** The key the opt-in warm-up request reads: no item ever has it (items are `PAYMENT#…`, `GATEWAY#…`, …). */
const WARM_UP_KEY = { pk: 'ORDER-FLOW#warm-up' };

/** What the gateway's attempt counter (an UpdateItem returning UPDATED_NEW) answers for a first tok_visa attempt. */
const FIRST_ATTEMPT = JSON.stringify({
  Attributes: {
    idempotencyKey: { S: PRIME_ORDER_ID },
    amount: { N: '100' },
    currency: { S: 'USD' },
    token: { S: 'tok_visa' },
    status: { S: 'pending' },
    attempts: { N: '1' },
  },
});

/** The handler factory of handler.ts, as priming calls it. */
type HandlerFactory = (deps: { client: DynamoDBDocumentClient; tableName: string; logger: Logger; gatewayOutages: readonly [] }) => (event: unknown) => Promise<unknown>;

/**
 * Primes the payment function: a dry-run charge of tok_visa (GetItem, PutItem, GetItem,
 * UpdateItem, TransactWriteItems, UpdateItem) through `createHandler`, with no outage windows so
 * it takes the capture path. Call with top-level await; never throws.
 * @returns what the priming did (tests assert that no dry run failed)
 */
export function primePaymentFunction(createHandler: HandlerFactory, client: DynamoDBDocumentClient, tableName: string): Promise<PrimeOutcome> {
  const handler = createHandler({
    client: dryRunClient(client, (command) => (command instanceof UpdateCommand ? FIRST_ATTEMPT : '{}')),
    tableName,
    logger: new DryRunLogger(),
    gatewayOutages: [],
  });
  return primeFunction({
    dryRuns: [() => handler({ action: 'charge', orderId: PRIME_ORDER_ID, amount: 100, currency: 'USD', token: 'tok_visa' })],
    warmUp: (abortSignal) => client.send(new GetCommand({ TableName: tableName, Key: WARM_UP_KEY }), { abortSignal }),
  });
}
