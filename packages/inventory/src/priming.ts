/**
 * Module-init priming of the two inventory functions (see `@order-flow/contracts/lambda-init`
 * for why): each runs its common path once in Init, through its real handler, store and SDK
 * client, with every DynamoDB call answered in process (a dry run: no request, no IAM, no cost).
 * The first real invocation then finds the SDK configured, the schemas walked and the code
 * compiled. Nothing the dry run does is visible: its logger prints nothing, its answers never
 * reach a caller, and it writes nothing.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { BatchGetCommand, GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dryRunClient, primeFunction, type PrimeOutcome } from '@order-flow/contracts/lambda-init';
import { DynamoDbStockStore, stockKey } from './adapters/dynamodb-stock-store.js';
import type { StockStore } from './ports.js';

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

/** Ids the dry runs use: valid ids that no real order or SKU is given. */
const PRIME_SKU = 'ORDER-FLOW-PRIME';
const PRIME_ORDER_ID = 'order-flow-prime';

/** The key the opt-in warm-up request reads: no item ever has it (stock is `SKU#…`, reservations `RES#…`). */
const WARM_UP_KEY = { pk: 'ORDER-FLOW#warm-up' };

/** A handler as both entries build it, from a store and a logger. */
type HandlerFactory = (deps: { store: StockStore; logger: Logger }) => (event: unknown) => Promise<unknown>;

/**
 * Canned DynamoDB answers that lead a reserve of {@link PRIME_SKU} down the success path: no
 * earlier reservation, the SKU priced, the transaction accepted.
 */
function answers(tableName: string) {
  const priced = JSON.stringify({ Responses: { [tableName]: [{ sku: { S: PRIME_SKU }, unitPrice: { N: '100' } }] }, UnprocessedKeys: {} });
  const stock = JSON.stringify({ Item: { pk: { S: stockKey(PRIME_SKU) }, sku: { S: PRIME_SKU }, available: { N: '1' }, unitPrice: { N: '100' } } });
  return (command: unknown): string => {
    if (command instanceof BatchGetCommand) return priced;
    // A GetItem by the API reads stock; the step's reads a reservation, which must not exist.
    if (command instanceof GetCommand && (command.input.Key as { pk?: unknown } | undefined)?.pk === stockKey(PRIME_SKU)) return stock;
    return '{}';
  };
}

/** The API answers errors instead of throwing them: a dry run that did not answer 200 failed. */
async function expectOk(response: Promise<unknown>): Promise<void> {
  const { statusCode, body } = (await response) as { statusCode: number; body: string };
  if (statusCode !== 200) throw new Error(`dry run answered ${statusCode}, not 200: ${body}`);
}

function primingParts(client: DynamoDBDocumentClient, tableName: string) {
  return {
    store: new DynamoDbStockStore(dryRunClient(client, answers(tableName)), tableName),
    logger: new DryRunLogger(),
    warmUp: (abortSignal: AbortSignal) => client.send(new GetCommand({ TableName: tableName, Key: WARM_UP_KEY }), { abortSignal }),
  };
}

/**
 * Primes the reserve/release function: one dry-run reserve (GetItem, BatchGetItem,
 * TransactWriteItems) through `createHandler`. Call with top-level await; never throws.
 * @returns what the priming did (tests assert that no dry run failed)
 */
export function primeStepFunction(createHandler: HandlerFactory, client: DynamoDBDocumentClient, tableName: string): Promise<PrimeOutcome> {
  const { store, logger, warmUp } = primingParts(client, tableName);
  const handler = createHandler({ store, logger });
  return primeFunction({
    dryRuns: [() => handler({ action: 'reserve', orderId: PRIME_ORDER_ID, items: [{ sku: PRIME_SKU, quantity: 1 }] })],
    warmUp,
  });
}

/**
 * Primes the stock API function: one dry-run `GET /inventory/{sku}` (GetItem) through
 * `createApiHandler`. Call with top-level await; never throws.
 * @returns what the priming did (tests assert that no dry run failed)
 */
export function primeApiFunction(createApiHandler: HandlerFactory, client: DynamoDBDocumentClient, tableName: string): Promise<PrimeOutcome> {
  const { store, logger, warmUp } = primingParts(client, tableName);
  const handler = createApiHandler({ store, logger });
  return primeFunction({
    dryRuns: [
      () =>
        expectOk(handler({
          version: '2.0',
          routeKey: 'GET /inventory/{sku}',
          rawPath: `/inventory/${PRIME_SKU}`,
          pathParameters: { sku: PRIME_SKU },
          headers: {},
          requestContext: { requestId: 'order-flow-prime' },
          isBase64Encoded: false,
        })),
    ],
    warmUp,
  });
}
