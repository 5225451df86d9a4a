import type { StepFunctionsEngine } from '@order-flow/step-functions';
import { httpApisFromAssembly } from './apigateway/from-assembly.js';
import { serveHttpApis, type LocalHttpApiInfo } from './apigateway/serve.js';
import type { LocalEndpoint } from './aws-protocol/server.js';
import { ReservedPort, type PortOption } from './aws-protocol/tcp-ports.js';
import { readCloudAssembly } from './cloudformation/assembly.js';
import { AssemblyResolver, DEFAULT_ENVIRONMENT, type Environment, type ResourceRef } from './cloudformation/resolver.js';
import { activeResources, findResource, stacksOf, type LocalStackInfo, type NamedResourceInfo } from './cloudformation/resources.js';
import { StableNamesResolver } from './cloudformation/stable-names.js';
import { unsupportedInAssembly, unsupportedLogLines, type UnsupportedItem } from './cloudformation/unsupported.js';
import { startDynamoDbService, type DynamoDbService } from './dynamodb/start.js';
import { planTables } from './dynamodb/tables.js';
import { connectToEngine, eventBridgeFromAssembly, type EventRecorder, type LocalEventBridge } from './eventbridge/index.js';
import { FaultConfigError, FaultInjector, type FaultConfig, type FaultStats } from './faults/injector.js';
import { validateFaults } from './faults/validate.js';
import { startDeployment, type DeploymentChange, type DeploymentOverrides, type LocalDeployment } from './codedeploy/deployment.js';
import type { AliasConfig, InvocationOutcome, InvocationRecord } from './lambda/function.js';
import { LocalFunctions, planFunction, type FunctionPlan } from './lambda/plan.js';
import type { LocalRuntimeOptions } from './options.js';
import { startConsole, type ConsoleOptions, type LocalConsole } from './console/server.js';
import type { FunctionStats } from './lambda/function.js';
import { builtInIntegrations, MessageRecorder } from './stepfunctions/integrations/index.js';
import { LocalExecutions } from './stepfunctions/executions.js';
import { createEngine, planStateMachines, type StateMachineInfo } from './stepfunctions/plan.js';

/** The fault injector in force, shared by the runtime, its functions and the DynamoDB fault proxy. */
interface FaultHolder {
  injector: FaultInjector;
}

/** What {@link LocalRuntime.start} starts, handed to the instance. */
interface Services {
  readonly resolver: AssemblyResolver;
  readonly resources: readonly ResourceRef[];
  readonly dynamodb: DynamoDbService;
  readonly faults: FaultHolder;
  readonly engine: StepFunctionsEngine;
  readonly bridge: LocalEventBridge;
  readonly messages: MessageRecorder;
  readonly stateMachines: readonly StateMachineInfo[];
  readonly tables: readonly NamedResourceInfo[];
  readonly unsupported: readonly UnsupportedItem[];
  readonly functionPlans: readonly FunctionPlan[];
}

/**
 * Runs a synthesized CDK app (cloud assembly) on one machine: tables in DynamoDB Local, each
 * Lambda function's asset bundle in worker threads, state machines on the
 * @order-flow/step-functions engine, EventBridge buses, rules and schedules, and API Gateway HTTP APIs.
 *
 * @example
 * const runtime = await LocalRuntime.start({ assemblyDir: 'cdk.out', clock: 'virtual' });
 * try {
 *   const result = await runtime.run({ orderId: 'o-1' });
 *   console.log(result.status, result.output, result.statesVisited);
 * } finally {
 *   await runtime.stop();
 * }
 */
export class LocalRuntime extends LocalExecutions {
  /**
   * Reads the assembly, lists what it does not emulate (`options.log`), starts DynamoDB Local,
   * creates the tables and prepares functions, state machines, buses and HTTP APIs (functions
   * cold-start on their first invocation).
   *
   * @throws AssemblyNotFoundError, LambdaAssetMissingError, JavaUnavailableError, PortInUseError,
   *   FaultConfigError, InvalidEventRuleError, UnresolvableError
   */
  static async start(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
    // Every port the runtime serves is a ReservedPort: those the caller handed over and those
    // boot() binds. A served one belongs to its server (release changes nothing); any other,
    // left by a start that failed wherever it failed, is closed here.
    const reserved = [options.stepFunctionsPort, options.apiPort, options.eventBridgePort].filter((port) => port instanceof ReservedPort);
    try {
      return await LocalRuntime.boot(options, reserved);
    } finally {
      await Promise.all(reserved.map((port) => port.release()));
    }
  }

  /** {@link start}, recording in `reserved` every port it binds. */
  private static async boot(options: LocalRuntimeOptions, reserved: ReservedPort[]): Promise<LocalRuntime> {
    const assembly = readCloudAssembly(options.assemblyDir ?? 'cdk.out');
    const env: Environment = {
      ...DEFAULT_ENVIRONMENT,
      ...(options.region !== undefined && { region: options.region }),
      ...(options.accountId !== undefined && { accountId: options.accountId }),
    };
    // Persisted tables must be found again by name on restart, so their names cannot be random.
    const resolver = options.dynamodbDataDir === undefined ? new AssemblyResolver(assembly, env) : new StableNamesResolver(assembly, env);
    // Stacks start in dependency order, publishing their SSM parameters for the stacks after them.
    resolver.startStacks();
    const resources = activeResources(resolver);
    // Everything that can fail on the assembly alone fails before Java starts.
    const unsupported = unsupportedInAssembly(resources, resolver);
    const log = options.log ?? ((message: string) => console.warn(message));
    for (const line of unsupportedLogLines(unsupported)) log(line);
    const functionPlans = resources.filter(({ resource }) => resource.type === 'AWS::Lambda::Function').map(({ stack, resource }) => planFunction(resolver, stack, resource));
    if (options.faults) validateFaults(options.faults, options.dynamodbFaultProxy !== false);
    const tablePlans = planTables(resources, resolver);
    const bridge = eventBridgeFromAssembly(resources, resolver);
    const messages = new MessageRecorder();
    // Task states call functions through the runtime, which exists only once DynamoDB Local runs.
    const late: { runtime?: LocalRuntime } = {};
    const { engine, setIntegrations } = createEngine({
      ...(options.clock !== undefined && { clock: options.clock }),
      ...(options.seed !== undefined && { seed: options.seed }),
      ...(options.expressAtLeastOnce !== undefined && { expressAtLeastOnce: options.expressAtLeastOnce }),
      ...(options.integrations !== undefined && { integrations: options.integrations }),
      region: env.region,
      accountId: env.accountId,
      invokeFunction: async (fn, payload) => {
        const outcome = await late.runtime!.fns.invokeOutcome(fn, payload);
        return outcome.ok ? { ok: true, payload: outcome.result } : { ok: false, ...outcome.error };
      },
    });
    const stateMachines = planStateMachines(resources, resolver, engine);
    const httpApis = httpApisFromAssembly(assembly.stacks, resolver);
    // Taken ports fail before Java starts. The ports are bound now, because functions get the
    // endpoints in their environment when they are created, and held until their servers take
    // them (a port only looked up could be taken while DynamoDB Local starts).
    const reserve = async (port: PortOption | undefined, purpose: string) => {
      if (port instanceof ReservedPort) return port;
      const reservation = await ReservedPort.bind(port, purpose);
      reserved.push(reservation);
      return reservation;
    };
    const sfnPort = await reserve(options.stepFunctionsPort, 'Step Functions API');
    const eventBridgePort = await reserve(options.eventBridgePort, 'EventBridge API');
    const apiPorts = await Promise.all(httpApis.map((api, i) => reserve(i === 0 ? options.apiPort : 0, `HTTP API ${api.path ?? api.name}`)));

    // The proxy asks whatever injector is in force when each request arrives.
    const faults: FaultHolder = { injector: new FaultInjector() };
    const dynamodb = await startDynamoDbService({
      region: env.region,
      tables: tablePlans,
      ...(options.dynamodbFaultProxy !== false && { decide: (operation: string) => faults.injector.dynamodbFault(operation) }),
      ...(options.dynamodbPort !== undefined && { port: options.dynamodbPort }),
      ...(options.javaCommand !== undefined && { javaCommand: options.javaCommand }),
      ...(options.dynamodbDataDir !== undefined && { dataDir: options.dynamodbDataDir }),
    });
    setIntegrations(builtInIntegrations({ dynamodb: dynamodb.taskClient, publishEvents: (request) => bridge.putEvents(request), messages }));
    const tables = tablePlans.map((plan) => plan.info);
    const environment = { AWS_ENDPOINT_URL_SFN: `http://127.0.0.1:${sfnPort.port}`, AWS_ENDPOINT_URL_EVENTBRIDGE: `http://127.0.0.1:${eventBridgePort.port}`, ...options.environment };
    try {
      late.runtime = new LocalRuntime({ resolver, resources, dynamodb, faults, engine, bridge, messages, stateMachines, tables, unsupported, functionPlans }, options, environment);
    } catch (error) {
      await dynamodb.stop();
      throw error;
    }
    const runtime = late.runtime;
    try {
      connectToEngine(bridge, engine, (arn, payload) => runtime.fns.invokeOutcome(arn, payload));
      if (options.faults) runtime.setFaults(options.faults);
      await runtime.startStepFunctionsApi({ port: sfnPort });
      runtime.servers.push(await bridge.listen(eventBridgePort));
      const served = await serveHttpApis(httpApis, apiPorts, {
        accountId: env.accountId,
        invoke: (arn, event) => runtime.fns.invokeOutcome(arn, event),
        localRoutes: { 'GET /events': () => ({ events: runtime.events.list().map((recorded) => recorded.event) }) },
      });
      runtime.servers.push(...served.servers);
      runtime.httpApis.push(...served.infos);
      if (options.console) await runtime.startConsole(options.console === true ? {} : options.console);
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
   * `pid` is its Java process, for crash tests that kill it abruptly.
   */
  readonly dynamodb: {
    readonly endpoint: string;
    readonly region: string;
    readonly port: number;
    readonly functionEndpoint: string;
    readonly pid: number | undefined;
  };
  /** The stacks of the assembly, with their active resources. */
  readonly stacks: readonly LocalStackInfo[];
  /** The Lambda functions, with their local names and ARNs. */
  readonly functions: readonly NamedResourceInfo[];
  /** The DynamoDB tables, with their local names and ARNs. */
  readonly tables: readonly NamedResourceInfo[];
  /** The assembly's API Gateway HTTP APIs, each served on 127.0.0.1. */
  readonly httpApis: LocalHttpApiInfo[] = [];
  /** Every event put on the assembly's buses, in the envelope EventBridge delivers to targets. */
  readonly events: EventRecorder;
  /** The EventBridge emulation: buses, rules, schedules, PutEvents from state machines and functions. */
  readonly eventBridge: LocalEventBridge;
  /** Messages sent by `sqs:sendMessage` and `sns:publish` tasks (no queue engine runs them). */
  readonly messages: MessageRecorder;
  /** What the runtime does not emulate: resource types and ignored properties, as logged at start. */
  readonly unsupported: readonly UnsupportedItem[];

  private readonly fns: LocalFunctions;
  private readonly resolver: AssemblyResolver;
  private readonly ddb: DynamoDbService;
  private readonly faults: FaultHolder;
  /** HTTP servers besides the Step Functions APIs, closed by {@link stop}. */
  private readonly servers: LocalEndpoint[] = [];
  private stopping?: Promise<void>;
  private consoleServer?: LocalConsole;

  private constructor(services: Services, options: LocalRuntimeOptions, environment: Readonly<Record<string, string>>) {
    super(services.engine, services.stateMachines, services.resources);
    ({ resolver: this.resolver, dynamodb: this.ddb, faults: this.faults, messages: this.messages, tables: this.tables, unsupported: this.unsupported } = services);
    this.eventBridge = services.bridge;
    this.events = services.bridge.recorder;
    const { endpoint, port, functionEndpoint, pid } = this.ddb;
    this.dynamodb = { endpoint, region: this.resolver.env.region, port, functionEndpoint, pid };
    this.stacks = stacksOf(this.resolver, this.resources);
    this.fns = new LocalFunctions(
      services.functionPlans,
      {
        resolver: this.resolver,
        dynamodbEndpoint: functionEndpoint,
        environment,
        logs: options.functionLogs ?? 'silent',
        ...(options.lambda !== undefined && { lambda: options.lambda }),
        clock: this.clock,
        faults: () => this.faults.injector,
        ...(options.seed !== undefined && { seed: options.seed }),
      },
      (ref, type) => findResource(this.resources, ref, type),
    );
    this.functions = this.fns.infos;
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
    const { stack, resource } = findResource(this.resources, pathOrLogicalId);
    return String(this.resolver.refOf(stack, resource.logicalId));
  }

  /**
   * Invokes a function by name, (qualified) ARN, logical id or construct path and returns its
   * result.
   *
   * @throws FunctionError (its `name` is the Lambda errorType, e.g. `Sandbox.Timedout`)
   */
  async invoke(functionRef: string, event: unknown): Promise<unknown> {
    this.assertRunning();
    return this.fns.invoke(functionRef, event);
  }

  /**
   * Invokes a function like {@link invoke} but returns the whole outcome instead of throwing:
   * the result or the function error, and, when it reached an execution environment, Lambda's
   * REPORT for it (`requestId`, the environment's `logStreamName` — one per environment —,
   * `durationMs`, and `initDurationMs` on a cold start). Concurrency tests use the log stream to
   * prove that simultaneous calls ran in different environments.
   */
  async invokeOutcome(functionRef: string, event: unknown): Promise<InvocationOutcome> {
    this.assertRunning();
    return this.fns.invokeOutcome(functionRef, event);
  }

  /**
   * Deploys a new version of a function behind one of its aliases, as a CloudFormation update of
   * its stack would: the function's code (`change.codeDirectory`, a bundle folder) or variables
   * (`change.environment`) changed, so a new version is published, and the alias moves to it
   * through the CodeDeploy deployment group its `UpdatePolicy` names: traffic shifted by the
   * group's configuration on the runtime's clock, the group's alarms evaluated from the recorded
   * invocations, rolled back on ALARM when the group says so (see `@order-flow/local/codedeploy`).
   * An alias without a deployment group moves at once. Await `done` for the outcome.
   *
   * @param aliasRef the `AWS::Lambda::Alias` by construct path or logical id, e.g. `OrderFlow-Payment/Payment/LiveAlias`
   * @example
   * const deployment = runtime.deployNewVersion('Payments/Payment/LiveAlias', { environment: { FEATURE: 'on' } });
   * // ... traffic, while virtual time passes ...
   * const { status, rolledBack } = await deployment.done;
   * @throws Error naming the field when the alias, its group, configuration or alarms cannot be read
   */
  deployNewVersion(aliasRef: string, change: DeploymentChange = {}, overrides: DeploymentOverrides = {}): LocalDeployment {
    this.assertRunning();
    const { stack, resource } = findResource(this.resources, aliasRef, 'AWS::Lambda::Alias');
    const fn = this.fns.local(String(this.resolver.resolve(stack, resource.properties.FunctionName)));
    return startDeployment({ resolver: this.resolver, stack, alias: resource, fn, clock: this.clock }, change, overrides);
  }

  /** An alias as it routes now (its version and `AdditionalVersionWeights`), by construct path or logical id. */
  aliasRouting(aliasRef: string): AliasConfig {
    const { stack, resource } = findResource(this.resources, aliasRef, 'AWS::Lambda::Alias');
    const fn = this.fns.local(String(this.resolver.resolve(stack, resource.properties.FunctionName)));
    return fn.alias(String(this.resolver.resolve(stack, resource.properties.Name)));
  }

  /**
   * Calls `listener` with each invocation of a function as CloudWatch would count it (start time on
   * the runtime's clock, invoked qualifier, the version that ran, ok/error/throttle, duration),
   * until the returned function is called.
   */
  observeInvocations(functionRef: string, listener: (record: InvocationRecord) => void): () => void {
    return this.fns.local(functionRef).observe(listener);
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
    validateFaults(faults, this.ddb.hasFaultProxy);
    this.faults.injector = new FaultInjector(faults, (key) => {
      const found = this.fns.resolveName(key);
      if ('error' in found) throw new FaultConfigError(found.error);
      return found.name;
    });
  }

  /**
   * Each function's metrics by local name, like Lambda's CloudWatch metrics: invocations,
   * errors, throttles, cold starts, duration percentiles (undefined: it cannot run locally).
   */
  functionStats(): Record<string, FunctionStats | undefined> {
    return this.fns.stats();
  }

  /**
   * Starts the local console on 127.0.0.1 (once; later calls return the same console): the
   * state machines drawn as graphs, executions live with their paths coloured, tables,
   * functions and bus events, starting, stopping and re-running executions. It works on what
   * the runtime already records and subscribes to the engine only while a page is open, so an
   * idle console costs nothing per execution. `stop()` closes it.
   *
   * @example
   * const console = await runtime.startConsole({ port: 8090 });
   * process.stdout.write(`Console: ${console.url}\n`);
   *
   * @throws PortInUseError; ConsoleAssetsMissingError when the package was not built
   */
  async startConsole(options: ConsoleOptions = {}): Promise<LocalConsole> {
    this.assertRunning();
    if (this.consoleServer) return this.consoleServer;
    const started = await startConsole(
      {
        engine: this.engine,
        stateMachines: this.stateMachines,
        tables: this.tables,
        functions: this.functions,
        functionStats: () => this.functionStats(),
        events: this.events,
        dynamodb: this.dynamodb,
        stepFunctionsEndpoint: this.stepFunctionsApi?.endpoint,
      },
      options,
    );
    this.consoleServer = started;
    this.servers.push({ endpoint: started.url.replace(/\/$/, ''), port: started.port, close: () => started.close() });
    return started;
  }

  /** The console started by {@link startConsole} or the `console` option, if any. */
  get console(): LocalConsole | undefined {
    return this.consoleServer;
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
      await this.fns.stop();
      await this.ddb.stop();
    })();
    return this.stopping;
  }

  protected assertRunning(): void {
    if (this.stopping) throw new Error('The local runtime is stopped');
  }
}

/** Starts a {@link LocalRuntime}; same as `LocalRuntime.start(options)`. */
export const startLocalRuntime = (options: LocalRuntimeOptions = {}): Promise<LocalRuntime> => LocalRuntime.start(options);
