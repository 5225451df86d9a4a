import { randomUUID, randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { AssemblyStack } from './cloud-assembly.js';
import { WORKER_SOURCE } from './worker-source.js';

/** Where function output (console.log etc.) goes. */
export type FunctionLogs = 'inherit' | 'silent' | ((functionName: string, line: string) => void);

/** A Lambda function error, as the Lambda API reports it. */
export interface LambdaErrorPayload {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace?: readonly string[];
}

/** The outcome of one invocation: the JSON result or the function error. */
export type InvocationOutcome = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: LambdaErrorPayload };

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

/** Static settings of a local function. */
export interface LocalFunctionConfig {
  readonly name: string;
  readonly arn: string;
  readonly handler: string;
  readonly code: FunctionCode;
  /** The complete `process.env` of the function's worker. */
  readonly environment: Readonly<Record<string, string>>;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly logGroupName: string;
  readonly logs: FunctionLogs;
}

interface Pending {
  resolve(outcome: InvocationOutcome): void;
  timer: NodeJS.Timeout;
}

/** One worker thread: an execution environment ("sandbox") of a function. */
class Sandbox {
  readonly worker: Worker;
  readonly pending = new Map<number, Pending>();
  retired = false;
  private nextId = 0;

  constructor(config: LocalFunctionConfig, onGone: (sandbox: Sandbox) => void) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      name: `lambda:${config.name}`,
      env: { ...config.environment },
      workerData: { file: config.code.file, exportPath: config.code.exportPath, handler: config.handler },
      stdout: true,
      stderr: true,
    });
    this.worker.unref();
    routeLogs(this.worker.stdout, config, 'stdout');
    routeLogs(this.worker.stderr, config, 'stderr');
    this.worker.on('message', (message: { id: number; result?: string; error?: LambdaErrorPayload }) => {
      this.settle(message.id, message.error ? { ok: false, error: message.error } : { ok: true, result: JSON.parse(message.result ?? 'null') as unknown });
    });
    this.worker.on('error', (error: Error) => {
      // An uncaught exception kills the environment and every invocation running in it.
      this.failAll({ errorType: error.name || 'Error', errorMessage: error.message, trace: (error.stack ?? '').split('\n') });
      onGone(this);
    });
    this.worker.on('exit', (code) => {
      this.failAll({ errorType: 'Runtime.ExitError', errorMessage: `Runtime exited with error: exit status ${code}` });
      onGone(this);
    });
  }

  send(event: unknown, context: Record<string, unknown>, timeoutMs: number, onTimeout: () => LambdaErrorPayload): Promise<InvocationOutcome> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.settle(id, { ok: false, error: onTimeout() }), timeoutMs);
      this.pending.set(id, { resolve, timer });
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage({ id, event: JSON.stringify(event ?? null), context });
    });
  }

  settle(id: number, outcome: InvocationOutcome): void {
    const entry = this.pending.get(id);
    if (!entry) return; // already timed out
    clearTimeout(entry.timer);
    this.pending.delete(id);
    if (this.pending.size === 0) {
      this.worker.unref();
      if (this.retired) void this.worker.terminate();
    }
    entry.resolve(outcome);
  }

  private failAll(error: LambdaErrorPayload): void {
    for (const id of [...this.pending.keys()]) this.settle(id, { ok: false, error });
  }
}

/**
 * A function of the assembly run locally in its own worker thread, so it has its own
 * `process.env` and module state, like a Lambda execution environment. The first invocation
 * imports the bundle (cold start); later ones reuse it, concurrently.
 */
export class LocalFunction {
  private sandbox: Sandbox | undefined;
  private readonly sandboxes = new Set<Sandbox>();
  private stopped = false;

  constructor(readonly config: LocalFunctionConfig) {}

  /**
   * Invokes the function with Lambda semantics: the event and result pass through JSON, errors
   * come back as `{errorType, errorMessage, trace}`, and the template Timeout ends the invocation
   * with `Sandbox.Timedout`.
   *
   * @param invokedArn the ARN the caller used (qualified or not), reported in the context
   */
  invoke(event: unknown, invokedArn: string = this.config.arn): Promise<InvocationOutcome> {
    if (this.stopped) return Promise.reject(new Error(`Function ${this.config.name} is stopped: the runtime was stopped`));
    const sandbox = (this.sandbox ??= this.createSandbox());
    const { config } = this;
    const timeoutMs = config.timeoutSeconds * 1000;
    const context = {
      awsRequestId: randomUUID(),
      functionName: config.name,
      functionVersion: '$LATEST',
      invokedFunctionArn: invokedArn,
      memoryLimitInMB: String(config.memoryMb),
      logGroupName: config.logGroupName,
      logStreamName: config.environment.AWS_LAMBDA_LOG_STREAM_NAME,
      deadline: Date.now() + timeoutMs,
    };
    return sandbox.send(event, context, timeoutMs, () => {
      // Lambda discards an environment whose invocation timed out; the next call cold-starts.
      this.retire(sandbox);
      return { errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${config.timeoutSeconds.toFixed(2)} seconds` };
    });
  }

  /** Terminates every worker of the function. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.sandbox = undefined;
    await Promise.all([...this.sandboxes].map((sandbox) => sandbox.worker.terminate()));
    this.sandboxes.clear();
  }

  private createSandbox(): Sandbox {
    const sandbox = new Sandbox(this.config, (gone) => {
      this.sandboxes.delete(gone);
      if (this.sandbox === gone) this.sandbox = undefined;
    });
    this.sandboxes.add(sandbox);
    return sandbox;
  }

  private retire(sandbox: Sandbox): void {
    sandbox.retired = true;
    if (this.sandbox === sandbox) this.sandbox = undefined;
    // Other invocations still running in it may finish; it is terminated when the last one settles.
  }
}

/** A CloudWatch-like log stream name for a new execution environment. */
export function logStreamName(now = new Date()): string {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
}

function routeLogs(stream: Readable, config: LocalFunctionConfig, kind: 'stdout' | 'stderr'): void {
  const { logs } = config;
  if (logs === 'silent') {
    stream.resume();
  } else if (logs === 'inherit') {
    stream.pipe(kind === 'stdout' ? process.stdout : process.stderr, { end: false });
  } else {
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => logs(config.name, line));
  }
}
