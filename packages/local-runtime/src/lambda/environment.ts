import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { FunctionLogs, InvocationOutcome, LambdaErrorPayload } from './function.js';
import { WORKER_SOURCE } from './worker-source.js';

/** Lambda's limit on the Init phase of an on-demand environment. */
export const INIT_LIMIT_MS = 10_000;

/** What an environment needs to start. */
export interface EnvironmentSpec {
  readonly functionName: string;
  /** The version this environment runs (`$LATEST`, `1`, ...): an environment serves one version. */
  readonly version: string;
  readonly file: string;
  readonly exportPath: readonly string[];
  readonly handler: string;
  readonly taskRoot: string;
  /** The complete `process.env` of the worker. */
  readonly environment: Readonly<Record<string, string>>;
  /** MemorySize: the worker's JS heap limit (`resourceLimits.maxOldGenerationSizeMb`). */
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly logStreamName: string;
  readonly logs: FunctionLogs;
  /** The URL bare `@aws-sdk/*` imports the bundle cannot resolve are resolved from. */
  readonly sdkParentUrl: string;
  /** How far the runtime's clock is from wall time when the environment starts (its Init phase). */
  readonly clockSkewMs?: number;
}

/** How one invocation ended in an environment; `fatal` = the environment must be discarded. */
export interface RunResult {
  readonly outcome: InvocationOutcome;
  readonly fatal: boolean;
  readonly durationMs: number;
}

type WorkerMessage =
  | { type: 'init'; error?: LambdaErrorPayload }
  | { type: 'result'; id: number; result?: string; error?: LambdaErrorPayload }
  | { type: 'crash'; error: LambdaErrorPayload };

interface Current {
  readonly id: number;
  readonly startedAt: number;
  readonly timer: NodeJS.Timeout;
  resolve(result: RunResult): void;
}

/**
 * One execution environment of a function: a worker thread with its own `process.env`, module
 * state and heap limit, running ONE invocation at a time (Lambda execution environment).
 */
export class ExecutionEnvironment {
  readonly worker: Worker;
  readonly createdAt = performance.now();
  /** Resolves when Init ended: `undefined` when the handler loaded, else the init error. */
  readonly ready: Promise<LambdaErrorPayload | undefined>;
  /** Init Duration of a cold start, known once `ready` resolved. */
  initDurationMs: number | undefined;
  /** Invocations this environment has run (0 = the next one is its cold start). */
  invocations = 0;
  /** Terminated or died: must not be used again. */
  gone = false;
  /** Reaping timer while idle. */
  idleTimer: NodeJS.Timeout | undefined;
  private current: Current | undefined;
  private nextId = 0;
  private settleInit!: (error: LambdaErrorPayload | undefined) => void;
  private readonly onGone: (env: ExecutionEnvironment) => void;

  constructor(
    readonly spec: EnvironmentSpec,
    onGone: (env: ExecutionEnvironment) => void,
  ) {
    this.onGone = onGone;
    this.ready = new Promise((resolve) => (this.settleInit = resolve));
    const initTimer = setTimeout(() => {
      this.settleInit({ errorType: 'Sandbox.Timedout', errorMessage: `Init phase timed out after ${(INIT_LIMIT_MS / 1000).toFixed(2)} seconds` });
      void this.terminate();
    }, INIT_LIMIT_MS + spec.timeoutSeconds * 1000);
    initTimer.unref();
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      name: `lambda:${spec.functionName}:${spec.version}`,
      env: { ...spec.environment },
      workerData: { file: spec.file, exportPath: spec.exportPath, handler: spec.handler, taskRoot: spec.taskRoot, sdkParentUrl: spec.sdkParentUrl, clockSkewMs: spec.clockSkewMs ?? 0 },
      resourceLimits: { maxOldGenerationSizeMb: spec.memoryMb },
      stdout: true,
      stderr: true,
    });
    routeLogs(this.worker.stdout, spec, 'stdout');
    routeLogs(this.worker.stderr, spec, 'stderr');
    this.worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'init') {
        clearTimeout(initTimer);
        this.initDurationMs = performance.now() - this.createdAt;
        this.settleInit(message.error);
        // Idle (no invocation yet): do not keep the process alive.
        if (!this.current) this.worker.unref();
      } else if (message.type === 'result') {
        if (this.current?.id !== message.id) return; // a late answer after a timeout
        this.finish(message.error ? { ok: false, error: message.error } : { ok: true, result: JSON.parse(message.result ?? 'null') as unknown }, false);
      } else {
        this.die(message.error);
      }
    });
    this.worker.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        // What Lambda reports when the function exceeds its MemorySize.
        this.die({ errorType: 'Runtime.OutOfMemory', errorMessage: 'Runtime exited with error: signal: killed' });
      } else {
        // An uncaught exception ends the environment and the invocation running in it.
        this.die({ errorType: error.name || 'Error', errorMessage: error.message, trace: (error.stack ?? '').split('\n') });
      }
    });
    this.worker.on('exit', (code) => this.die({ errorType: 'Runtime.ExitError', errorMessage: `Runtime exited with error: exit status ${code}` }));
  }

  /** Runs one invocation (the environment must be initialized and free). */
  run(event: unknown, context: Record<string, unknown>): Promise<RunResult> {
    if (this.current) throw new Error(`Environment ${this.spec.logStreamName} is busy: one invocation at a time`);
    const { timeoutSeconds } = this.spec;
    const id = this.nextId++;
    this.invocations++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        // Lambda discards an environment whose invocation timed out; the next call cold-starts.
        this.finish({ ok: false, error: { errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${timeoutSeconds.toFixed(2)} seconds` } }, true);
        void this.terminate();
      }, timeoutSeconds * 1000);
      this.current = { id, startedAt: performance.now(), timer, resolve };
      this.worker.ref();
      this.worker.postMessage({ id, event: JSON.stringify(event ?? null), context });
    });
  }

  get busy(): boolean {
    return this.current !== undefined;
  }

  /** Stops the worker; a running invocation ends with `Runtime.ExitError`. */
  terminate(): Promise<void> {
    this.markGone();
    return this.worker.terminate().then(() => undefined);
  }

  private finish(outcome: InvocationOutcome, fatal: boolean): void {
    const current = this.current;
    if (!current) return;
    clearTimeout(current.timer);
    this.current = undefined;
    if (!this.gone) this.worker.unref();
    current.resolve({ outcome, fatal, durationMs: performance.now() - current.startedAt });
  }

  private die(error: LambdaErrorPayload): void {
    this.settleInit(error);
    this.finish({ ok: false, error }, true);
    this.markGone();
  }

  private markGone(): void {
    if (this.gone) return;
    this.gone = true;
    clearTimeout(this.idleTimer);
    this.onGone(this);
  }
}

function routeLogs(stream: Readable, spec: EnvironmentSpec, kind: 'stdout' | 'stderr'): void {
  const { logs } = spec;
  if (logs === 'silent') {
    stream.resume();
  } else if (logs === 'inherit') {
    stream.pipe(kind === 'stdout' ? process.stdout : process.stderr, { end: false });
  } else {
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => logs(spec.functionName, line));
  }
}
