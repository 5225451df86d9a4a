import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readCloudAssembly, type AssemblyStack, type TemplateResource } from './cloud-assembly.js';
import { LOCAL_CREDENTIALS, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.js';
import { FunctionError, LocalFunction, locateFunctionCode, logStreamName, type FunctionCode, type FunctionLogs, type InvocationOutcome } from './lambda.js';
import { AssemblyResolver, DEFAULT_ENVIRONMENT } from './resolver.js';
import { LocalStateMachine, type ExecuteOptions, type ExecutionResult, type TaskIntegration } from './state-machine.js';
import { TABLE_TYPES, createTable, toCreateTableInput } from './tables.js';

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
   * Replaces every state machine Retry wait with this many milliseconds (for tests and demos).
   * @default - the definition's waits
   */
  readonly retryIntervalMs?: number;
  /**
   * Replaces every Wait state's wait with this many milliseconds.
   * @default - the definition's waits
   */
  readonly waitTimeMs?: number;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '000000000000' */
  readonly accountId?: string;
  /**
   * Extra Task integrations keyed by Resource ARN prefix, e.g. `'arn:aws:states:::events:putEvents'`.
   * @default {}
   */
  readonly integrations?: Readonly<Record<string, TaskIntegration>>;
  /**
   * Extra environment variables for every function (applied last, so they win), e.g. another
   * service's `AWS_ENDPOINT_URL_*`.
   * @default {}
   */
  readonly environment?: Readonly<Record<string, string>>;
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
   * Execution name.
   * @default - a random UUID
   */
  readonly name?: string;
  /** Aborts the execution (status ABORTED). */
  readonly signal?: AbortSignal;
  /** See {@link ExecuteOptions.taskOverrides}: fault injection per Task state, this execution only. */
  readonly taskOverrides?: ExecuteOptions['taskOverrides'];
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
    const resolver = new AssemblyResolver(assembly, {
      ...DEFAULT_ENVIRONMENT,
      ...(options.region !== undefined && { region: options.region }),
      ...(options.accountId !== undefined && { accountId: options.accountId }),
    });
    const active = assembly.stacks.flatMap((stack) =>
      [...stack.resources.values()].filter((resource) => resolver.isActive(stack, resource)).map((resource) => ({ stack, resource })),
    );
    // Everything that can fail on the assembly alone fails before Java starts.
    const functionPlans = active.filter(({ resource }) => resource.type === 'AWS::Lambda::Function').map(({ stack, resource }) => planFunction(resolver, stack, resource));
    const tablePlans = active
      .filter(({ resource }) => TABLE_TYPES.has(resource.type))
      .map(({ stack, resource }) => ({
        label: `${stack.stackName}/${resource.logicalId}`,
        input: toCreateTableInput(resolver.physicalName(stack, resource.logicalId), resolver.resolve(stack, pick(resource.properties, TABLE_KEYS)) as Record<string, unknown>),
      }));

    // Task states call functions through the runtime, which exists only once DynamoDB Local runs.
    const late: { runtime?: LocalRuntime } = {};
    const machinePlans = active
      .filter(({ resource }) => resource.type === 'AWS::StepFunctions::StateMachine')
      .map(({ stack, resource }) => {
        const name = resolver.physicalName(stack, resource.logicalId);
        const arn = String(resolver.refOf(stack, resource.logicalId));
        const machine = new LocalStateMachine(name, arn, definitionOf(resolver, stack, resource), {
          invokeFunction: (fn, payload) => late.runtime!.invokeOutcome(fn, payload),
          ...(options.integrations !== undefined && { integrations: options.integrations }),
          ...(options.retryIntervalMs !== undefined && { retryIntervalMs: options.retryIntervalMs }),
          ...(options.waitTimeMs !== undefined && { waitTimeMs: options.waitTimeMs }),
        });
        return { info: { ...infoOf(stack, resource), name, arn }, machine };
      });

    const dynamodb = await startDynamoDbLocal({
      ...(options.dynamodbPort !== undefined && { port: options.dynamodbPort }),
      ...(options.javaCommand !== undefined && { javaCommand: options.javaCommand }),
    });
    try {
      const client = new DynamoDBClient({ endpoint: dynamodb.endpoint, region: resolver.env.region, credentials: LOCAL_CREDENTIALS });
      try {
        await Promise.all(tablePlans.map((plan) => createTable(client, plan.input, plan.label)));
      } finally {
        client.destroy();
      }
      late.runtime = new LocalRuntime(resolver, dynamodb, active, functionPlans, machinePlans, options);
      return late.runtime;
    } catch (error) {
      await dynamodb.stop();
      throw error;
    }
  }

  /** DynamoDB Local: point an SDK client here (with any credentials, e.g. `LOCAL_CREDENTIALS`). */
  readonly dynamodb: { readonly endpoint: string; readonly region: string; readonly port: number };
  /** The stacks of the assembly. */
  readonly stacks: readonly LocalStackInfo[];
  /** The state machines, with their local names and ARNs. */
  readonly stateMachines: readonly NamedResourceInfo[];
  /** The Lambda functions, with their local names and ARNs. */
  readonly functions: readonly NamedResourceInfo[];
  /** The DynamoDB tables, with their local names and ARNs. */
  readonly tables: readonly NamedResourceInfo[];

  private readonly functionEntries: FunctionEntry[];
  private readonly machines = new Map<NamedResourceInfo, LocalStateMachine>();
  private readonly resources: readonly { stack: AssemblyStack; resource: TemplateResource }[];
  private stopping?: Promise<void>;

  private constructor(
    private readonly resolver: AssemblyResolver,
    private readonly ddb: DynamoDbLocal,
    active: readonly { stack: AssemblyStack; resource: TemplateResource }[],
    functionPlans: readonly FunctionPlan[],
    machinePlans: readonly { info: NamedResourceInfo; machine: LocalStateMachine }[],
    options: LocalRuntimeOptions,
  ) {
    this.resources = active;
    this.dynamodb = { endpoint: ddb.endpoint, region: resolver.env.region, port: ddb.port };
    this.stacks = resolver.assembly.stacks.map((stack) => ({
      name: stack.stackName,
      artifactId: stack.artifactId,
      resources: active.filter((entry) => entry.stack === stack).map((entry) => infoOf(entry.stack, entry.resource)),
    }));
    this.functionEntries = functionPlans.map((plan) => this.createFunction(plan, options));
    this.functions = this.functionEntries.map((entry) => entry.info);
    this.tables = active.filter(({ resource }) => TABLE_TYPES.has(resource.type)).map(({ stack, resource }) => this.named(stack, resource, 'Arn'));

    for (const { info, machine } of machinePlans) this.machines.set(info, machine);
    this.stateMachines = machinePlans.map(({ info }) => info);
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
   * resolves too (see `status`, `error`, `cause`); only runtime bugs reject.
   */
  async run(input: unknown, options: RunOptions = {}): Promise<ExecutionResult> {
    const machine = this.findStateMachine(options.stateMachine);
    this.assertRunning();
    return machine.execute(input, {
      ...(options.name !== undefined && { name: options.name }),
      ...(options.signal !== undefined && { signal: options.signal }),
      ...(options.taskOverrides !== undefined && { taskOverrides: options.taskOverrides }),
    });
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

  /** Terminates every function worker and DynamoDB Local. Safe to call more than once. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await Promise.all(this.functionEntries.map((entry) => entry.fn?.stop() ?? Promise.resolve()));
      await this.ddb.stop();
    })();
    return this.stopping;
  }

  private assertRunning(): void {
    if (this.stopping) throw new Error('The local runtime is stopped');
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
    return entry.fn.invoke(event, invokedArn);
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

  private findStateMachine(ref: string | undefined): LocalStateMachine {
    const all = [...this.machines.entries()];
    if (ref === undefined) {
      if (all.length !== 1) {
        throw new Error(`The assembly has ${all.length} state machines (${all.map(([info]) => info.path ?? info.name).join(', ')}): pass options.stateMachine`);
      }
      return all[0]![1];
    }
    const direct = all.find(([info]) => info.name === ref || info.arn === ref);
    if (direct) return direct[1];
    const { stack, resource } = this.findResource(ref, 'AWS::StepFunctions::StateMachine');
    const match = all.find(([info]) => info.stackName === stack.stackName && info.logicalId === resource.logicalId);
    if (!match) throw new Error(`No state machine '${ref}' in the assembly`);
    return match[1];
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
      // The real SDK inside the bundle talks to DynamoDB Local without any code change.
      AWS_ENDPOINT_URL_DYNAMODB: this.ddb.endpoint,
      ...plan.loggingVariables,
      ...options.environment,
    };
    const fn = new LocalFunction({
      name: info.name,
      arn: info.arn,
      handler: plan.handler,
      code: plan.code,
      environment,
      timeoutSeconds: plan.timeoutSeconds,
      memoryMb: plan.memoryMb,
      logGroupName,
      logs: options.functionLogs ?? 'silent',
    });
    return { info, fn };
  }
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
}

function planFunction(resolver: AssemblyResolver, stack: AssemblyStack, resource: TemplateResource): FunctionPlan {
  const props = resolver.resolve(
    stack,
    pick(resource.properties, ['Code', 'Handler', 'Runtime', 'Environment', 'Timeout', 'MemorySize', 'LoggingConfig', 'PackageType']),
  ) as {
    Code?: unknown;
    Handler?: unknown;
    Runtime?: unknown;
    Environment?: { Variables?: Record<string, unknown> };
    Timeout?: unknown;
    MemorySize?: unknown;
    LoggingConfig?: { LogFormat?: string; ApplicationLogLevel?: string; SystemLogLevel?: string; LogGroup?: string };
    PackageType?: unknown;
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

/** Starts a {@link LocalRuntime}; same as `LocalRuntime.start(options)`. */
export const startLocalRuntime = (options: LocalRuntimeOptions = {}): Promise<LocalRuntime> => LocalRuntime.start(options);
