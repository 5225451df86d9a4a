/**
 * Module-init priming for the Order Flow Lambda handlers (`@order-flow/contracts/lambda-init`;
 * Node only, so it is not exported from the package root, which stays browser-safe).
 *
 * Why: a fresh AWS SDK v3 client does most of its one-time work on its first `send`, not when it
 * is created: it resolves region, credentials, endpoint, user agent and retry settings, builds
 * each operation's middleware stack, walks the operation's schemas for the first time, signs for
 * the first time (the signing key), and compiles every function on that path (V8 compiles
 * lazily). On a cold start that lands in the first invocation, billed to the function and run with
 * its share of CPU. Running the same operations once at module top level (Lambda's Init phase,
 * once per execution environment, before the first invocation) moves that work out of the
 * invocation: still paid for (Init is billed), but no longer in the first request's latency.
 *
 * How, without a request: {@link dryRun} marks a command so that it runs through the client's
 * whole middleware stack (serialize, endpoint, user agent, retry, signing, deserialize) and gets a
 * canned answer where the HTTP request would have been sent; nothing leaves the process, no IAM
 * permission is used, nothing is billed. The one thing a dry run cannot do is open the connection
 * (TCP, and TLS on AWS): only a real request does, which {@link primeFunction} sends only when the
 * function opts in with {@link WARM_UP_ENV}, because it costs a request per cold start.
 *
 * Structural types only: contracts has no AWS dependency; any AWS SDK v3 command fits.
 *
 * @example
 * const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
 * await primeFunction({
 *   dryRuns: [() => client.send(dryRun(new GetCommand({ TableName: table, Key: { pk: 'x' } }), '{"Item":{}}'))],
 *   warmUp: (abortSignal) => client.send(new GetCommand({ TableName: table, Key: { pk: 'x' } }), { abortSignal }),
 * });
 */

/**
 * Name of the `performance.measure` entry {@link primeFunction} records around its work, so a
 * benchmark (tools/bench) or a profiler can tell explicit init work from module loading.
 */
export const FUNCTION_INIT_MEASURE = 'order-flow:function-init';

/**
 * Environment variable that turns on the warm-up request: `true` makes {@link primeFunction} send
 * one real request in Init (the `warmUp` it is given: a read of a key that never exists), which
 * opens the connection so the first invocation does not pay for it. Off by default: it costs one
 * request per cold start (a GetItem: half a read request unit) and needs the read permission.
 */
export const WARM_UP_ENV = 'ORDER_FLOW_WARM_UP';

/**
 * Environment variable that turns the dry runs off: `off` makes {@link primeFunction} skip them,
 * so the first invocation does the SDK's one-time work instead of Init. Priming moves that work,
 * it does not remove it, and the dry run adds some of its own (tools/bench measures each handler
 * with the dry runs on and off): worth it where Init has more CPU than the invocation (on-demand
 * functions: Init runs on a full vCPU, an invocation on the memory's share, one vCPU at 1,769 MB),
 * not where it has the same (provisioned concurrency, whose Init gets no burst).
 */
export const PRIMING_ENV = 'ORDER_FLOW_PRIMING';

/** How long the warm-up request may hold up Init before it is abandoned. */
export const WARM_UP_TIMEOUT_MS = 1_000;

/** The one middleware-stack method {@link dryRun} uses (AWS SDK v3 commands have it). */
export interface PrimableCommand {
  readonly middlewareStack: {
    add(middleware: CannedAnswerMiddleware, options: { step: 'deserialize'; priority: 'low'; name: string; override: boolean }): void;
  };
}

/** What the dry-run middleware receives: the built (and signed) HTTP request. */
interface BuiltRequest {
  readonly request?: { readonly protocol?: string };
}

/** A Smithy deserialize-step middleware, typed as loosely as the SDK's own stack allows. */
type CannedAnswerMiddleware = (next: unknown, context: unknown) => (args: BuiltRequest) => Promise<{ response: unknown; output?: unknown }>;

const DRY_RUN_MIDDLEWARE = 'orderFlowDryRun';

/**
 * Marks `command` so that sending it answers `responseBody` (JSON, HTTP 200) instead of sending
 * the request: the whole client pipeline runs, the network is not touched.
 *
 * For a plain-http endpoint (DynamoDB Local, the local runtime) the SDK's HTTP handler imports
 * `node:http` lazily on its first request, and in Node 24 that import also loads undici (the
 * module's `WebSocket` getters): tens of milliseconds. The dry run does that import too, so it
 * happens in Init. On AWS (https) the SDK has `node:https` already and nothing extra is loaded.
 *
 * @param command an AWS SDK v3 command, sent once with the client it will be used with
 * @param responseBody what the service would answer, e.g. `'{"Item":{"pk":{"S":"x"}}}'` for a
 *   GetItem, so the output path (unmarshalling) is exercised too
 * @returns the same command
 */
export function dryRun<C extends PrimableCommand>(command: C, responseBody = '{}'): C {
  const body = new TextEncoder().encode(responseBody);
  command.middlewareStack.add(
    () => async (args) => {
      if (args.request?.protocol === 'http:') await import('node:http');
      return {
        response: {
          statusCode: 200,
          reason: 'OK',
          headers: { 'content-type': 'application/x-amz-json-1.0', 'content-length': String(body.byteLength), 'x-amzn-requestid': 'dry-run' },
          body,
        },
      };
    },
    // Innermost (deserialize, low): everything else, signing included, runs first. `override`
    // because lib-dynamodb applies its command's stack to the inner client command as well.
    { step: 'deserialize', priority: 'low', name: DRY_RUN_MIDDLEWARE, override: true },
  );
  return command;
}

/** Something with an AWS SDK v3 client's `send`. */
export interface SendingClient {
  send(command: never, ...rest: never[]): Promise<unknown>;
}

/**
 * A view of `client` on which every `send` is a {@link dryRun}: hand it to the function's own
 * adapter (store, gateway) and call the adapter's methods, so the priming runs the very commands
 * the adapter builds, not a copy of them. The view shares the client's configuration and
 * caches; nothing else changes on the client.
 *
 * @param responseBody the canned answer for a command (default `'{}'`: found nothing, wrote fine)
 */
export function dryRunClient<T extends SendingClient>(client: T, responseBody: (command: unknown) => string = () => '{}'): T {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver) as unknown;
      return (command: PrimableCommand, ...rest: unknown[]) =>
        (target.send as (command: PrimableCommand, ...rest: unknown[]) => Promise<unknown>)(dryRun(command, responseBody(command)), ...rest);
    },
  });
}

/** What {@link primeFunction} runs. */
export interface PrimeOptions {
  /**
   * The function's operations, each sent once with {@link dryRun} (no request leaves). Run in
   * order; a failure (no region or credentials, as in a unit test) is ignored: the real call
   * reports it.
   */
  readonly dryRuns: readonly (() => Promise<unknown>)[];
  /**
   * A real, read-only request that opens the connection; sent only when {@link WARM_UP_ENV} is
   * `true`, abandoned after {@link WARM_UP_TIMEOUT_MS}, and its failure ignored (Init must not
   * fail because DynamoDB was briefly unreachable).
   */
  readonly warmUp?: (abortSignal: AbortSignal) => Promise<unknown>;
  /** @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** What {@link primeFunction} did: the `detail` of its performance measure, and its return value. */
export interface PrimeOutcome {
  /** Dry runs that completed. */
  readonly dryRuns: number;
  /** Whether the dry runs were turned off ({@link PRIMING_ENV} `off`): none was run. */
  readonly skipped: boolean;
  /**
   * `name: message` of each dry run that threw. Priming never fails Init, so this is the only
   * trace of a dry run that stopped short (and primed less than it should): tests assert it is
   * empty, and tools/bench refuses a measurement where it is not.
   */
  readonly failures: readonly string[];
  /** Whether the warm-up request was not asked for, answered, or failed (ignored). */
  readonly warmUp: 'off' | 'sent' | 'failed';
}

/**
 * Primes the function's SDK clients at module init: call it with top-level `await` in the
 * handler module (ESM), after the clients are created and, since the dry runs call the
 * module's own code, after everything they use is declared (last in the module). Never throws.
 *
 * @returns what was done, also recorded as the `detail` of the {@link FUNCTION_INIT_MEASURE}
 *   performance measure
 */
export async function primeFunction(options: PrimeOptions): Promise<PrimeOutcome> {
  const start = performance.now();
  const env = options.env ?? process.env;
  const skipped = env[PRIMING_ENV] === 'off';
  let dryRuns = 0;
  const failures: string[] = [];
  for (const run of skipped ? [] : options.dryRuns) {
    try {
      await run();
      dryRuns++;
    } catch (error) {
      // Best effort: priming must never make Init fail; the invocation meets the real error.
      failures.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    }
  }
  let warmUp: PrimeOutcome['warmUp'] = 'off';
  if (options.warmUp && env[WARM_UP_ENV] === 'true') {
    try {
      await options.warmUp(AbortSignal.timeout(WARM_UP_TIMEOUT_MS));
      warmUp = 'sent';
    } catch {
      // Same: a warm-up that fails only means the first invocation opens the connection itself.
      warmUp = 'failed';
    }
  }
  const outcome: PrimeOutcome = { dryRuns, skipped, failures, warmUp };
  performance.measure(FUNCTION_INIT_MEASURE, { start, end: performance.now(), detail: outcome });
  return outcome;
}
