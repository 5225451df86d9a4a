/**
 * Test helpers of `@order-flow/local` that need Vitest's runtime (`describe`, `it`, `vi`):
 * `@order-flow/local/testing/vitest`. A separate entry point from `@order-flow/local/testing`
 * because that one is first of all a Vitest global setup, which may not import Vitest's runtime.
 *
 * - {@link describePriming}: the shared test suite for module-init priming (`primeFunction` of
 *   `@order-flow/contracts/lambda-init`). Every function that primes its SDK client with dry runs
 *   promises the same four things, so each package states which functions it primes and this
 *   suite checks them all the same way, against DynamoDB Local and the real SDK client.
 * - {@link expectOpaque500} and {@link sdkResourceNotFound}: that an HTTP handler's 500 answer
 *   carries nothing internal.
 *
 * @example
 * // tests/integration/priming.test.ts
 * describePriming({
 *   name: 'payment priming',
 *   dryRuns: 'a dry charge',
 *   template: paymentTableLayout,
 *   prefix: 'payment',
 *   warmUpEnv: WARM_UP_ENV,
 *   functions: [(client, tableName) => primePaymentFunction(createHandler, client, tableName)],
 * });
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { LOCAL_CREDENTIALS } from '../dynamodb/local.js';
import { createTestTable, type TemplateJson, type TestTable } from '../testing.js';

export type { TemplateJson } from '../testing.js';

/** What a priming function reports (`PrimeOutcome` of `@order-flow/contracts/lambda-init`). */
export interface PrimingOutcome {
  readonly dryRuns: number;
  /** Whether the priming function skipped its dry runs (turned off); the suites expect `false`. */
  readonly skipped: boolean;
  readonly failures: readonly unknown[];
  readonly warmUp: string;
}

/** Primes one function's handler with `client` on the table `tableName`. */
export type PrimeWith = (client: DynamoDBDocumentClient, tableName: string) => Promise<PrimingOutcome>;

/** What {@link describePriming} checks. */
export interface PrimingSuiteOptions {
  /** The suite's name, e.g. `'payment priming'`. */
  readonly name: string;
  /** What the functions' dry runs are, for the test names, e.g. `'a dry charge'`. */
  readonly dryRuns: string;
  /** The template declaring the functions' one table (see `createTestTable`). */
  readonly template: TemplateJson | (() => TemplateJson);
  /** Start of the test table's name. */
  readonly prefix: string;
  /** The variable that turns the warm-up request on (`WARM_UP_ENV` of `@order-flow/contracts/lambda-init`). */
  readonly warmUpEnv: string;
  /**
   * Strings only the dry runs use (their ids, e.g. `order-flow-prime`): no line printed while
   * priming may contain one.
   */
  readonly dryRunMarkers: readonly [string, ...string[]];
  /**
   * The package's priming functions, each running one dry run. The warm-up test primes the first
   * with a reachable table and the last with an unreachable one (the same function when there is one).
   */
  readonly functions: readonly [PrimeWith, ...PrimeWith[]];
}

/** A client whose every request would fail: nothing listens on port 1. */
function unreachableClient(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: 'http://127.0.0.1:1', region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 }));
}

/**
 * Declares the priming tests of one package: every dry run completes (a failing one would prime
 * less, silently), no request leaves the process (the table stays empty; an unreachable endpoint
 * changes nothing), the opt-in warm-up sends one read and only a failing warm-up is reported, and
 * priming prints nothing, even at the log level Advanced Logging Controls set.
 *
 * Needs the global setup of `@order-flow/local/testing` (`inject('dynamodbEndpoint')`).
 */
export function describePriming(options: PrimingSuiteOptions): void {
  const { functions } = options;
  const many = functions.length > 1;
  let table: TestTable | undefined;
  const newTable = async () => {
    table = await createTestTable({ endpoint: inject('dynamodbEndpoint'), template: options.template, prefix: options.prefix });
    return table;
  };

  // One after the other, as Lambda runs each function's Init on its own.
  const primeAll = async (client: DynamoDBDocumentClient, tableName: string) => {
    const outcomes: PrimingOutcome[] = [];
    for (const prime of functions) outcomes.push(await prime(client, tableName));
    return outcomes;
  };

  describe(options.name, () => {
    afterEach(async () => {
      vi.unstubAllEnvs();
      await table?.dispose();
      table = undefined;
    });

    it(`runs ${options.dryRuns} to completion and writes nothing`, async () => {
      // Prepare
      const created = await newTable();

      // Act
      const outcomes = await primeAll(created.documentClient, created.tableName);

      // Assess
      for (const outcome of outcomes) expect(outcome).toEqual({ dryRuns: 1, skipped: false, failures: [], warmUp: 'off' });
      expect(await created.scan()).toEqual([]);
    });

    it(`sends no request: the dry run${many ? 's complete' : ' completes'} with nothing listening`, async () => {
      const client = unreachableClient();

      const outcomes = await primeAll(client, `${options.prefix}-nowhere`);

      for (const outcome of outcomes) expect(outcome.failures).toEqual([]);
      client.destroy();
    });

    it(`sends one read as warm-up when ${options.warmUpEnv}=true, and only reports a warm-up that fails`, async () => {
      // Prepare
      const created = await newTable();
      vi.stubEnv(options.warmUpEnv, 'true');
      const client = unreachableClient();

      // Act
      const reachable = await functions[0](created.documentClient, created.tableName);
      const unreachable = await functions[functions.length - 1]!(client, `${options.prefix}-nowhere`);

      // Assess
      expect(reachable).toEqual({ dryRuns: 1, skipped: false, failures: [], warmUp: 'sent' });
      expect(unreachable).toEqual({ dryRuns: 1, skipped: false, failures: [], warmUp: 'failed' });
      expect(await created.scan()).toEqual([]);
      client.destroy();
    });

    it('prints nothing, even at the level Advanced Logging Controls set (AWS_LAMBDA_LOG_LEVEL)', async () => {
      // Prepare
      vi.stubEnv('AWS_LAMBDA_LOG_LEVEL', 'DEBUG');
      const client = unreachableClient();
      const stdout = vi.spyOn(process.stdout, 'write');
      const stderr = vi.spyOn(process.stderr, 'write');

      // Act
      const outcomes = await primeAll(client, `${options.prefix}-nowhere`);

      // Assess
      const written = [...stdout.mock.calls, ...stderr.mock.calls].map(([chunk]) => String(chunk)).filter((line) => options.dryRunMarkers.some((marker) => line.includes(marker)));
      stdout.mockRestore();
      stderr.mockRestore();
      expect(written).toEqual([]);
      expect(outcomes.flatMap((outcome) => outcome.failures)).toEqual([]);
      client.destroy();
    });
  });
}

/**
 * An error as the AWS SDK raises one for a table that is not there (`ResourceNotFoundException`):
 * the internal table name in its message and a stack with file paths (`frames`, e.g.
 * `'DynamoDbStockStore.getStock (/var/task/index.mjs:3:210)'`). What an HTTP handler must log
 * and never answer with.
 */
export function sdkResourceNotFound(tableName: string, frames: readonly string[]): Error {
  const error = new Error(`Requested resource not found: Table: ${tableName} not found`);
  error.name = 'ResourceNotFoundException';
  error.stack = [`${error.name}: ${error.message}`, ...frames.map((frame) => `    at ${frame}`)].join('\n');
  return error;
}

/** What {@link expectOpaque500} expects of a 500 answer. */
export interface Opaque500Options {
  /** The JSON body the handler answers for any unexpected failure, e.g. `{ error: 'InternalError' }`. */
  readonly body: unknown;
  /** Names that must not reach the client: table names, ARNs, variables. */
  readonly internalNames: readonly string[];
}

/**
 * Asserts that `response` is the bare 500 with `options.body` an HTTP handler answers for a
 * failure it did not expect, and that nothing internal reached the client: no stack frame, file
 * path or SDK error name, and none of `options.internalNames`, anywhere in the response (body and
 * headers).
 */
export function expectOpaque500(response: { readonly statusCode: number; readonly body: string }, options: Opaque500Options): void {
  const { body, internalNames } = options;
  expect(response.statusCode).toBe(500);
  expect(JSON.parse(response.body)).toEqual(body);
  const wire = JSON.stringify(response);
  for (const leak of [' at ', '/var/task', '.ts:', '.mjs', 'ResourceNotFound', ...internalNames]) {
    expect(wire).not.toContain(leak);
  }
}
