import { randomBytes } from 'node:crypto';
import { StatesError } from '../errors.js';

/** Why a task-token call was refused (the Step Functions API's error names). */
export class TaskTokenError extends Error {
  constructor(
    override readonly name: 'InvalidToken' | 'TaskDoesNotExist' | 'TaskTimedOut',
    message: string,
  ) {
    super(message);
  }
}

/** A callback task waiting for `SendTaskSuccess`/`SendTaskFailure` ("Wait for a Callback with Task Token"). */
export interface PendingTask {
  readonly token: string;
  /**
   * Resolves with the output sent by SendTaskSuccess, rejects with the error of
   * SendTaskFailure; `heartbeat` is called on every SendTaskHeartbeat.
   */
  completion(heartbeat: () => void, signal: AbortSignal): Promise<unknown>;
  /** Forgets the token (the task ended some other way: timeout, abort). */
  dispose(): void;
}

interface Waiter {
  readonly executionArn: string;
  readonly stateName: string;
  settled?: { ok: true; output: unknown } | { ok: false; error: StatesError };
  listener?: { resolve: (output: unknown) => void; reject: (error: Error) => void; heartbeat: () => void };
}

/**
 * The task tokens of every running callback task. Tokens are opaque random strings; a token of
 * a task that already ended is `TaskTimedOut`, one never issued `InvalidToken`, as on AWS.
 */
export class TaskTokens {
  private readonly waiters = new Map<string, Waiter>();
  private readonly ended = new Set<string>();

  /** Issues a token for a Task state of an execution. */
  create(executionArn: string, stateName: string): PendingTask {
    const token = randomBytes(48).toString('base64url');
    const waiter: Waiter = { executionArn, stateName };
    this.waiters.set(token, waiter);
    return {
      token,
      completion: (heartbeat, signal) =>
        new Promise<unknown>((resolve, reject) => {
          if (waiter.settled) return waiter.settled.ok ? resolve(waiter.settled.output) : reject(waiter.settled.error);
          const onAbort = () => reject(signal.reason as Error);
          signal.addEventListener('abort', onAbort, { once: true });
          waiter.listener = {
            resolve: (output) => (signal.removeEventListener('abort', onAbort), resolve(output)),
            reject: (error) => (signal.removeEventListener('abort', onAbort), reject(error)),
            heartbeat,
          };
        }),
      dispose: () => this.end(token),
    };
  }

  /** SendTaskSuccess: `output` is the JSON text the caller sent. */
  succeed(token: string, output: unknown): void {
    const waiter = this.waiterOf(token);
    this.end(token);
    waiter.settled = { ok: true, output };
    waiter.listener?.resolve(output);
  }

  /** SendTaskFailure. */
  fail(token: string, error: string | undefined, cause: string | undefined): void {
    const waiter = this.waiterOf(token);
    this.end(token);
    const failure = new StatesError(error ?? '', cause);
    waiter.settled = { ok: false, error: failure };
    waiter.listener?.reject(failure);
  }

  /** SendTaskHeartbeat. */
  heartbeat(token: string): void {
    this.waiterOf(token).listener?.heartbeat();
  }

  private end(token: string): void {
    if (this.waiters.delete(token)) this.ended.add(token);
  }

  private waiterOf(token: string): Waiter {
    const waiter = this.waiters.get(token);
    if (waiter) return waiter;
    if (this.ended.has(token)) throw new TaskTokenError('TaskTimedOut', 'Task Timed Out: the task of this token has already ended');
    throw new TaskTokenError('InvalidToken', `Invalid Token: '${token.slice(0, 32)}...'`);
  }
}
