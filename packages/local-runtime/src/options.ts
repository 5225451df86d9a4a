/** Options of the local runtime and of its executions. */
import type { Clock, TaskIntegration } from '@order-flow/step-functions';
import type { ConsoleOptions } from './console/server.js';
import type { FaultConfig } from './faults/injector.js';
import type { FunctionLogs, LambdaHostOptions } from './lambda/index.js';
import type { PortOption } from './aws-protocol/tcp-ports.js';

/** Options of {@link LocalRuntime.start}. */
export interface LocalRuntimeOptions {
  /**
   * Directory of the synthesized cloud assembly.
   * @default 'cdk.out'
   */
  readonly assemblyDir?: string;
  /**
   * DynamoDB Local port on 127.0.0.1 (0: a free one); a taken port is an error (PortInUseError).
   * @default - a free port
   */
  readonly dynamodbPort?: number;
  /**
   * The `java` executable for DynamoDB Local (Java 17+).
   * @default - `$JAVA_HOME/bin/java`, else `java` on the PATH
   */
  readonly javaCommand?: string;
  /**
   * Where the functions' stdout/stderr go.
   * @default 'silent'
   */
  readonly functionLogs?: FunctionLogs;
  /**
   * Lambda limits shared by all functions: the account concurrency limit (default 1000, beyond
   * it invocations throttle with `Lambda.TooManyRequestsException`), the local cap on worker
   * threads (`maxEnvironments`) and how long idle environments live (`idleTimeoutMs`).
   */
  readonly lambda?: LambdaHostOptions;
  /**
   * The clock the state machines run on. `'virtual'`: real time while real work is in flight
   * (a function invocation, a DynamoDB request), and whenever nothing is, a jump to the next
   * due timer — retry intervals, Wait states and timeouts keep their real values and order but
   * take no wall time (tests, demos). `'real'`: wall-clock time (`pnpm start`). Waits are never
   * shrunk: a definition runs as written.
   * @default 'real'
   */
  readonly clock?: 'real' | 'virtual' | Clock;
  /**
   * Seed of the engine's random choices (Retry jitter) and of each function's weighted-alias
   * routing draws (mixed with the function's stack and logical id, not its random local name), for
   * repeatable runs.
   * @default - Math.random; routing seeded from the function's name
   */
  readonly seed?: number;
  /**
   * Express workflows only: deliver at least once, as AWS may ("Standard vs. Express Workflows" >
   * execution semantics: Express runs at-least-once). Each Task call is repeated with probability
   * `taskRedelivery` and each execution run again from its start with probability
   * `executionRestart` (seeded by `seed`); counted in `engine.redeliveries`. Standard workflows
   * are exactly-once and unaffected.
   * @default - exactly once
   */
  readonly expressAtLeastOnce?: { readonly taskRedelivery?: number; readonly executionRestart?: number };
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '000000000000' */
  readonly accountId?: string;
  /**
   * Extra Task integrations keyed by Resource ARN prefix (longest prefix wins; replaces a
   * built-in), e.g. `'arn:aws:states:::glue:startJobRun'`.
   * @default {}
   */
  readonly integrations?: Readonly<Record<string, TaskIntegration>>;
  /**
   * Extra environment variables for every function (applied last, so they win), e.g. another
   * service's `AWS_ENDPOINT_URL_*`.
   * @default {}
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Serves the Step Functions API (`@aws-sdk/client-sfn`, AWS CLI) on this port of 127.0.0.1;
   * 0 picks a free port. It always runs: functions of the assembly reach it through
   * `AWS_ENDPOINT_URL_SFN`. See {@link LocalRuntime.stepFunctionsApi}. A `ReservedPort` (for a
   * caller that must know the port first) is handed over: the runtime serves it, or releases it
   * when the start fails.
   * @default 0 (a free port)
   */
  readonly stepFunctionsPort?: PortOption;
  /**
   * Port of the assembly's first API Gateway HTTP API on 127.0.0.1 (others get free ports);
   * 0 picks a free port; a `ReservedPort` is handed over as for `stepFunctionsPort`.
   * @default 0
   */
  readonly apiPort?: PortOption;
  /**
   * Port of the EventBridge PutEvents endpoint functions reach through
   * `AWS_ENDPOINT_URL_EVENTBRIDGE`; 0 picks a free port; a `ReservedPort` is handed over as for
   * `stepFunctionsPort`.
   * @default 0
   */
  readonly eventBridgePort?: PortOption;
  /**
   * Faults the runtime injects into function invocations and the functions' DynamoDB requests
   * (see {@link FaultConfig}); change them at run time with {@link LocalRuntime.setFaults}.
   * @default - no faults
   */
  readonly faults?: FaultConfig;
  /**
   * Puts the DynamoDB fault proxy between the functions and DynamoDB Local, so
   * `faults.dynamodb` can be set at any time. Without it `faults.dynamodb` is a FaultConfigError.
   * @default true
   */
  readonly dynamodbFaultProxy?: boolean;
  /**
   * Keeps DynamoDB Local's data in this directory instead of in memory: a runtime started again
   * on the same directory and assembly finds its tables (created only if absent) and items.
   * Generated physical names (tables, functions, state machines) are then derived from stack
   * name and logical id instead of random, so they are the same on every start.
   * Executions are not persisted: those running at `stop()` are aborted.
   * @default - in memory, fresh tables with random name suffixes on every start
   */
  readonly dynamodbDataDir?: string;
  /**
   * Receives the start-up notices, one line each: every resource type of the assembly the
   * runtime does not emulate and every property it ignores on one it does (see
   * {@link LocalRuntime.unsupported}).
   * @default console.warn
   */
  readonly log?: (message: string) => void;
  /**
   * Starts the local console (see {@link LocalRuntime.startConsole}): `true` on a free port, or
   * its options. Off by default, so runtimes that nobody looks at serve no page.
   * @default false
   */
  readonly console?: boolean | ConsoleOptions;
}

/** Options of {@link LocalRuntime.startExecution}. */
export type StartExecutionOptions = Omit<RunOptions, 'signal'>;

/** Options of {@link LocalRuntime.run}. */
export interface RunOptions {
  /**
   * The state machine: name, ARN, construct path or logical id.
   * @default - the assembly's only state machine
   */
  readonly stateMachine?: string;
  /**
   * Execution name, `^[A-Za-z0-9_-]{1,80}$`, unique per state machine (AWS semantics: reusing
   * the name of a running execution with the same input returns that execution, otherwise it is
   * `ExecutionAlreadyExists`).
   * @default - a random UUID
   */
  readonly name?: string;
  /** Aborts the execution (status ABORTED). */
  readonly signal?: AbortSignal;
  /**
   * Replaces what named Task states do, for this execution only: the function gets the state's
   * effective input and its result (or thrown error, by `name`) is the task's. For faults the
   * real engines cannot produce (a table outage); tests that use it say so in their names.
   * @default - every Task runs its integration
   */
  readonly taskOverrides?: Readonly<Record<string, (input: unknown) => unknown>>;
}

