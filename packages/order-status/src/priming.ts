/**
 * Module-init priming of the order-status function (see `@order-flow/contracts/lambda-init` for
 * why): one `create` runs in Init through the real handler, order service, store and SDK client,
 * with the DynamoDB call answered in process (a dry run: no request, no IAM, no cost). The first
 * real invocation then finds the SDK configured, the schemas walked and the code compiled.
 * Nothing the dry run does is visible: its logger prints nothing, its answer never reaches a
 * caller, and it writes nothing.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dryRunClient, primeFunction, type PrimeOutcome } from '@order-flow/contracts/lambda-init';
import { DynamoDbOrderStore } from './adapters/dynamodb-order-store.js';
import { OrderService } from './order-service.js';

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

/**
 * The key the opt-in warm-up request reads: `#` is outside the id alphabet (contracts'
 * ID_PATTERN), so no order ever has it.
 */
const WARM_UP_KEY = { orderId: '#order-flow-warm-up' };

/** The handler factory of handler.ts, as priming calls it. */
type HandlerFactory = (deps: { service: OrderService; logger: Logger }) => (event: unknown) => Promise<unknown>;

/**
 * Primes the order-status function: a dry-run `create` (a conditional PutItem, answered as
 * written) through `createHandler`. Call with top-level await; never throws.
 * @returns what the priming did (tests assert that no dry run failed)
 */
export function primeOrderStatusFunction(createHandler: HandlerFactory, client: DynamoDBDocumentClient, tableName: string): Promise<PrimeOutcome> {
  const handler = createHandler({
    service: new OrderService(new DynamoDbOrderStore(dryRunClient(client), tableName)),
    logger: new DryRunLogger(),
  });
  return primeFunction({
    dryRuns: [
      () =>
        handler({
          action: 'create',
          order: {
            orderId: 'order-flow-prime',
            customerId: 'order-flow-prime',
            items: [{ sku: 'ORDER-FLOW-PRIME', quantity: 1 }],
            payment: { token: 'tok_visa' },
            currency: 'USD',
          },
        }),
    ],
    warmUp: (abortSignal) => client.send(new GetCommand({ TableName: tableName, Key: WARM_UP_KEY }), { abortSignal }),
  });
}
