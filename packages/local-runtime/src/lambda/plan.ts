/** The assembly's `AWS::Lambda::Function` resources, planned into local functions. */
import { createHash } from 'node:crypto';
import type { AssemblyStack, TemplateResource } from '../cloudformation/assembly.js';
import type { AssemblyResolver } from '../cloudformation/resolver.js';
import { labelOf, namedInfoOf, pick, type NamedResourceInfo } from '../cloudformation/resources.js';
import { LOCAL_CREDENTIALS } from '../dynamodb/local.js';
import type { FaultInjector } from '../faults/injector.js';
import type { Clock } from '@order-flow/step-functions';
import { FunctionError, LocalFunction, locateFunctionCode, logStreamName, type FunctionCode, type FunctionLogs, type FunctionStats, type InvocationOutcome } from './function.js';
import { LambdaHost, type LambdaHostOptions } from './host.js';
import { planVersionsAndAliases } from './versions.js';

/** A function of the template, read and checked before anything starts. */
export interface FunctionPlan {
  readonly stack: AssemblyStack;
  readonly resource: TemplateResource;
  readonly code?: FunctionCode;
  /** Why the function cannot run locally. */
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

/** Reads a function's properties; a function that cannot run locally is planned as unavailable (invoking it fails). */
export function planFunction(resolver: AssemblyResolver, stack: AssemblyStack, resource: TemplateResource): FunctionPlan {
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
  const label = labelOf(stack, resource);
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

/** What every function of a runtime shares. */
export interface FunctionSettings {
  readonly resolver: AssemblyResolver;
  /** `AWS_ENDPOINT_URL_DYNAMODB` of the functions. */
  readonly dynamodbEndpoint: string;
  /** Extra variables, applied last. */
  readonly environment: Readonly<Record<string, string>>;
  readonly logs: FunctionLogs;
  readonly lambda?: LambdaHostOptions;
  /** Real work: a virtual clock does not jump while a function runs. */
  readonly clock: Clock;
  /** The fault injector in force when an invocation starts. */
  readonly faults: () => FaultInjector;
  /** Seed of the weighted-alias routing draws, mixed with each function's stack and logical id. */
  readonly seed?: number;
}

interface FunctionEntry {
  readonly info: NamedResourceInfo;
  readonly fn?: LocalFunction;
  readonly unavailable?: string;
}

/** The functions of a running assembly: found by name, ARN, logical id or construct path, and invoked. */
export class LocalFunctions {
  readonly infos: readonly NamedResourceInfo[];
  private readonly entries: FunctionEntry[];
  private host: LambdaHost | undefined;

  constructor(
    plans: readonly FunctionPlan[],
    private readonly settings: FunctionSettings,
    /** Finds a resource of the assembly by path or logical id (throws when there is none). */
    private readonly findResource: (ref: string, type: string) => { stack: AssemblyStack; resource: TemplateResource },
  ) {
    this.entries = plans.map((plan) => this.create(plan));
    this.infos = this.entries.map((entry) => entry.info);
  }

  /** Invokes a function; a missing or unavailable function is an error outcome, like Lambda's. */
  invokeOutcome(functionRef: string, payload: unknown): Promise<InvocationOutcome> {
    const found = this.find(functionRef);
    if (!found) return Promise.resolve({ ok: false, error: { errorType: 'Lambda.ResourceNotFoundException', errorMessage: `Function not found: ${functionRef}` } });
    return this.invokeEntry(found.entry, payload, found.invokedArn);
  }

  /** @throws FunctionError; an Error for an unknown function */
  async invoke(functionRef: string, event: unknown): Promise<unknown> {
    const found = this.find(functionRef);
    if (!found) throw new Error(`No function '${functionRef}' in the assembly (functions: ${this.infos.map((f) => f.name).join(', ')})`);
    const outcome = await this.invokeEntry(found.entry, event, found.invokedArn);
    if (!outcome.ok) throw new FunctionError(outcome.error);
    return outcome.result;
  }

  /** A `faults.functions` key -> the function's local name: what `invoke` accepts, or a unique path suffix. */
  resolveName(key: string): { name: string } | { error: string } {
    const found = this.find(key)?.entry;
    if (found) return { name: found.info.name };
    const wanted = key.replace(/^\//, '');
    const bySuffix = this.entries.filter(({ info }) => info.path !== undefined && (info.path.endsWith(`/${wanted}`) || info.path.endsWith(`/${wanted}/Resource`)));
    if (bySuffix.length === 1) return { name: bySuffix[0]!.info.name };
    const known = this.entries.map(({ info }) => info.path ?? info.name).join(', ');
    return {
      error:
        bySuffix.length > 1
          ? `faults.functions key '${key}' matches several functions: ${bySuffix.map(({ info }) => info.path).join(', ')}`
          : `faults.functions key '${key}' names no function of the assembly (functions: ${known})`,
    };
  }

  /**
   * The running function a reference (name, ARN, logical id or construct path) names.
   * @throws Error naming the reference when there is none, or it cannot run locally
   */
  local(ref: string): LocalFunction {
    const entry = this.find(ref)?.entry;
    if (!entry) throw new Error(`No function '${ref}' in the assembly (functions: ${this.infos.map((f) => f.name).join(', ')})`);
    if (!entry.fn) throw new Error(`Function '${ref}' cannot run locally: ${entry.unavailable ?? 'unavailable'}`);
    return entry.fn;
  }

  /** Each function's metrics by local name (undefined for a function that cannot run locally). */
  stats(): Record<string, FunctionStats | undefined> {
    return Object.fromEntries(this.entries.map((entry) => [entry.info.name, entry.fn?.stats()]));
  }

  /** Terminates every function worker. */
  async stop(): Promise<void> {
    await Promise.all(this.entries.map((entry) => entry.fn?.stop() ?? Promise.resolve()));
  }

  private invokeEntry(entry: FunctionEntry, event: unknown, invokedArn: string): Promise<InvocationOutcome> {
    if (!entry.fn) return Promise.resolve({ ok: false, error: { errorType: 'Lambda.ServiceException', errorMessage: entry.unavailable ?? 'unavailable' } });
    const fn = entry.fn;
    return this.settings.clock.track(this.settings.faults().invokeFunction(entry.info.name, fn.config.timeoutSeconds, () => fn.invoke(event, invokedArn)));
  }

  private find(ref: string): { entry: FunctionEntry; invokedArn: string } | undefined {
    const arn = /^(?:arn:[^:]+:lambda:[^:]*:[^:]*:function:)?([^:]+)(?::([^:]+))?$/.exec(ref);
    const name = arn?.[1];
    const qualifier = arn?.[2];
    const byName = this.entries.find((entry) => entry.info.name === name);
    if (byName) return { entry: byName, invokedArn: qualifier ? `${byName.info.arn}:${qualifier}` : byName.info.arn };
    try {
      const { stack, resource } = this.findResource(ref, 'AWS::Lambda::Function');
      const entry = this.entries.find((e) => e.info.stackName === stack.stackName && e.info.logicalId === resource.logicalId);
      return entry && { entry, invokedArn: entry.info.arn };
    } catch {
      return undefined;
    }
  }

  private create(plan: FunctionPlan): FunctionEntry {
    const { resolver } = this.settings;
    const info = namedInfoOf(resolver, plan.stack, plan.resource, 'Arn');
    if (!plan.code) return { info, unavailable: plan.unavailable ?? 'not runnable locally' };
    const { region } = resolver.env;
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
      AWS_ENDPOINT_URL_DYNAMODB: this.settings.dynamodbEndpoint,
      ...plan.loggingVariables,
      ...this.settings.environment,
    };
    this.host ??= new LambdaHost(this.settings.lambda);
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
        logs: this.settings.logs,
        now: () => this.settings.clock.now(),
        ...(plan.reservedConcurrency !== undefined && { reservedConcurrency: plan.reservedConcurrency }),
        // The local name is random per start; the stack and logical id are not.
        ...(this.settings.seed !== undefined && {
          routingSeed: createHash('sha256').update(`${this.settings.seed}:${plan.stack.stackName}/${plan.resource.logicalId}`).digest().readUInt32LE(0),
        }),
        ...planVersionsAndAliases(resolver, plan.stack, plan.resource.logicalId),
      },
      this.host,
    );
    return { info, fn };
  }
}
