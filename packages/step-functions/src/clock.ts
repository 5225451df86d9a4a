/**
 * The engine's only source of time. Every wait (Wait states, Retry intervals, task and execution
 * timeouts, heartbeats) goes through {@link Clock.sleep}; every timestamp through {@link Clock.now}.
 */
export interface Clock {
  /** Milliseconds since the epoch, on this clock. */
  now(): number;
  /**
   * Resolves after `ms` milliseconds of this clock's time. Rejects with the signal's reason when
   * the signal aborts first (the timer is then cancelled).
   */
  sleep(ms: number, signal?: AbortSignal, options?: SleepOptions): Promise<void>;
  /**
   * Marks real work (a Lambda invocation, a DynamoDB request) as in flight until it settles. A
   * virtual clock never jumps while real work is in flight, so timeouts keep their true order
   * against real work.
   */
  track<T>(work: Promise<T>): Promise<T>;
  /**
   * Marks work outside the engine as in flight until the returned function is called (a test
   * that is about to send a task token, say). Same effect on a virtual clock as {@link track}.
   */
  hold(): () => void;
}

/** Options of {@link Clock.sleep}. */
export interface SleepOptions {
  /**
   * A background timer (an EventBridge schedule, say) fires in its turn but never moves a virtual
   * clock by itself: the clock jumps to it only when some foreground wait lies beyond it. Without
   * this, a perpetual `rate()` schedule would race virtual time ahead whenever a test awaits
   * anything the clock does not track. Like Node's `timer.unref()` for the event loop.
   * @default false
   */
  readonly background?: boolean;
}

// setTimeout holds at most 2^31-1 ms (~24.8 days); longer timers (a 1-year execution limit) re-arm.
const MAX_TIMEOUT_MS = 2_147_483_647;

/** Wall-clock time: `Date.now()` and `setTimeout`. What `pnpm start` uses. */
export class RealClock implements Clock {
  now(): number {
    return Date.now();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal!.reason as Error);
      };
      const due = Date.now() + Math.max(0, ms);
      let timer: ReturnType<typeof setTimeout>;
      const arm = () => {
        timer = setTimeout(
          () => {
            if (Date.now() < due) return arm();
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
          Math.min(MAX_TIMEOUT_MS, Math.max(0, due - Date.now())),
        );
      };
      arm();
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  track<T>(work: Promise<T>): Promise<T> {
    return work;
  }

  hold(): () => void {
    return () => undefined;
  }
}

interface Timer {
  readonly due: number;
  readonly seq: number;
  readonly background: boolean;
  readonly fire: () => void;
}

/**
 * Virtual time for tests: runs in real time while real work is in flight, and whenever nothing
 * is (no tracked work, no hold), jumps straight to the next due timer. A 30-minute retry schedule
 * then takes milliseconds of wall time, while every timestamp reads as it would on AWS and
 * timers fire in their true order.
 *
 * Background timers ({@link SleepOptions.background}) fire in order but are jumped to only on
 * the way to a foreground timer: with nothing but schedules pending, time passes in real time.
 *
 * Idleness is checked after the event loop has had two turns to settle (microtasks of a promise
 * chain and the I/O callbacks they start), so an engine step that is still on its way to its next
 * tracked call is not skipped over.
 *
 * @example
 * const clock = new VirtualClock();
 * await clock.sleep(30 * 60_000); // resolves at once; clock.now() moved 30 minutes
 */
export class VirtualClock implements Clock {
  private offset = 0;
  private inFlight = 0;
  private seq = 0;
  private readonly timers: Timer[] = [];
  private foreground = 0;
  private checkScheduled = false;
  // One real timeout, for the earliest timer, so timers come due in real time while real work
  // keeps the clock from jumping.
  private wakeUp: ReturnType<typeof setTimeout> | undefined;

  /** @param start the epoch ms the clock starts at @default - the current wall time */
  constructor(start?: number) {
    if (start !== undefined) this.offset = start - Date.now();
  }

  now(): number {
    return Date.now() + this.offset;
  }

  /** How far this clock is ahead of wall time (ms): the total of its jumps. */
  get skewMs(): number {
    return this.offset;
  }

  sleep(ms: number, signal?: AbortSignal, options?: SleepOptions): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const timer: Timer = {
        due: this.now() + Math.max(0, ms),
        seq: ++this.seq,
        background: options?.background === true,
        fire: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.remove(timer);
        reject(signal!.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.insert(timer);
      this.rearm();
      this.scheduleCheck();
    });
  }

  track<T>(work: Promise<T>): Promise<T> {
    const release = this.hold();
    return work.finally(release);
  }

  hold(): () => void {
    this.inFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
      this.scheduleCheck();
    };
  }

  private insert(timer: Timer): void {
    let index = this.timers.length;
    while (index > 0 && this.compare(this.timers[index - 1]!, timer) > 0) index--;
    this.timers.splice(index, 0, timer);
    if (!timer.background) this.foreground++;
  }

  private compare(a: Timer, b: Timer): number {
    return a.due - b.due || a.seq - b.seq;
  }

  private remove(timer: Timer): void {
    const index = this.timers.indexOf(timer);
    if (index >= 0) {
      this.timers.splice(index, 1);
      if (!timer.background) this.foreground--;
    }
    this.rearm();
  }

  private rearm(): void {
    if (this.wakeUp !== undefined) clearTimeout(this.wakeUp);
    this.wakeUp = undefined;
    const head = this.timers[0];
    if (head === undefined) return;
    this.wakeUp = setTimeout(() => this.fireDue(), Math.min(MAX_TIMEOUT_MS, Math.max(0, head.due - this.now())));
    // Pending timers alone never keep the process alive, as with an idle Lambda-less test.
    this.wakeUp.unref();
  }

  private fireDue(): void {
    const now = this.now();
    while (this.timers.length > 0 && this.timers[0]!.due <= now) {
      const timer = this.timers.shift()!;
      if (!timer.background) this.foreground--;
      timer.fire();
    }
    this.rearm();
    this.scheduleCheck();
  }

  private scheduleCheck(): void {
    if (this.checkScheduled) return;
    this.checkScheduled = true;
    setImmediate(() =>
      setImmediate(() => {
        this.checkScheduled = false;
        this.jumpIfIdle();
      }),
    );
  }

  private jumpIfIdle(): void {
    if (this.inFlight > 0 || this.foreground === 0) return;
    const next = this.timers[0]!;
    const ahead = next.due - this.now();
    if (ahead > 0) this.offset += ahead;
    this.fireDue();
  }
}
