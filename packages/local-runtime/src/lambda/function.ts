import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { AssemblyStack } from '../cloudformation/assembly.js';
import { mulberry32 } from '../faults/injector.js';
import { ExecutionEnvironment } from './environment.js';
import { LambdaHost, type EnvironmentOwner } from './host.js';

/** Where function output (console.log etc.) goes. */
export type FunctionLogs = 'inherit' | 'silent' | ((functionName: string, line: string) => void);

/** A Lambda function error, as the Lambda API reports it. */
export interface LambdaErrorPayload {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace?: readonly string[];
}

/** What Lambda's REPORT line says about one invocation that ran in an environment. */
export interface InvocationReport {
  readonly requestId: string;
  /** The version that ran (`$LATEST`, or the version an alias routed to). */
  readonly version: string;
  /** The environment's log stream: one per execution environment. */
  readonly logStreamName: string;
  readonly durationMs: number;
  /** Set on the first invocation of an environment (a cold start): its Init phase. */
  readonly initDurationMs?: number;
  readonly memoryMb: number;
}

/** The outcome of one invocation: the JSON result or the function error (`report` when it reached an environment). */
export type InvocationOutcome =
  | { readonly ok: true; readonly result: unknown; readonly report?: InvocationReport }
  | { readonly ok: false; readonly error: LambdaErrorPayload; readonly report?: InvocationReport };

/** Thrown by `LocalRuntime.invoke` when the function fails; `name` is the Lambda errorType. */
export class FunctionError extends Error {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace: readonly string[];
  constructor(payload: LambdaErrorPayload) {
    super(payload.errorMessage);
    this.name = payload.errorType;
    this.errorType = payload.errorType;
    this.errorMessage = payload.errorMessage;
    this.trace = payload.trace ?? [];
  }
}

/** Thrown at start when a function's code asset is not in the cloud assembly. */
export class LambdaAssetMissingError extends Error {
  override readonly name = 'LambdaAssetMissingError';
}

/** Where a function's code lives on disk and which export is the handler. */
export interface FunctionCode {
  /** Asset directory (LAMBDA_TASK_ROOT). */
  readonly directory: string;
  /** The module file that holds the handler. */
  readonly file: string;
  /** Export path of the handler within the module (`index.handler` -> `['handler']`). */
  readonly exportPath: readonly string[];
}

/**
 * Finds a function's bundle from its template `Code` and `Handler`: `Code.S3Key` `<hash>.zip`
 * -> the stack's asset manifest entry `<hash>` -> `asset.<hash>/` in the assembly, and the handler
 * `file.export` -> `file.mjs`, `file.js` or `file.cjs` in that directory.
 *
 * @throws LambdaAssetMissingError when the asset or the handler file is missing
 */
export function locateFunctionCode(stack: AssemblyStack, label: string, code: unknown, handler: unknown): FunctionCode {
  const s3Key = (code as { S3Key?: unknown } | undefined)?.S3Key;
  if (typeof s3Key !== 'string') {
    throw new LambdaAssetMissingError(`Lambda function ${label}: only asset code (Code.fromAsset) is supported locally, got ${JSON.stringify(code)}`);
  }
  const hash = s3Key.replace(/\.zip$/, '');
  const asset = stack.assets.get(hash);
  const directory = asset?.path ?? join(stack.assemblyDir, `asset.${hash}`);
  if (!existsSync(directory) || !statSync(directory).isDirectory()) {
    throw new LambdaAssetMissingError(
      `Lambda function ${label}: its code asset ${hash} should be the folder ${directory}, which is missing. ` +
        `Re-run \`cdk synth\` (after building the function bundle) so the assembly holds every asset.`,
    );
  }
  if (typeof handler !== 'string' || !handler.includes('.')) {
    throw new LambdaAssetMissingError(`Lambda function ${label}: Handler must look like 'index.handler', got ${JSON.stringify(handler)}`);
  }
  // Like the Node.js runtime: the module is everything before the first dot, the rest is the export path.
  const dot = handler.indexOf('.');
  const modulePath = handler.slice(0, dot);
  const exportPath = handler.slice(dot + 1).split('.');
  const file = ['.mjs', '.js', '.cjs'].map((ext) => join(directory, modulePath + ext)).find((candidate) => existsSync(candidate));
  if (!file) {
    throw new LambdaAssetMissingError(`Lambda function ${label}: no ${modulePath}.mjs, ${modulePath}.js or ${modulePath}.cjs in ${directory} (Handler '${handler}')`);
  }
  return { directory, file, exportPath };
}


/** An `AWS::Lambda::Alias`: the version it points to and its weighted routing. */
export interface AliasConfig {
  readonly version: string;
  /** `RoutingConfig.AdditionalVersionWeights`: version -> share of invocations (0..1). */
  readonly additionalVersionWeights?: Readonly<Record<string, number>>;
}

/** What a newly published version runs differently from the function's template code and variables. */
export interface VersionChange {
  /** Another bundle (a folder holding the same handler module), e.g. a patched build. @default - the function's code */
  readonly code?: FunctionCode;
  /** Variables set or replaced on top of the function's environment. @default - none */
  readonly environment?: Readonly<Record<string, string>>;
}

/**
 * One invocation as CloudWatch counts it: when it started (on the runtime's clock), how it was
 * called and which version ran, for the Lambda metrics `Invocations`, `Errors`, `Throttles` and
 * `Duration` with their dimensions (`Resource` = the qualifier, `ExecutedVersion` = the version).
 */
export interface InvocationRecord {
  /** Start of the invocation, epoch ms on the runtime's clock. */
  readonly at: number;
  /** The qualifier of the invoked ARN (`live`, `3`, `$LATEST`), undefined for an unqualified ARN. */
  readonly qualifier?: string;
  /** The version that ran (an alias's choice); undefined for a throttled invocation, which ran none. */
  readonly version?: string;
  readonly outcome: 'ok' | 'error' | 'throttle';
  /** Handler duration; undefined for a throttle. */
  readonly durationMs?: number;
}

/** Static settings of a local function. */
export interface LocalFunctionConfig {
  readonly name: string;
  readonly arn: string;
  readonly handler: string;
  readonly code: FunctionCode;
  /** The `process.env` of the function's environments (per-environment variables are added). */
  readonly environment: Readonly<Record<string, string>>;
  readonly timeoutSeconds: number;
  /** MemorySize: each environment's JS heap limit. */
  readonly memoryMb: number;
  readonly logGroupName: string;
  readonly logs: FunctionLogs;
  /** `ReservedConcurrentExecutions`: at most this many invocations at once, the rest throttle. */
  readonly reservedConcurrency?: number;
  /** Published versions (`AWS::Lambda::Version`, numbered as deployed). A local version runs the same code. */
  readonly versions?: readonly string[];
  /** Aliases by name (`AWS::Lambda::Alias`). */
  readonly aliases?: Readonly<Record<string, AliasConfig>>;
  /** Seed of the weighted-alias routing draws (default: derived from the function name). */
  readonly routingSeed?: number;
  /**
   * The runtime's clock: what `Date` reads inside the function and what its deadline is measured
   * on, so a handler's timestamps agree with the engine's under a virtual clock.
   * @default Date.now
   */
  readonly now?: () => number;
}

/** Percentiles of a series of durations in milliseconds. */
export interface DurationSummary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** Function-level metrics, like Lambda's CloudWatch metrics of a function. */
export interface FunctionStats {
  /** Invocations admitted (not throttled), including those still running. */
  readonly invocations: number;
  /** Invocations that ended with a function error (errors of the runtime included: timeouts, crashes). */
  readonly errors: number;
  readonly throttles: number;
  readonly coldStarts: number;
  readonly concurrentExecutions: number;
  readonly peakConcurrentExecutions: number;
  /** Execution environments alive now (busy or idle). */
  readonly environments: number;
  readonly idleEnvironments: number;
  readonly peakEnvironments: number;
  /** Handler durations of the last 1,000 invocations that reached an environment. */
  readonly durationMs: DurationSummary | undefined;
  /** Init durations of the last 1,000 cold starts. */
  readonly initDurationMs: DurationSummary | undefined;
}

const SAMPLES = 1000;

/**
 * A function of the assembly run locally as Lambda runs it: a pool of execution environments
 * (worker threads), each serving ONE invocation at a time, created on demand (cold start) and
 * reused when free (warm start). Concurrency limits throttle like Lambda, without queueing.
 */
export class LocalFunction implements EnvironmentOwner {
  inFlight = 0;
  readonly reservedConcurrency: number | undefined;
  private readonly idle: ExecutionEnvironment[] = [];
  private readonly environments = new Set<ExecutionEnvironment>();
  private readonly random: () => number;
  private stopped = false;
  private readonly counters = { invocations: 0, errors: 0, throttles: 0, coldStarts: 0, peakConcurrent: 0, peakEnvironments: 0 };
  private readonly durations: number[] = [];
  private readonly initDurations: number[] = [];
  /** Versions published at run time ({@link publishVersion}): their code and variables. */
  private readonly changes = new Map<string, VersionChange>();
  /** Task root copies by code directory: a published version may run another bundle. */
  private readonly taskRoots = new Map<string, string>();
  private readonly versionList: string[];
  private readonly aliasTable: Record<string, AliasConfig>;
  private readonly observers = new Set<(record: InvocationRecord) => void>();

  /** @param host the limits shared with the runtime's other functions (a private one by default) */
  constructor(
    readonly config: LocalFunctionConfig,
    private readonly host: LambdaHost = new LambdaHost(),
  ) {
    this.reservedConcurrency = config.reservedConcurrency;
    this.versionList = [...(config.versions ?? [])];
    this.aliasTable = { ...config.aliases };
    this.random = mulberry32(config.routingSeed ?? createHash('sha256').update(config.name).digest().readUInt32LE(0));
    host.register(this);
  }

  /**
   * Invokes the function with Lambda semantics: the event and result pass through JSON, errors
   * come back as `{errorType, errorMessage, trace}`, the template Timeout ends the invocation
   * with `Sandbox.Timedout`, MemorySize with `Runtime.OutOfMemory`, and an invocation beyond the
   * concurrency limits with `Lambda.TooManyRequestsException`.
   *
   * @param invokedArn the ARN the caller used (qualified or not): an alias routes to its version
   */
  async invoke(event: unknown, invokedArn: string = this.config.arn): Promise<InvocationOutcome> {
    if (this.stopped) throw new Error(`Function ${this.config.name} is stopped: the runtime was stopped`);
    const version = this.versionFor(invokedArn);
    if (version === undefined) {
      return { ok: false, error: { errorType: 'Lambda.ResourceNotFoundException', errorMessage: `Function not found: ${invokedArn}` } };
    }
    const at = this.config.now?.() ?? Date.now();
    const qualifier = invokedArn.split(':')[7];
    if (!this.host.admit(this)) {
      this.counters.throttles++;
      this.notify({ at, ...(qualifier !== undefined && { qualifier }), outcome: 'throttle' });
      // The Invoke API's TooManyRequestsException, named as the Step Functions integration reports it.
      return { ok: false, error: { errorType: 'Lambda.TooManyRequestsException', errorMessage: 'Rate Exceeded.' } };
    }
    this.counters.invocations++;
    this.counters.peakConcurrent = Math.max(this.counters.peakConcurrent, this.inFlight);
    try {
      const env = await this.host.acquire(this, version);
      const outcome = await this.runIn(env, event, invokedArn);
      this.notify({ at, ...(qualifier !== undefined && { qualifier }), version, outcome: outcome.ok ? 'ok' : 'error', durationMs: outcome.report?.durationMs ?? 0 });
      return outcome;
    } finally {
      this.host.leave(this);
    }
  }

  /**
   * Publishes a new version (Lambda `PublishVersion`, numbered after the highest so far), running
   * `change`'s code and variables instead of the template's: what a CloudFormation update of the
   * stack does when the function's code or configuration changed and CDK's `currentVersion`
   * publishes a new `AWS::Lambda::Version`. The template's versions keep their code.
   * @returns the new version number
   */
  publishVersion(change: VersionChange = {}): string {
    const highest = Math.max(0, ...this.versionList.map(Number).filter(Number.isFinite));
    const version = String(highest + 1);
    this.versionList.push(version);
    this.changes.set(version, change);
    return version;
  }

  /**
   * The alias as it is now (`GetAlias`): its version and weighted routing.
   * @throws Error naming the alias when the function has no such alias
   */
  alias(name: string): AliasConfig {
    const alias = this.aliasTable[name];
    if (!alias) throw new Error(`Function ${this.config.name} has no alias '${name}' (aliases: ${Object.keys(this.aliasTable).join(', ') || 'none'})`);
    return alias;
  }

  /**
   * Points an alias at a version with optional weighted routing (`UpdateAlias` with
   * `RoutingConfig.AdditionalVersionWeights`); invocations that start afterwards use it.
   * @throws Error naming the field when a version is not published or a weight is outside 0..1
   */
  updateAlias(name: string, config: AliasConfig): void {
    this.alias(name);
    for (const version of [config.version, ...Object.keys(config.additionalVersionWeights ?? {})]) {
      if (!this.versionList.includes(version)) throw new Error(`updateAlias ${this.config.name}:${name}: version '${version}' is not a published version (${this.versionList.join(', ')})`);
    }
    for (const [version, weight] of Object.entries(config.additionalVersionWeights ?? {})) {
      if (!(weight >= 0 && weight <= 1)) throw new Error(`updateAlias ${this.config.name}:${name}: AdditionalVersionWeights['${version}'] must be between 0 and 1, got ${weight}`);
    }
    this.aliasTable[name] = config;
  }

  /**
   * Calls `listener` after each invocation ends (and at once for a throttle), until the returned
   * function is called: the raw data of the function's CloudWatch metrics, for whoever needs
   * them (the local CodeDeploy's alarms). Nothing is kept when nobody listens.
   */
  observe(listener: (record: InvocationRecord) => void): () => void {
    this.observers.add(listener);
    return () => this.observers.delete(listener);
  }

  private notify(record: InvocationRecord): void {
    for (const listener of this.observers) listener(record);
  }

  /** Invocations, errors, throttles, cold starts, concurrency and duration percentiles so far. */
  stats(): FunctionStats {
    return {
      invocations: this.counters.invocations,
      errors: this.counters.errors,
      throttles: this.counters.throttles,
      coldStarts: this.counters.coldStarts,
      concurrentExecutions: this.inFlight,
      peakConcurrentExecutions: this.counters.peakConcurrent,
      environments: this.environments.size,
      idleEnvironments: this.idle.length,
      peakEnvironments: this.counters.peakEnvironments,
      durationMs: summarize(this.durations),
      initDurationMs: summarize(this.initDurations),
    };
  }

  /** Terminates every environment of the function and removes its task root copy. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.host.abandon(this, new Error(`Function ${this.config.name} is stopped: the runtime was stopped`));
    await Promise.all([...this.environments].map((env) => env.terminate()));
    for (const root of this.taskRoots.values()) rmSync(root, { recursive: true, force: true });
    this.taskRoots.clear();
  }

  /** @internal EnvironmentOwner */
  takeIdle(version: string): ExecutionEnvironment | undefined {
    // Most recently used first, so rarely used environments age out.
    for (let i = this.idle.length - 1; i >= 0; i--) {
      if (this.idle[i]!.spec.version === version) return this.idle.splice(i, 1)[0];
    }
    return undefined;
  }

  /** @internal EnvironmentOwner */
  oldestIdle(): ExecutionEnvironment | undefined {
    return this.idle[0];
  }

  /** @internal EnvironmentOwner */
  countOf(version: string): number {
    let count = 0;
    for (const env of this.environments) if (env.spec.version === version) count++;
    return count;
  }

  /** @internal EnvironmentOwner */
  get environmentCount(): number {
    return this.environments.size;
  }

  /** @internal EnvironmentOwner */
  putIdle(env: ExecutionEnvironment): void {
    this.idle.push(env);
  }

  /** @internal EnvironmentOwner: a new environment (cold start). */
  create(version: string): ExecutionEnvironment {
    if (this.stopped) throw new Error(`Function ${this.config.name} is stopped: the runtime was stopped`);
    const { config } = this;
    const change = this.changes.get(version);
    const code = change?.code ?? config.code;
    let taskRoot = this.taskRoots.get(code.directory);
    if (taskRoot === undefined) {
      taskRoot = copyTaskRoot(config.name, code);
      this.taskRoots.set(code.directory, taskRoot);
    }
    const stream = logStreamName(new Date(config.now?.() ?? Date.now()), version);
    const env = new ExecutionEnvironment(
      {
        functionName: config.name,
        version,
        file: join(taskRoot, relative(code.directory, code.file)),
        exportPath: code.exportPath,
        handler: config.handler,
        taskRoot,
        environment: {
          ...config.environment,
          ...change?.environment,
          LAMBDA_TASK_ROOT: taskRoot,
          AWS_LAMBDA_FUNCTION_VERSION: version,
          AWS_LAMBDA_LOG_STREAM_NAME: stream,
        },
        memoryMb: config.memoryMb,
        timeoutSeconds: config.timeoutSeconds,
        logStreamName: stream,
        clockSkewMs: (config.now?.() ?? Date.now()) - Date.now(),
        logs: config.logs,
        sdkParentUrl: import.meta.url,
      },
      (gone) => {
        this.environments.delete(gone);
        const at = this.idle.indexOf(gone);
        if (at >= 0) this.idle.splice(at, 1);
        this.host.gone(gone);
      },
    );
    this.environments.add(env);
    this.counters.peakEnvironments = Math.max(this.counters.peakEnvironments, this.environments.size);
    return env;
  }

  private async runIn(env: ExecutionEnvironment, event: unknown, invokedArn: string): Promise<InvocationOutcome> {
    const { config } = this;
    const requestId = randomUUID();
    const cold = env.invocations === 0;
    const initError = await env.ready;
    const initDurationMs = cold ? env.initDurationMs : undefined;
    if (cold) {
      this.counters.coldStarts++;
      if (initDurationMs !== undefined) record(this.initDurations, initDurationMs);
    }
    const base = { requestId, version: env.spec.version, logStreamName: env.spec.logStreamName, memoryMb: config.memoryMb, ...(initDurationMs !== undefined && { initDurationMs }) };
    if (initError || env.gone) {
      // Init failed: Lambda reports the error and the next invocation starts a new environment.
      this.counters.errors++;
      void env.terminate();
      return { ok: false, error: initError ?? { errorType: 'Runtime.ExitError', errorMessage: 'Runtime exited before the invocation' }, report: { ...base, durationMs: 0 } };
    }
    const now = config.now?.() ?? Date.now();
    const context = {
      awsRequestId: requestId,
      functionName: config.name,
      functionVersion: env.spec.version,
      invokedFunctionArn: invokedArn,
      memoryLimitInMB: String(config.memoryMb),
      logGroupName: config.logGroupName,
      logStreamName: env.spec.logStreamName,
      deadline: now + config.timeoutSeconds * 1000,
      // How far the runtime's clock is from wall time: the environment's Date reads the same time.
      clockSkewMs: now - Date.now(),
    };
    const { outcome, fatal, durationMs } = await env.run(event, context);
    record(this.durations, durationMs);
    if (!outcome.ok) this.counters.errors++;
    if (fatal) void env.terminate();
    else this.host.release(this, env);
    return { ...outcome, report: { ...base, durationMs } };
  }

  /** The version an invocation runs: `$LATEST`, a published version, or an alias's (weighted) version. */
  private versionFor(invokedArn: string): string | undefined {
    const qualifier = invokedArn.split(':')[7];
    if (qualifier === undefined || qualifier === '$LATEST') return '$LATEST';
    if (this.versionList.includes(qualifier)) return qualifier;
    const alias = this.aliasTable[qualifier];
    // Lenient where Lambda answers ResourceNotFoundException: a qualifier the template does not
    // define runs $LATEST, so callers can use qualified ARNs of resources outside the assembly.
    if (!alias) return '$LATEST';
    // Weighted alias: each additional version gets its share, the alias's own version the rest.
    const draw = this.random();
    let cumulative = 0;
    for (const [version, weight] of Object.entries(alias.additionalVersionWeights ?? {})) {
      cumulative += weight;
      if (draw < cumulative) return version;
    }
    return alias.version;
  }
}

/**
 * Copies the asset into a fresh directory under the OS temp dir and runs it from there, as
 * Lambda runs it from `/var/task`. Why a copy rather than loading in place: in place, Node.js
 * applies the package scope of the *project* around `cdk.out` (a parent `"type": "module"`
 * turns a CJS `index.js` into ESM) and resolves bare imports from the project's node_modules,
 * both impossible in Lambda. A symlink would not help (Node.js resolves the real path), and a
 * custom loader would re-implement Node's rules. The copy makes every rule (package scope,
 * relative imports, `__dirname`, missing dependencies) behave exactly as in Lambda, at the cost
 * of one copy per function on its first cold start.
 */
function copyTaskRoot(name: string, code: FunctionCode): string {
  const root = mkdtempSync(join(tmpdir(), `lambda-${name.slice(0, 40)}-`));
  cpSync(code.directory, root, { recursive: true });
  return root;
}

function record(series: number[], value: number): void {
  series.push(value);
  if (series.length > SAMPLES) series.shift();
}

function summarize(series: readonly number[]): DurationSummary | undefined {
  if (series.length === 0) return undefined;
  const sorted = [...series].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return { count: sorted.length, p50: at(50), p90: at(90), p99: at(99), max: sorted.at(-1)! };
}

/** A CloudWatch-like log stream name for a new execution environment. */
export function logStreamName(now = new Date(), version = '$LATEST'): string {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[${version}]${randomBytes(16).toString('hex')}`;
}
