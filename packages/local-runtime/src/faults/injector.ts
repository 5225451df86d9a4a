/**
 * Configuration-driven fault injection: the runtime, not the function code, decides that an
 * invocation crashes, times out or is throttled, and that a DynamoDB request is throttled or its
 * transaction conflicts. Every decision comes from a seeded PRNG so a failing run can be replayed.
 */
import { mulberry32 } from '@order-flow/step-functions';
import type { InvocationOutcome, LambdaErrorPayload } from '../lambda/index.js';

/** Faults of one Lambda function. Every rate is a probability in 0..1 per invocation. */
export interface FunctionFaults {
  /**
   * Run the handler to completion (side effects happen), then report a crash instead of its
   * result: errorType `Runtime.ExitError`, like a process killed before it could answer.
   * @default 0
   */
  readonly crashAfterSuccessRate?: number;
  /**
   * Run the handler to completion (side effects happen), then report a timeout instead of its
   * result: errorType `Sandbox.Timedout`. Reported as soon as the handler returns, not after the
   * function's Timeout elapses, so tests stay fast.
   * @default 0
   */
  readonly timeoutAfterSuccessRate?: number;
  /**
   * Fail before running (no side effect) with Lambda's throttling error,
   * errorType `Lambda.TooManyRequestsException`.
   * @default 0
   */
  readonly throttleRate?: number;
}

/** The error DynamoDB answers a throttled request with. */
export type DynamoDbThrottleError = 'ProvisionedThroughputExceededException' | 'ThrottlingException';

/** Faults of the DynamoDB requests the functions send. Every rate is a probability in 0..1 per request. */
export interface DynamoDbFaults {
  /**
   * Fraction of requests answered with a throttling error ({@link DynamoDbFaults.throttleError})
   * without reaching DynamoDB Local. The AWS SDK retries these itself (the DynamoDB client of
   * SDK v3 makes up to 4 attempts with backoff), so a function sees the error only when every
   * attempt was throttled.
   * @default 0
   */
  readonly throttleRate?: number;
  /**
   * Which throttling error {@link DynamoDbFaults.throttleRate} produces.
   * @default 'ProvisionedThroughputExceededException'
   */
  readonly throttleError?: DynamoDbThrottleError;
  /**
   * Fraction of TransactWriteItems answered with `TransactionCanceledException` whose
   * `CancellationReasons` has one `{ Code: 'TransactionConflict' }` per TransactItem, without
   * reaching DynamoDB Local (no item is written). The SDK does not retry these.
   * @default 0
   */
  readonly transactionConflictRate?: number;
  /**
   * Only requests of these operations are faulted, e.g. `['TransactWriteItems', 'UpdateItem']`.
   * @default - all operations
   */
  readonly operations?: readonly string[];
}

/**
 * What the local runtime injects. Pass it to `LocalRuntime.start({ faults })` or
 * `runtime.setFaults(faults)`; an empty object turns every fault off.
 *
 * @example
 * runtime.setFaults({
 *   seed: 42,
 *   functions: { 'MyStack/Payment/Handler': { crashAfterSuccessRate: 0.2 } },
 *   dynamodb: { throttleRate: 0.1, transactionConflictRate: 0.1, operations: ['TransactWriteItems'] },
 * });
 */
export interface FaultConfig {
  /**
   * Faults per function, keyed by anything `runtime.invoke` accepts (function name, ARN, logical
   * id, construct path) or a unique construct path suffix (`Payment/Handler`).
   * @default {}
   */
  readonly functions?: Readonly<Record<string, FunctionFaults>>;
  /**
   * Faults of the functions' DynamoDB requests (injected by a proxy in front of DynamoDB Local;
   * requests sent straight to `runtime.dynamodb.endpoint` are never faulted).
   * @default - none
   */
  readonly dynamodb?: DynamoDbFaults;
  /**
   * Seed of the deterministic random source, so a failing run can be replayed: the same seed and
   * the same sequence of invocations/requests give the same faults.
   * @default - a random seed, reported by `faultStats().seed`
   */
  readonly seed?: number;
}

/** Faults injected into one function since the last `setFaults`. */
export interface FunctionFaultStats {
  /** Invocations the rule was consulted for. */
  readonly invocations: number;
  readonly crashAfterSuccess: number;
  readonly timeoutAfterSuccess: number;
  readonly throttle: number;
}

/** Faults injected into DynamoDB requests since the last `setFaults`. */
export interface DynamoDbFaultStats {
  /** Requests that went through the fault proxy (faulted or forwarded). */
  readonly requests: number;
  readonly throttle: number;
  readonly transactionConflict: number;
}

/** Counters of injected faults (see `LocalRuntime.faultStats`). */
export interface FaultStats {
  /** The seed in use: pass it back in {@link FaultConfig.seed} to replay a run. */
  readonly seed: number;
  /** Per key of {@link FaultConfig.functions}. */
  readonly functions: Readonly<Record<string, FunctionFaultStats>>;
  readonly dynamodb: DynamoDbFaultStats;
  /** Every injected fault, functions and DynamoDB together. */
  readonly total: number;
}

/** A fault decided for one DynamoDB request. */
export type DynamoDbFault = { readonly kind: 'throttle'; readonly error: DynamoDbThrottleError } | { readonly kind: 'transactionConflict' };

/** Thrown by `setFaults` / `start` for a rate out of 0..1, an unknown operation or function. */
export class FaultConfigError extends Error {
  override readonly name = 'FaultConfigError';
}

/**
 * DynamoDB operations a fault rule may name (data plane plus the control-plane calls functions
 * make), so a typo like `TransactWriteItem` fails instead of silently faulting nothing.
 */
export const DYNAMODB_OPERATIONS: readonly string[] = [
  'BatchExecuteStatement',
  'BatchGetItem',
  'BatchWriteItem',
  'DeleteItem',
  'DescribeTable',
  'ExecuteStatement',
  'ExecuteTransaction',
  'GetItem',
  'ListTables',
  'PutItem',
  'Query',
  'Scan',
  'TransactGetItems',
  'TransactWriteItems',
  'UpdateItem',
];

// The engine's seeded PRNG (mulberry32), the one implementation behind Retry jitter, Express
// redelivery and these fault rates; re-exported for this package's users (`@order-flow/local/faults`).
export { mulberry32 };

/**
 * One independent stream per rule (function key, DynamoDB), derived from the seed: traffic of
 * one function never shifts the fault sequence of another, so a replay holds even when
 * functions run concurrently.
 */
function streamSeed(seed: number, key: string): number {
  // FNV-1a over the key, mixed with the seed.
  let hash = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

interface FunctionRule {
  readonly key: string;
  readonly faults: Required<FunctionFaults>;
  readonly random: () => number;
  stats: { invocations: number; crashAfterSuccess: number; timeoutAfterSuccess: number; throttle: number };
}

/**
 * One fault configuration in force: validates it, decides faults with its own seeded streams and
 * counts what it injected. `setFaults` replaces the whole injector, so counters and random
 * streams restart with the new configuration.
 */
export class FaultInjector {
  /** The seed of every random stream of this configuration. */
  readonly seed: number;
  private readonly rules = new Map<string, FunctionRule>();
  private readonly dynamodb?: {
    readonly throttleRate: number;
    readonly throttleError: DynamoDbThrottleError;
    readonly transactionConflictRate: number;
    readonly operations?: ReadonlySet<string>;
    readonly random: () => number;
  };
  private readonly dynamodbStats = { requests: 0, throttle: 0, transactionConflict: 0 };

  /**
   * @param config the faults to inject
   * @param resolveFunction maps a key of `config.functions` to the function's stable identity
   *   (its local name); throws for an unknown key
   * @throws FaultConfigError for invalid rates, operations or two keys naming one function
   */
  constructor(config: FaultConfig = {}, resolveFunction: (key: string) => string = (key) => key) {
    if (config.seed !== undefined && !Number.isInteger(config.seed)) throw new FaultConfigError(`faults.seed must be an integer, got ${config.seed}`);
    this.seed = config.seed ?? Math.floor(Math.random() * 2 ** 32);
    const owners = new Map<string, string>();
    for (const [key, faults] of Object.entries(config.functions ?? {})) {
      const functionName = resolveFunction(key);
      const other = owners.get(functionName);
      if (other !== undefined) throw new FaultConfigError(`faults.functions keys '${other}' and '${key}' name the same function ${functionName}`);
      owners.set(functionName, key);
      this.rules.set(functionName, {
        key,
        faults: {
          crashAfterSuccessRate: rate(faults.crashAfterSuccessRate, `faults.functions['${key}'].crashAfterSuccessRate`),
          timeoutAfterSuccessRate: rate(faults.timeoutAfterSuccessRate, `faults.functions['${key}'].timeoutAfterSuccessRate`),
          throttleRate: rate(faults.throttleRate, `faults.functions['${key}'].throttleRate`),
        },
        random: mulberry32(streamSeed(this.seed, `function:${key}`)),
        stats: { invocations: 0, crashAfterSuccess: 0, timeoutAfterSuccess: 0, throttle: 0 },
      });
    }
    if (config.dynamodb) {
      const { operations, throttleError = 'ProvisionedThroughputExceededException' } = config.dynamodb;
      const unknown = (operations ?? []).filter((operation) => !DYNAMODB_OPERATIONS.includes(operation));
      if (unknown.length > 0) {
        throw new FaultConfigError(`faults.dynamodb.operations: unknown operation(s) ${unknown.join(', ')} (known: ${DYNAMODB_OPERATIONS.join(', ')})`);
      }
      if (throttleError !== 'ProvisionedThroughputExceededException' && throttleError !== 'ThrottlingException') {
        throw new FaultConfigError(`faults.dynamodb.throttleError must be ProvisionedThroughputExceededException or ThrottlingException, got ${String(throttleError)}`);
      }
      this.dynamodb = {
        throttleRate: rate(config.dynamodb.throttleRate, 'faults.dynamodb.throttleRate'),
        throttleError,
        transactionConflictRate: rate(config.dynamodb.transactionConflictRate, 'faults.dynamodb.transactionConflictRate'),
        ...(operations !== undefined && { operations: new Set(operations) }),
        random: mulberry32(streamSeed(this.seed, 'dynamodb')),
      };
    }
  }

  /**
   * Invokes a function through its fault rule (if any): a throttle answers before `run` is
   * called; a crash or timeout replaces a successful result after `run` completed. A function
   * error from `run` is reported as is.
   */
  async invokeFunction(functionName: string, timeoutSeconds: number, run: () => Promise<InvocationOutcome>): Promise<InvocationOutcome> {
    const rule = this.rules.get(functionName);
    if (!rule) return run();
    // Always three draws per invocation, whatever happens, so the n-th invocation meets the same
    // numbers in a replay even if earlier outcomes differed (e.g. a handler error).
    const throttleDraw = rule.random();
    const crashDraw = rule.random();
    const timeoutDraw = rule.random();
    rule.stats.invocations++;
    if (throttleDraw < rule.faults.throttleRate) {
      rule.stats.throttle++;
      return failure({ errorType: 'Lambda.TooManyRequestsException', errorMessage: 'Rate Exceeded.' });
    }
    const outcome = await run();
    if (!outcome.ok) return outcome;
    if (crashDraw < rule.faults.crashAfterSuccessRate) {
      rule.stats.crashAfterSuccess++;
      return failure({ errorType: 'Runtime.ExitError', errorMessage: 'Runtime exited with error: signal: killed' });
    }
    if (timeoutDraw < rule.faults.timeoutAfterSuccessRate) {
      rule.stats.timeoutAfterSuccess++;
      return failure({ errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${timeoutSeconds.toFixed(2)} seconds` });
    }
    return outcome;
  }

  /** Decides the fault of one DynamoDB request (by its operation), counting it; `undefined` = forward. */
  dynamodbFault(operation: string): DynamoDbFault | undefined {
    this.dynamodbStats.requests++;
    const rules = this.dynamodb;
    if (!rules || (rules.operations && !rules.operations.has(operation))) return undefined;
    // Throttling is decided first: DynamoDB rejects a throttled request before evaluating it.
    const throttleDraw = rules.random();
    if (throttleDraw < rules.throttleRate) {
      this.dynamodbStats.throttle++;
      return { kind: 'throttle', error: rules.throttleError };
    }
    if (operation === 'TransactWriteItems') {
      const conflictDraw = rules.random();
      if (conflictDraw < rules.transactionConflictRate) {
        this.dynamodbStats.transactionConflict++;
        return { kind: 'transactionConflict' };
      }
    }
    return undefined;
  }

  /** A snapshot of the counters. */
  stats(): FaultStats {
    const functions = Object.fromEntries([...this.rules.values()].map((rule) => [rule.key, { ...rule.stats }]));
    const functionTotal = [...this.rules.values()].reduce((sum, { stats }) => sum + stats.crashAfterSuccess + stats.timeoutAfterSuccess + stats.throttle, 0);
    return {
      seed: this.seed,
      functions,
      dynamodb: { ...this.dynamodbStats },
      total: functionTotal + this.dynamodbStats.throttle + this.dynamodbStats.transactionConflict,
    };
  }
}

function rate(value: number | undefined, label: string): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new FaultConfigError(`${label} must be a number from 0 to 1, got ${String(value)}`);
  }
  return value;
}

function failure(error: LambdaErrorPayload): InvocationOutcome {
  return { ok: false, error };
}
