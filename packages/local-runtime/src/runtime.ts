import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createHash } from 'node:crypto';
import { readCloudAssembly, type AssemblyStack, type CloudAssembly, type TemplateResource } from './cloud-assembly.js';
import { LOCAL_CREDENTIALS, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.js';
import { FunctionError, LambdaHost, LocalFunction, locateFunctionCode, logStreamName, planVersionsAndAliases, type FunctionCode, type FunctionLogs, type InvocationOutcome, type LambdaHostOptions } from './lambda/index.js';
import { AssemblyResolver, DEFAULT_ENVIRONMENT, type Environment } from './resolver.js';
import {
  RealClock,
  StepFunctionsEngine,
  VirtualClock,
  type Clock,
  type ExecutionDescription,
  type ExecutionResult as EngineExecutionResult,
  type HistoryEvent,
  type LambdaOutcome,
  type TaskIntegration,
} from '@order-flow/step-functions';
import { LocalEventBridge, eventBusNamesFromAssembly, eventRulesFromAssembly, type EventRecorder } from './eventbridge/index.js';
import { httpApisFromAssembly, startHttpApi, type HttpApiDefinition } from './http-api.js';
import type { LocalEndpoint } from './http-server.js';
import { assertPortFree, findFreePort } from './ports.js';
import { startStepFunctionsApi, type StepFunctionsApi, type StepFunctionsApiOptions } from './stepfunctions/api.js';
import { builtInIntegrations, MessageRecorder } from './stepfunctions/integrations/index.js';
import { TABLE_TYPES, createTable, toCreateTableInput } from './tables.js';
import { FaultConfigError, FaultInjector, type FaultConfig, type FaultStats } from './faults.js';
import { startDynamoDbFaultProxy } from './dynamodb-fault-proxy.js';

/** Options of {@link LocalRuntime.start}. */
export interface LocalRuntimeOptions {
  /**
   * Directory of the synthesized cloud assembly.
   * @default 'cdk.out'
   */
  readonly assemblyDir?: string;
  /**
   * DynamoDB Local port on 127.0.0.1; a taken port is an error (PortInUseError).
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
   * Seed of the engine's random choices (Retry jitter), for repeatable runs.
   * @default - Math.random
   */
  readonly seed?: number;
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
   * `AWS_ENDPOINT_URL_SFN`. See {@link LocalRuntime.stepFunctionsApi}.
   * @default 0 (a free port)
   */
  readonly stepFunctionsPort?: number;
  /**
   * Port of the assembly's first API Gateway HTTP API on 127.0.0.1 (others get free ports);
   * 0 picks a free port.
   * @default 0
   */
  readonly apiPort?: number;
  /**
   * Port of the EventBridge PutEvents endpoint functions reach through
   * `AWS_ENDPOINT_URL_EVENTBRIDGE`; 0 picks a free port.
   * @default 0
   */
  readonly eventBridgePort?: number;
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
}

/** An HTTP API of the assembly, served locally. */
export interface LocalHttpApiInfo extends HttpApiDefinition {
  /** `http://127.0.0.1:<port>`: the API's invoke URL for the `$default` stage. */
  readonly endpoint: string;
}

/** A resource of the running assembly. */
export interface LocalResourceInfo {
  readonly stackName: string;
  readonly logicalId: string;
  readonly type: string;
  /** Construct path, e.g. `MyStack/Orders/Table/Resource`. */
  readonly path?: string;
}

/** A named resource with its local physical name and ARN. */
export interface NamedResourceInfo extends LocalResourceInfo {
  readonly name: string;
  readonly arn: string;
}

/** A state machine of the running assembly. */
export interface StateMachineInfo extends NamedResourceInfo {
  /** The template's `StateMachineType`. */
  readonly stateMachineType: 'STANDARD' | 'EXPRESS';
  /** The resolved ASL definition, as JSON text. */
  readonly definition: string;
  /** The resolved `RoleArn`, when the template has one. */
  readonly roleArn?: string;
  /** When the runtime created it (its start). */
  readonly creationDate: Date;
}

/** Options of {@link LocalRuntime.startExecution}. */
export type StartExecutionOptions = Omit<RunOptions, 'signal'>;

/** A stack of the running assembly. */
export interface LocalStackInfo {
  readonly name: string;
  readonly artifactId: string;
  readonly resources: readonly LocalResourceInfo[];
}

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

/** The result of an execution run locally: the engine's result plus summaries of its history. */
export interface ExecutionResult extends EngineExecutionResult {
  /** State names in the order they were entered (a retry is not a new entry; a loop back is). */
  readonly statesVisited: readonly string[];
  /** Task attempts beyond the first, over all states: how often a Retry fired. */
  readonly retries: number;
  /** stopDate - startDate, on the runtime's clock (virtual time included). */
  readonly durationMs: number;
}

interface FunctionEntry {
  readonly info: NamedResourceInfo;
  readonly fn?: LocalFunction;
  /** Why the function cannot run locally. */
  readonly unavailable?: string;
}

/**
 * Runs a synthesized CDK app (cloud assembly) on one machine: tables in DynamoDB Local, each
 * Lambda function's asset bundle in its own worker thread, and Standard state machines in
 * aws-local-stepfunctions with their Task states calling those functions.
 *
 * @example
 * const runtime = await LocalRuntime.start({ assemblyDir: 'cdk.out', retryIntervalMs: 10 });
 * try {
 *   const result = await runtime.run({ orderId: 'o-1' });
 *   console.log(result.status, result.output, result.statesVisited);
 *   const tableName = runtime.physicalId('MyStack/Orders/Table');
 * } finally {
 *   await runtime.stop();
 * }
 */
export class LocalRuntime {
  /**
   * Reads the assembly, starts DynamoDB Local, creates the tables and prepares functions and
   * state machines (functions cold-start on their first invocation).
   *
   * @throws AssemblyNotFoundError, LambdaAssetMissingError, JavaUnavailableError, PortInUseError,
   *   UnsupportedIntegrationError, UnresolvableError
   */
  static async start(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
    const assembly = readCloudAssembly(options.assemblyDir ?? 'cdk.out');
    const env: Environment = {
      ...DEFAULT_ENVIRONMENT,
      ...(options.region !== undefined && { region: options.region }),
      ...(options.accountId !== undefined && { accountId: options.accountId }),
    };
    // Persisted tables must be found again by name on restart, so their names cannot be random.
    const resolver = options.dynamodbDataDir === undefined ? new AssemblyResolver(assembly, env) : new StableNamesResolver(assembly, env);
    const active = assembly.stacks.flatMap((stack) =>
      [...stack.resources.values()].filter((resource) => resolver.isActive(stack, resource)).map((resource) => ({ stack, resource })),
    );
    // Everything that can fail on the assembly alone fails before Java starts.
    const functionPlans = active.filter(({ resource }) => resource.type === 'AWS::Lambda::Function').map(({ stack, resource }) => planFunction(resolver, stack, resource));
    if (options.faults) validateFaults(options.faults, options.dynamodbFaultProxy !== false);
    const tablePlans = active
      .filter(({ resource }) => TABLE_TYPES.has(resource.type))
      .map(({ stack, resource }) => ({
        label: `${stack.stackName}/${resource.logicalId}`,
        input: toCreateTableInput(resolver.physicalName(stack, resource.logicalId), resolver.resolve(stack, pick(resource.properties, TABLE_KEYS)) as Record<string, unknown>),
      }));

    // Task states call functions through the runtime, which exists only once DynamoDB Local runs.
    const late: { runtime?: LocalRuntime } = {};
    const bridge = new LocalEventBridge({
      eventBuses: eventBusNamesFromAssembly(assembly.stacks, resolver),
      accountId: resolver.env.accountId,
      region: resolver.env.region,
    });
    // Rules and schedules fail on the assembly alone (an invalid event pattern), before Java starts.
    const eventRules = eventRulesFromAssembly(active, resolver);
    for (const rule of eventRules.rules) bridge.addRule(rule);
    for (const schedule of eventRules.schedules) bridge.addSchedule(schedule);
    const messages = new MessageRecorder();
    // Integrations reach DynamoDB Local only once it runs; the client is created then.
    const lateIntegrations: Record<string, TaskIntegration> = {};
    const clock = options.clock === 'virtual' ? new VirtualClock() : options.clock === 'real' || options.clock === undefined ? new RealClock() : options.clock;
    const engine = new StepFunctionsEngine({
      clock,
      region: resolver.env.region,
      accountId: resolver.env.accountId,
      ...(options.seed !== undefined && { seed: options.seed }),
      invokeFunction: (fn, payload) => late.runtime!.lambdaOutcome(fn, payload),
      integrations: lateIntegrations,
    });
    Object.assign(lateIntegrations, {
      // Placeholders so definitions load; replaced by the real integrations once DynamoDB Local runs.
      ...Object.fromEntries(
        ['arn:aws:states:::dynamodb:', 'arn:aws:states:::aws-sdk:dynamodb:', 'arn:aws:states:::sqs:sendMessage', 'arn:aws:states:::sns:publish', 'arn:aws:states:::events:putEvents'].map((key) => [key, notReady]),
      ),
      ...options.integrations,
    });
    const creationDate = new Date(clock.now());
    const machinePlans = active
      .filter(({ resource }) => resource.type === 'AWS::StepFunctions::StateMachine')
      .map(({ stack, resource }) => {
        const name = resolver.physicalName(stack, resource.logicalId);
        const arn = String(resolver.refOf(stack, resource.logicalId));
        const definition = definitionOf(resolver, stack, resource);
        const roleArn = resource.properties.RoleArn === undefined ? undefined : String(resolver.resolve(stack, resource.properties.RoleArn));
        const stateMachineType = resource.properties.StateMachineType === 'EXPRESS' ? 'EXPRESS' : 'STANDARD';
        try {
          engine.createStateMachine({ name, arn, definition, type: stateMachineType, ...(roleArn !== undefined && { roleArn }) });
        } catch (error) {
          const label = resource.path ?? `${stack.stackName}/${resource.logicalId}`;
          throw Object.assign(new Error(`State machine ${label}: ${(error as Error).message}`, { cause: error }), { name: (error as Error).name });
        }
        const info: StateMachineInfo = {
          ...infoOf(stack, resource),
          name,
          arn,
          stateMachineType,
          definition: JSON.stringify(definition),
          ...(roleArn !== undefined && { roleArn }),
          creationDate,
        };
        return info;
      });
    const httpApis = httpApisFromAssembly(assembly.stacks, resolver);
    // Taken ports fail before Java starts, like a taken DynamoDB port. Free ports are chosen now
    // because functions get the endpoints in their environment when they are created.
    const portFor = async (port: number | undefined, purpose: string) => {
      if (port === undefined || port === 0) return findFreePort();
      await assertPortFree(port, purpose);
      return port;
    };
    const sfnPort = await portFor(options.stepFunctionsPort, 'Step Functions API');
    const eventBridgePort = await portFor(options.eventBridgePort, 'EventBridge API');
    const apiPorts = await Promise.all(httpApis.map((api, i) => portFor(i === 0 ? options.apiPort : 0, `HTTP API ${api.path ?? api.name}`)));
    const runtimeOptions: LocalRuntimeOptions = {
      ...options,
      environment: {
        AWS_ENDPOINT_URL_SFN: `http://127.0.0.1:${sfnPort}`,
        AWS_ENDPOINT_URL_EVENTBRIDGE: `http://127.0.0.1:${eventBridgePort}`,
        ...options.environment,
      },
    };

    const dynamodb = await startDynamoDbLocal({
      ...(options.dynamodbPort !== undefined && { port: options.dynamodbPort }),
      ...(options.javaCommand !== undefined && { javaCommand: options.javaCommand }),
      ...(options.dynamodbDataDir !== undefined && { dataDir: options.dynamodbDataDir }),
    });
    // The proxy asks whatever injector is in force when each request arrives.
    const faults: FaultHolder = { injector: new FaultInjector() };
    let faultProxy: LocalEndpoint | undefined;
    try {
      if (options.dynamodbFaultProxy !== false) {
        faultProxy = await startDynamoDbFaultProxy({ target: dynamodb.endpoint, decide: (operation) => faults.injector.dynamodbFault(operation) });
      }
    } catch (error) {
      await dynamodb.stop();
      throw error;
    }
    try {
      const client = new DynamoDBClient({ endpoint: dynamodb.endpoint, region: resolver.env.region, credentials: LOCAL_CREDENTIALS });
      try {
        await Promise.all(tablePlans.map((plan) => createTable(client, plan.input, plan.label, options.dynamodbDataDir !== undefined)));
      } catch (error) {
        client.destroy();
        throw error;
      }
      // State machines' DynamoDB tasks talk to DynamoDB Local directly, like the functions' SDK
      // through the fault proxy when there is one.
      const taskClient = faultProxy
        ? (client.destroy(), new DynamoDBClient({ endpoint: faultProxy.endpoint, region: resolver.env.region, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 }))
        : client;
      Object.assign(lateIntegrations, builtInIntegrations({ dynamodb: taskClient, publishEvents: (request) => bridge.putEvents(request), messages }), options.integrations);
      late.runtime = new LocalRuntime(resolver, dynamodb, active, functionPlans, machinePlans, runtimeOptions, bridge, faults, faultProxy, engine, messages, taskClient);
    } catch (error) {
      await faultProxy?.close();
      await dynamodb.stop();
      throw error;
    }
    const runtime = late.runtime;
    try {
      // Rule targets run asynchronously through the same paths as Task states; schedules on the engine's clock.
      bridge.connect({
        clock,
        invokeFunction: (arn, payload) => runtime.invokeOutcome(arn, payload),
        startExecution: (stateMachineArn, input) => engine.startExecution({ stateMachineArn, input }),
      });
      bridge.startSchedules();
      // "Step Functions Execution Status Change" events on the default bus, for Standard
      // executions only, as AWS sends them ("EventBridge events for Step Functions").
      engine.onExecutionStatusChange((description, type) => {
        if (type === 'STANDARD') bridge.publishExecutionStatusChange(description);
      });
      if (options.faults) runtime.setFaults(options.faults);
      await runtime.startStepFunctionsApi({ port: sfnPort });
      runtime.servers.push(await bridge.listen(eventBridgePort));
      for (const [i, api] of httpApis.entries()) {
        const server = await startHttpApi({
          routes: api.routes,
          stages: api.stages,
          apiId: api.apiId,
          accountId: resolver.env.accountId,
          name: `HTTP API ${api.path ?? api.name}`,
          port: apiPorts[i]!,
          invoke: (arn, event) => runtime.invokeOutcome(arn, event),
          // Authorization is not checked locally; the README says so once, not on every start.
          log: () => undefined,
          localRoutes: { 'GET /events': () => ({ events: runtime.events.list().map((recorded) => recorded.event) }) },
        });
        runtime.servers.push(server);
        runtime.httpApis.push({ ...api, endpoint: server.endpoint });
      }
    } catch (error) {
      await runtime.stop();
      throw error;
    }
    return runtime;
  }

  /**
   * DynamoDB Local: point an SDK client at `endpoint` (with any credentials, e.g.
   * `LOCAL_CREDENTIALS`); requests there are never faulted. `functionEndpoint` is what the
   * functions get as `AWS_ENDPOINT_URL_DYNAMODB`: the fault proxy, or `endpoint` without it.
   */
  readonly dynamodb: { readonly endpoint: string; readonly region: string; readonly port: number; readonly functionEndpoint: string };
  /** The stacks of the assembly. */
  readonly stacks: readonly LocalStackInfo[];
  /** The state machines, with their local names, ARNs, types and definitions. */
  readonly stateMachines: readonly StateMachineInfo[];
  /** The Lambda functions, with their local names and ARNs. */
  readonly functions: readonly NamedResourceInfo[];
  /** The DynamoDB tables, with their local names and ARNs. */
  readonly tables: readonly NamedResourceInfo[];
  /** The assembly's API Gateway HTTP APIs, each served on 127.0.0.1. */
  readonly httpApis: LocalHttpApiInfo[] = [];
  /** Every event put on the assembly's buses, in the envelope EventBridge delivers to targets. */
  readonly events: EventRecorder;
  /** The EventBridge emulation: PutEvents from state machines and functions. */
  readonly eventBridge: LocalEventBridge;

  /** HTTP servers besides the Step Functions API, closed by {@link stop}. */
  private readonly servers: LocalEndpoint[] = [];

  /** The Step Functions engine running the assembly's state machines. */
  readonly engine: StepFunctionsEngine;
  /** The clock of the state machines (see {@link LocalRuntimeOptions.clock}). */
  readonly clock: Clock;
  /** Messages sent by `sqs:sendMessage` and `sns:publish` tasks (no queue engine runs them). */
  readonly messages: MessageRecorder;

  private readonly functionEntries: FunctionEntry[];
  /** Concurrency limits and the environment budget shared by the functions. */
  private lambdaHost: LambdaHost | undefined;
  private readonly apis: StepFunctionsApi[] = [];
  private sfnApi?: StepFunctionsApi;
  private readonly resources: readonly { stack: AssemblyStack; resource: TemplateResource }[];
  private stopping?: Promise<void>;

  private constructor(
    private readonly resolver: AssemblyResolver,
    private readonly ddb: DynamoDbLocal,
    active: readonly { stack: AssemblyStack; resource: TemplateResource }[],
    functionPlans: readonly FunctionPlan[],
    machinePlans: readonly StateMachineInfo[],
    options: LocalRuntimeOptions,
    eventBridge: LocalEventBridge,
    private readonly faults: FaultHolder,
    private readonly faultProxy: LocalEndpoint | undefined,
    engine: StepFunctionsEngine,
    messages: MessageRecorder,
    private readonly taskClient: DynamoDBClient,
  ) {
    this.engine = engine;
    this.clock = engine.clock;
    this.messages = messages;
    this.resources = active;
    this.eventBridge = eventBridge;
    this.events = eventBridge.recorder;
    this.dynamodb = { endpoint: ddb.endpoint, region: resolver.env.region, port: ddb.port, functionEndpoint: faultProxy?.endpoint ?? ddb.endpoint };
    this.stacks = resolver.assembly.stacks.map((stack) => ({
      name: stack.stackName,
      artifactId: stack.artifactId,
      resources: active.filter((entry) => entry.stack === stack).map((entry) => infoOf(entry.stack, entry.resource)),
    }));
    this.functionEntries = functionPlans.map((plan) => this.createFunction(plan, options));
    this.functions = this.functionEntries.map((entry) => entry.info);
    this.tables = active.filter(({ resource }) => TABLE_TYPES.has(resource.type)).map(({ stack, resource }) => this.named(stack, resource, 'Arn'));

    this.stateMachines = machinePlans;
  }

  /**
   * The Step Functions API started by `stepFunctionsPort` or the first
   * {@link startStepFunctionsApi} call.
   */
  get stepFunctionsApi(): StepFunctionsApi | undefined {
    return this.sfnApi;
  }

  /**
   * Serves the Step Functions JSON protocol on 127.0.0.1 (StartExecution, DescribeExecution,
   * GetExecutionHistory, ListExecutions, StopExecution, DescribeStateMachine, ListStateMachines)
   * over this runtime's executions; `stop()` closes it.
   *
   * @throws PortInUseError when the port is taken
   */
  async startStepFunctionsApi(options: StepFunctionsApiOptions = {}): Promise<StepFunctionsApi> {
    this.assertRunning();
    const api = await startStepFunctionsApi(this.engine, options);
    this.apis.push(api);
    this.sfnApi ??= api;
    return api;
  }

  /**
   * Starts an execution and returns at once (like the StartExecution API).
   *
   * @throws StepFunctionsError (`name`: InvalidName, ExecutionAlreadyExists)
   */
  startExecution(input: unknown, options: StartExecutionOptions = {}): { executionArn: string; startDate: Date } {
    const machine = this.findStateMachine(options.stateMachine);
    this.assertRunning();
    const { executionArn, startDate } = this.engine.startExecution(
      { stateMachineArn: machine.arn, ...(input !== undefined && { input: JSON.stringify(input) }), ...(options.name !== undefined && { name: options.name }) },
      { ...(options.taskOverrides !== undefined && { taskOverrides: options.taskOverrides }) },
    );
    return { executionArn, startDate };
  }

  /**
   * What the DescribeExecution API returns (status RUNNING while it runs).
   *
   * @throws StepFunctionsError (`name`: ExecutionDoesNotExist, InvalidArn)
   */
  describeExecution(executionArn: string): ExecutionDescription {
    return this.engine.describeExecution(executionArn);
  }

  /** Resolves with the result of an execution when it ends (FAILED, ABORTED, TIMED_OUT resolve too). */
  async waitForExecution(executionArn: string): Promise<ExecutionResult> {
    return summarize(await this.engine.waitForExecution(executionArn));
  }

  /** The AWS-shaped history of an execution so far (see the GetExecutionHistory API). */
  executionHistory(executionArn: string, options: Parameters<StepFunctionsEngine['getExecutionHistory']>[1] = {}): { events: HistoryEvent[]; nextToken?: string } {
    return this.engine.getExecutionHistory(executionArn, options);
  }

  /** Aborts a running execution (status ABORTED), like the StopExecution API. */
  stopExecution(executionArn: string, details: { error?: string; cause?: string } = {}): { stopDate: Date } {
    return this.engine.stopExecution(executionArn, details);
  }

  /**
   * Resolved stack Outputs by OutputKey: of one stack, or of all stacks merged when omitted.
   */
  outputs(stackName?: string): Record<string, unknown> {
    const stacks = stackName === undefined ? this.resolver.assembly.stacks : [this.resolver.stack(stackName)];
    return Object.assign({}, ...stacks.map((stack) => this.resolver.outputs(stack))) as Record<string, unknown>;
  }

  /**
   * The physical id (what `Ref` returns: a table or function name, a state machine ARN, ...) of
   * the resource at a construct path (`MyStack/Orders/Table`; an L2's `Resource` child counts)
   * or with a logical id (`OrdersTable1A2B3C`, or `MyStack/OrdersTable1A2B3C`).
   */
  physicalId(pathOrLogicalId: string): string {
    const { stack, resource } = this.findResource(pathOrLogicalId);
    return String(this.resolver.refOf(stack, resource.logicalId));
  }

  /**
   * Starts an execution and resolves when it ends. A FAILED, ABORTED or TIMED_OUT execution
   * resolves too (see `status`, `error`, `cause`). It rejects for runtime bugs and for a
   * StepFunctionsError (`InvalidName`, `ExecutionAlreadyExists`). The execution is listed by the
   * Step Functions API like one started there.
   */
  async run(input: unknown, options: RunOptions = {}): Promise<ExecutionResult> {
    const { signal, ...start } = options;
    const { executionArn } = this.startExecution(input, start);
    const onAbort = () => this.stopExecution(executionArn);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    try {
      return await this.waitForExecution(executionArn);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Invokes a function by name, (qualified) ARN, logical id or construct path and returns its
   * result.
   *
   * @throws FunctionError (its `name` is the Lambda errorType, e.g. `Sandbox.Timedout`)
   */
  async invoke(functionRef: string, event: unknown): Promise<unknown> {
    this.assertRunning();
    const found = this.findFunction(functionRef);
    if (!found) throw new Error(`No function '${functionRef}' in the assembly (functions: ${this.functions.map((f) => f.name).join(', ')})`);
    const outcome = await this.invokeEntry(found.entry, event, found.invokedArn);
    if (!outcome.ok) throw new FunctionError(outcome.error);
    return outcome.result;
  }

  /**
   * Replaces the injected faults (an empty object turns them all off) and restarts the fault
   * counters and random streams. Invocations and requests already running keep the faults they
   * started with.
   *
   * @example
   * runtime.setFaults({ seed: 7, functions: { 'MyStack/Store': { crashAfterSuccessRate: 1 } } });
   * await expect(runtime.invoke('MyStack/Store', event)).rejects.toMatchObject({ name: 'Runtime.ExitError' });
   * runtime.faultStats().functions['MyStack/Store']?.crashAfterSuccess; // 1
   *
   * @throws FaultConfigError for a rate outside 0..1, an unknown function or DynamoDB operation,
   *   or `dynamodb` faults when the runtime started with `dynamodbFaultProxy: false`
   */
  setFaults(faults: FaultConfig): void {
    this.assertRunning();
    validateFaults(faults, this.faultProxy !== undefined);
    this.faults.injector = new FaultInjector(faults, (key) => this.resolveFaultKey(key));
  }

  /** How many faults of each kind were injected since the last {@link setFaults} (or start). */
  faultStats(): FaultStats {
    return this.faults.injector.stats();
  }

  /** Terminates every function worker and DynamoDB Local. Safe to call more than once. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.eventBridge.stop();
      await Promise.all([...this.apis, ...this.servers].map((server) => server.close()));
      await this.engine.stopAll('The local runtime stopped');
      this.taskClient.destroy();
      await Promise.all(this.functionEntries.map((entry) => entry.fn?.stop() ?? Promise.resolve()));
      await this.faultProxy?.close();
      await this.ddb.stop();
    })();
    return this.stopping;
  }

  private assertRunning(): void {
    if (this.stopping) throw new Error('The local runtime is stopped');
  }

  /** A function invocation as the engine's Lambda integrations see it. */
  private async lambdaOutcome(functionRef: string, payload: unknown): Promise<LambdaOutcome> {
    const outcome = await this.invokeOutcome(functionRef, payload);
    return outcome.ok ? { ok: true, payload: outcome.result } : { ok: false, ...outcome.error };
  }

  private async invokeOutcome(functionRef: string, payload: unknown): Promise<InvocationOutcome> {
    const found = this.findFunction(functionRef);
    if (!found) {
      return { ok: false, error: { errorType: 'Lambda.ResourceNotFoundException', errorMessage: `Function not found: ${functionRef}` } };
    }
    return this.invokeEntry(found.entry, payload, found.invokedArn);
  }

  private invokeEntry(entry: FunctionEntry, event: unknown, invokedArn: string): Promise<InvocationOutcome> {
    if (!entry.fn) {
      return Promise.resolve({ ok: false, error: { errorType: 'Lambda.ServiceException', errorMessage: entry.unavailable ?? 'unavailable' } });
    }
    const fn = entry.fn;
    // Real work: a virtual clock does not jump while a function runs, wherever the call came from.
    return this.clock.track(this.faults.injector.invokeFunction(entry.info.name, fn.config.timeoutSeconds, () => fn.invoke(event, invokedArn)));
  }

  /** A `faults.functions` key -> the function's local name: what `invoke` accepts, or a unique path suffix. */
  private resolveFaultKey(key: string): string {
    const found = this.findFunction(key)?.entry;
    if (found) return found.info.name;
    const wanted = key.replace(/^\//, '');
    const bySuffix = this.functionEntries.filter(({ info }) => info.path !== undefined && (info.path.endsWith(`/${wanted}`) || info.path.endsWith(`/${wanted}/Resource`)));
    if (bySuffix.length === 1) return bySuffix[0]!.info.name;
    const known = this.functionEntries.map(({ info }) => info.path ?? info.name).join(', ');
    throw new FaultConfigError(
      bySuffix.length > 1
        ? `faults.functions key '${key}' matches several functions: ${bySuffix.map(({ info }) => info.path).join(', ')}`
        : `faults.functions key '${key}' names no function of the assembly (functions: ${known})`,
    );
  }

  private findFunction(ref: string): { entry: FunctionEntry; invokedArn: string } | undefined {
    const arn = /^(?:arn:[^:]+:lambda:[^:]*:[^:]*:function:)?([^:]+)(?::([^:]+))?$/.exec(ref);
    const name = arn?.[1];
    const qualifier = arn?.[2];
    const byName = this.functionEntries.find((entry) => entry.info.name === name);
    if (byName) return { entry: byName, invokedArn: qualifier ? `${byName.info.arn}:${qualifier}` : byName.info.arn };
    try {
      const { stack, resource } = this.findResource(ref, 'AWS::Lambda::Function');
      const entry = this.functionEntries.find((e) => e.info.stackName === stack.stackName && e.info.logicalId === resource.logicalId);
      return entry && { entry, invokedArn: entry.info.arn };
    } catch {
      return undefined;
    }
  }

  private findStateMachine(ref: string | undefined): StateMachineInfo {
    const all = this.stateMachines;
    if (ref === undefined) {
      if (all.length !== 1) {
        throw new Error(`The assembly has ${all.length} state machines (${all.map((info) => info.path ?? info.name).join(', ')}): pass options.stateMachine`);
      }
      return all[0]!;
    }
    const direct = all.find((info) => info.name === ref || info.arn === ref);
    if (direct) return direct;
    const { stack, resource } = this.findResource(ref, 'AWS::StepFunctions::StateMachine');
    const match = all.find((info) => info.stackName === stack.stackName && info.logicalId === resource.logicalId);
    if (!match) throw new Error(`No state machine '${ref}' in the assembly`);
    return match;
  }

  private findResource(ref: string, type?: string): { stack: AssemblyStack; resource: TemplateResource } {
    const wanted = ref.replace(/^\//, '');
    const candidates = this.resources.filter(({ resource }) => type === undefined || resource.type === type);
    const byPath = candidates.filter(({ resource }) => resource.path !== undefined && (resource.path === wanted || resource.path.startsWith(`${wanted}/`)));
    const pick =
      byPath.find(({ resource }) => resource.path === wanted) ??
      byPath.find(({ resource }) => resource.path === `${wanted}/Resource`) ??
      (byPath.length === 1 ? byPath[0] : undefined);
    if (pick) return pick;
    if (byPath.length > 1) {
      throw new Error(`'${ref}' matches several resources: ${byPath.map(({ resource }) => resource.path).join(', ')}. Use a longer path.`);
    }
    const byId = candidates.filter(({ stack, resource }) => resource.logicalId === wanted || `${stack.stackName}/${resource.logicalId}` === wanted);
    if (byId.length === 1) return byId[0]!;
    if (byId.length > 1) throw new Error(`Logical id '${ref}' exists in several stacks; use '<StackName>/${ref}'.`);
    throw new Error(`No resource${type ? ` of type ${type}` : ''} at path or with logical id '${ref}' in the assembly`);
  }

  private named(stack: AssemblyStack, resource: TemplateResource, arnAttribute?: string): NamedResourceInfo {
    const name = this.resolver.physicalName(stack, resource.logicalId);
    const arn = arnAttribute ? this.resolver.attributeOf(stack, resource.logicalId, arnAttribute) : this.resolver.refOf(stack, resource.logicalId);
    return { ...infoOf(stack, resource), name, arn: String(arn) };
  }

  private createFunction(plan: FunctionPlan, options: LocalRuntimeOptions): FunctionEntry {
    const info = this.named(plan.stack, plan.resource, 'Arn');
    if (!plan.code) return { info, unavailable: plan.unavailable ?? 'not runnable locally' };
    const { region } = this.resolver.env;
    const logGroupName = plan.logGroupName ?? `/aws/lambda/${info.name}`;
    const environment: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      LANG: 'en_US.UTF-8',
      ...plan.variables,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_LAMBDA_FUNCTION_NAME: info.name,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(plan.memoryMb),
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_LOG_GROUP_NAME: logGroupName,
      AWS_LAMBDA_LOG_STREAM_NAME: logStreamName(),
      AWS_EXECUTION_ENV: `AWS_Lambda_${plan.runtime}`,
      LAMBDA_TASK_ROOT: plan.code.directory,
      _HANDLER: plan.handler,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      // The real SDK inside the bundle talks to DynamoDB Local (through the fault proxy) without any code change.
      AWS_ENDPOINT_URL_DYNAMODB: this.dynamodb.functionEndpoint,
      ...plan.loggingVariables,
      ...options.environment,
    };
    this.lambdaHost ??= new LambdaHost(options.lambda);
    const fn = new LocalFunction(
      {
        name: info.name,
        arn: info.arn,
        handler: plan.handler,
        code: plan.code,
        environment,
        timeoutSeconds: plan.timeoutSeconds,
        memoryMb: plan.memoryMb,
        logGroupName,
        logs: options.functionLogs ?? 'silent',
        ...(plan.reservedConcurrency !== undefined && { reservedConcurrency: plan.reservedConcurrency }),
        ...planVersionsAndAliases(this.resolver, plan.stack, plan.resource.logicalId),
      },
      this.lambdaHost,
    );
    return { info, fn };
  }
}

/**
 * Checks what can be checked without the functions (rates, operations, the proxy), so a bad
 * `faults` option fails before Java starts; function keys are resolved by `setFaults`.
 */
function validateFaults(faults: FaultConfig, hasProxy: boolean): void {
  if (faults.dynamodb && !hasProxy) {
    throw new FaultConfigError('faults.dynamodb needs the DynamoDB fault proxy: start the runtime without dynamodbFaultProxy: false');
  }
  void new FaultInjector(faults);
}

/**
 * Generates each physical name's suffix from the resource's `<stack>/<logicalId>` (hashed)
 * instead of at random, so a runtime persisting its data names its tables the same on restart.
 */
class StableNamesResolver extends AssemblyResolver {
  /** Resources being named, innermost last: a name property may itself refer to another resource. */
  private readonly naming: string[];

  constructor(assembly: CloudAssembly, env: Environment) {
    const naming: string[] = [];
    super(assembly, env, () => stableSuffix(naming.at(-1) ?? ''));
    this.naming = naming;
  }

  override physicalName(stack: AssemblyStack, logicalId: string): string {
    this.naming.push(`${stack.stackName}/${logicalId}`);
    try {
      return super.physicalName(stack, logicalId);
    } finally {
      this.naming.pop();
    }
  }
}

function stableSuffix(key: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return Array.from(createHash('sha256').update(key).digest().subarray(0, 6), (byte) => alphabet[byte % alphabet.length]).join('');
}

/** Stands in for an integration until DynamoDB Local runs (never called: the runtime starts it first). */
const notReady: TaskIntegration = () => Promise.reject(new Error('The local runtime is still starting'));

/** The fault injector in force, shared by the runtime and the DynamoDB fault proxy. */
interface FaultHolder {
  injector: FaultInjector;
}

const TABLE_KEYS = ['KeySchema', 'AttributeDefinitions', 'GlobalSecondaryIndexes', 'LocalSecondaryIndexes'];

interface FunctionPlan {
  readonly stack: AssemblyStack;
  readonly resource: TemplateResource;
  readonly code?: FunctionCode;
  readonly unavailable?: string;
  readonly handler: string;
  readonly runtime: string;
  readonly variables: Record<string, string>;
  readonly loggingVariables: Record<string, string>;
  readonly logGroupName?: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly reservedConcurrency?: number;
}

function planFunction(resolver: AssemblyResolver, stack: AssemblyStack, resource: TemplateResource): FunctionPlan {
  const props = resolver.resolve(
    stack,
    pick(resource.properties, ['Code', 'Handler', 'Runtime', 'Environment', 'Timeout', 'MemorySize', 'LoggingConfig', 'PackageType', 'ReservedConcurrentExecutions']),
  ) as {
    Code?: unknown;
    Handler?: unknown;
    Runtime?: unknown;
    Environment?: { Variables?: Record<string, unknown> };
    Timeout?: unknown;
    MemorySize?: unknown;
    LoggingConfig?: { LogFormat?: string; ApplicationLogLevel?: string; SystemLogLevel?: string; LogGroup?: string };
    PackageType?: unknown;
    ReservedConcurrentExecutions?: unknown;
  };
  const label = resource.path ?? `${stack.stackName}/${resource.logicalId}`;
  const runtime = typeof props.Runtime === 'string' ? props.Runtime : '';
  const variables = Object.fromEntries(Object.entries(props.Environment?.Variables ?? {}).map(([key, value]) => [key, String(value)]));
  const logging = props.LoggingConfig ?? {};
  const base = {
    stack,
    resource,
    handler: typeof props.Handler === 'string' ? props.Handler : '',
    runtime,
    variables,
    loggingVariables: {
      ...(logging.LogFormat && { AWS_LAMBDA_LOG_FORMAT: logging.LogFormat }),
      ...(logging.ApplicationLogLevel && { AWS_LAMBDA_LOG_LEVEL: logging.ApplicationLogLevel }),
    },
    ...(logging.LogGroup !== undefined && { logGroupName: logging.LogGroup }),
    // Lambda's own defaults when the template leaves them out.
    timeoutSeconds: Number(props.Timeout ?? 3),
    memoryMb: Number(props.MemorySize ?? 128),
    ...(props.ReservedConcurrentExecutions !== undefined && { reservedConcurrency: Number(props.ReservedConcurrentExecutions) }),
  };
  if (props.PackageType === 'Image' || !runtime.startsWith('nodejs')) {
    return { ...base, unavailable: `Function ${label} (${runtime || 'container image'}) cannot run locally: only Node.js zip functions are supported` };
  }
  const code = props.Code as { S3Key?: unknown; ZipFile?: unknown } | undefined;
  if (code?.S3Key === undefined) {
    return { ...base, unavailable: `Function ${label} cannot run locally: only asset code (Code.fromAsset) is supported` };
  }
  return { ...base, code: locateFunctionCode(stack, label, code, props.Handler) };
}

function definitionOf(resolver: AssemblyResolver, stack: AssemblyStack, resource: TemplateResource): Record<string, unknown> {
  const props = resource.properties;
  const label = resource.path ?? `${stack.stackName}/${resource.logicalId}`;
  const substitutions = resolver.resolve(stack, props.DefinitionSubstitutions ?? {}) as Record<string, unknown>;
  const substitute = (text: string) => text.replace(/\$\{([^}]+)\}/g, (match, key: string) => (key in substitutions ? String(substitutions[key]) : match));
  if (props.DefinitionString !== undefined) {
    const text = resolver.resolve(stack, props.DefinitionString);
    if (typeof text !== 'string') throw new Error(`State machine ${label}: DefinitionString did not resolve to a string`);
    try {
      return JSON.parse(substitute(text)) as Record<string, unknown>;
    } catch (error) {
      throw new Error(`State machine ${label}: DefinitionString is not valid JSON: ${(error as Error).message}`, { cause: error });
    }
  }
  if (props.Definition !== undefined) {
    return JSON.parse(substitute(JSON.stringify(resolver.resolve(stack, props.Definition)))) as Record<string, unknown>;
  }
  throw new Error(`State machine ${label}: only DefinitionString or Definition is supported locally (not DefinitionS3Location)`);
}

function infoOf(stack: AssemblyStack, resource: TemplateResource): LocalResourceInfo {
  return {
    stackName: stack.stackName,
    logicalId: resource.logicalId,
    type: resource.type,
    ...(resource.path !== undefined && { path: resource.path }),
  };
}

function pick(source: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((key) => source[key] !== undefined).map((key) => [key, source[key]]));
}

/** The engine's result with what callers of `run()` most often want from its history. */
export function summarize(result: EngineExecutionResult): ExecutionResult {
  const statesVisited: string[] = [];
  let scheduled = 0;
  let entries = 0;
  for (const event of result.history) {
    if (event.type.endsWith('StateEntered')) {
      statesVisited.push((event.stateEnteredEventDetails as { name: string }).name);
      if (event.type === 'TaskStateEntered') entries++;
    }
    if (event.type === 'TaskScheduled' || event.type === 'LambdaFunctionScheduled') scheduled++;
  }
  return { ...result, statesVisited, retries: Math.max(0, scheduled - entries), durationMs: result.stopDate.getTime() - result.startDate.getTime() };
}

/** Starts a {@link LocalRuntime}; same as `LocalRuntime.start(options)`. */
export const startLocalRuntime = (options: LocalRuntimeOptions = {}): Promise<LocalRuntime> => LocalRuntime.start(options);
