import { availableParallelism } from 'node:os';
import type { ExecutionEnvironment } from './environment.js';

/** Limits shared by every function of a runtime (one "account" in one Region). */
export interface LambdaHostOptions {
  /**
   * The account's concurrency limit (Lambda quota "Concurrent executions"): invocations in
   * flight, over all functions, beyond which Lambda throttles. Reserved concurrency is carved out
   * of it; functions without a reservation share the rest.
   * @default 1000
   */
  readonly accountConcurrency?: number;
  /**
   * A local resource cap, not a Lambda rule: at most this many worker threads (execution
   * environments) alive at once over all functions. An invocation within the concurrency limits
   * that finds no free environment and no room for a new one waits for one (it is never run in a
   * busy environment, and never throttled for this). Idle environments of other functions are
   * recycled first.
   * @default 64
   */
  readonly maxEnvironments?: number;
  /**
   * A local resource cap, not a Lambda rule: at most this many environments per function. On a
   * small machine a few environments serve I/O-bound functions faster than many cold starts.
   * @default 2 per CPU, between 2 and 16
   */
  readonly maxEnvironmentsPerFunction?: number;
  /**
   * An environment idle this long is terminated (Lambda reclaims idle environments too); the
   * next invocation cold-starts.
   * @default 300000 (5 minutes)
   */
  readonly idleTimeoutMs?: number;
}

/** The side of a function the host hands environments to. */
export interface EnvironmentOwner {
  /** A free environment of this version, taken out of the idle list. */
  takeIdle(version: string): ExecutionEnvironment | undefined;
  /** Puts a free environment in the owner's idle list. */
  putIdle(env: ExecutionEnvironment): void;
  /** The least recently used idle environment (any version), left in the idle list. */
  oldestIdle(): ExecutionEnvironment | undefined;
  /** Environments of this function and version alive. */
  countOf(version: string): number;
  /** Environments of this function alive (initializing, busy or idle). */
  readonly environmentCount: number;
  /** Creates (cold-starts) a new environment of this version. */
  create(version: string): ExecutionEnvironment;
  /** Reserved concurrency (`ReservedConcurrentExecutions`), if any. */
  readonly reservedConcurrency: number | undefined;
  /** Invocations of this function in flight. */
  inFlight: number;
}

interface Waiter {
  readonly owner: EnvironmentOwner;
  readonly version: string;
  resolve(env: ExecutionEnvironment): void;
  reject(error: Error): void;
}

/**
 * Concurrency accounting and the environment budget of a runtime. Throttling follows Lambda
 * (no queue): a function with reserved concurrency R runs at most R invocations at once; the
 * others together at most `accountConcurrency - sum(R)`.
 */
export class LambdaHost {
  readonly accountConcurrency: number;
  readonly maxEnvironments: number;
  readonly maxEnvironmentsPerFunction: number;
  readonly idleTimeoutMs: number;
  /** Worker threads alive (or being started) over all functions. */
  environments = 0;
  private reservedTotal = 0;
  private unreservedInFlight = 0;
  /** Idle environments of every function, least recently used first. */
  private readonly idle = new Set<ExecutionEnvironment>();
  private readonly waiters: Waiter[] = [];

  constructor(options: LambdaHostOptions = {}) {
    this.accountConcurrency = options.accountConcurrency ?? 1000;
    this.maxEnvironments = options.maxEnvironments ?? 64;
    this.maxEnvironmentsPerFunction = options.maxEnvironmentsPerFunction ?? Math.min(16, Math.max(2, availableParallelism() * 2));
    this.idleTimeoutMs = options.idleTimeoutMs ?? 300_000;
  }

  /** Registers a function's reservation (taken out of the unreserved pool). */
  register(owner: EnvironmentOwner): void {
    this.reservedTotal += owner.reservedConcurrency ?? 0;
  }

  /** Counts an invocation in, or returns false when Lambda would throttle it. */
  admit(owner: EnvironmentOwner): boolean {
    if (owner.reservedConcurrency !== undefined) {
      if (owner.inFlight >= owner.reservedConcurrency) return false;
    } else {
      if (this.unreservedInFlight >= this.accountConcurrency - this.reservedTotal) return false;
      this.unreservedInFlight++;
    }
    owner.inFlight++;
    return true;
  }

  /** Counts an admitted invocation out. */
  leave(owner: EnvironmentOwner): void {
    owner.inFlight--;
    if (owner.reservedConcurrency === undefined) this.unreservedInFlight--;
  }

  /** A free environment of the owner's version: warm, new (cold start) or, at a cap, the next one freed. */
  acquire(owner: EnvironmentOwner, version: string): Promise<ExecutionEnvironment> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ owner, version, resolve, reject });
      this.pump();
    });
  }

  /** An environment finished an invocation and is healthy: it is free for the next one. */
  release(owner: EnvironmentOwner, env: ExecutionEnvironment): void {
    owner.putIdle(env);
    this.idle.add(env);
    env.idleTimer = setTimeout(() => void env.terminate(), this.idleTimeoutMs);
    env.idleTimer.unref();
    this.pump();
  }

  /** An environment is gone (terminated, crashed, timed out, reaped): its slot is free. */
  gone(env: ExecutionEnvironment): void {
    this.forgetIdle(env);
    this.environments--;
    // Not re-entrant: gone() runs inside terminate(), possibly from pump() itself.
    queueMicrotask(() => this.pump());
  }

  /** Rejects the waiters of a stopped function. */
  abandon(owner: EnvironmentOwner, error: Error): void {
    for (const waiter of this.waiters.filter((w) => w.owner === owner)) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.reject(error);
    }
  }

  /** Serves waiters in arrival order: a warm environment, else a new one when both caps allow, else frees a slot. */
  private pump(): void {
    for (let i = 0; i < this.waiters.length; ) {
      const waiter = this.waiters[i]!;
      const { owner, version } = waiter;
      const warm = owner.takeIdle(version);
      if (warm) {
        this.forgetIdle(warm);
        this.waiters.splice(i, 1);
        waiter.resolve(warm);
        continue;
      }
      const ownerFull = owner.environmentCount >= this.maxEnvironmentsPerFunction;
      if (!ownerFull && this.environments < this.maxEnvironments) {
        this.waiters.splice(i, 1);
        this.environments++;
        try {
          waiter.resolve(owner.create(version));
        } catch (error) {
          this.environments--;
          waiter.reject(error as Error);
        }
        continue;
      }
      // Free a slot: an idle environment of this function (another version) when the function is
      // at its cap, else the least recently used idle one of any function. gone() pumps again.
      // (Only when this version has no environment at all: otherwise it waits for its own, so
      // weighted aliases do not churn cold starts.)
      const victim = ownerFull ? (owner.countOf(version) === 0 ? owner.oldestIdle() : undefined) : this.idle.values().next().value;
      if (victim) void victim.terminate();
      i++;
    }
  }

  private forgetIdle(env: ExecutionEnvironment): void {
    clearTimeout(env.idleTimer);
    this.idle.delete(env);
  }
}
