/**
 * Virtual time: real intervals, no wall time. Retry schedules follow "Error handling in Step
 * Functions" > "Retrying after an error" (IntervalSeconds x BackoffRate^n, capped by
 * MaxDelaySeconds); the execution limit follows "State machine structure" > TimeoutSeconds.
 */
import { describe, expect, it } from 'vitest';
import { StepFunctionsEngine, VirtualClock, runStateMachine, type HistoryEvent, type LambdaOutcome } from '../../src/index.ts';

const MINUTE = 60_000;

/** A dependency that is down for the first `outageMs` of virtual time, then answers. */
function dependencyDownFor(clock: VirtualClock, outageMs: number) {
  const start = clock.now();
  const calls: number[] = [];
  const invokeFunction = async (): Promise<LambdaOutcome> => {
    // Real work: a few ms of wall time during which the clock must not jump.
    await new Promise((resolve) => setTimeout(resolve, 2));
    calls.push(clock.now() - start);
    return clock.now() - start < outageMs ? { ok: false, errorType: 'ServiceUnavailable', errorMessage: 'down' } : { ok: true, payload: { ok: true } };
  };
  return { calls, invokeFunction };
}

const callWithRetries = (timeoutSeconds?: number) => ({
  StartAt: 'Call',
  ...(timeoutSeconds !== undefined && { TimeoutSeconds: timeoutSeconds }),
  States: {
    Call: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'dependency', 'Payload.$': '$' },
      Retry: [{ ErrorEquals: ['ServiceUnavailable'], IntervalSeconds: 60, BackoffRate: 2, MaxDelaySeconds: 300, MaxAttempts: 12 }],
      End: true,
    },
  },
});

/** A Parallel state `Both` running a `seconds` Wait (state `waitName`) beside a one-state branch `otherName`. */
function waitBeside(waitName: string, seconds: number, otherName: string, other: Record<string, unknown>) {
  const branch = (name: string, state: Record<string, unknown>) => ({ StartAt: name, States: { [name]: { ...state, End: true } } });
  return { StartAt: 'Both', States: { Both: { Type: 'Parallel', End: true, Branches: [branch(waitName, { Type: 'Wait', Seconds: seconds }), branch(otherName, other)] } } };
}

const times = (history: readonly HistoryEvent[], type: string) => history.filter((e) => e.type === type).map((e) => e.timestamp.getTime());

describe('virtual time', () => {
  it('rides out a 30-minute outage with the real retry intervals in well under a second of wall time', async () => {
    // Prepare
    const clock = new VirtualClock();
    const dependency = dependencyDownFor(clock, 30 * MINUTE);
    const wallStart = Date.now();

    // Act
    const result = await runStateMachine(callWithRetries(), {}, { clock, invokeFunction: dependency.invokeFunction });

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(Date.now() - wallStart).toBeLessThan(3_000);
    // Waits 60, 120, 240, then capped at 300 s: attempts at 0, 1, 3, 7, 12, 17, 22, 27, 32 min.
    const scheduled = times(result.history, 'TaskScheduled');
    const gaps = scheduled.slice(1).map((t, i) => Math.round((t - scheduled[i]!) / 1000));
    expect(gaps.map((g) => Math.round(g / 10) * 10)).toEqual([60, 120, 240, 300, 300, 300, 300, 300]);
    expect(result.stopDate.getTime() - result.startDate.getTime()).toBeGreaterThanOrEqual(30 * MINUTE);
    expect(dependency.calls).toHaveLength(9);
  });

  it('negative control: a 300 s TimeoutSeconds shorter than the retry budget times the execution out at 300 s', async () => {
    // Prepare
    const clock = new VirtualClock();
    const dependency = dependencyDownFor(clock, 30 * MINUTE);

    // Act
    const result = await runStateMachine(callWithRetries(300), {}, { clock, invokeFunction: dependency.invokeFunction });

    // Assess
    expect(result).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    expect(result.history.at(-1)!.type).toBe('ExecutionTimedOut');
    const span = result.stopDate.getTime() - result.startDate.getTime();
    expect(span).toBeGreaterThanOrEqual(300_000);
    expect(span).toBeLessThan(301_000);
    // Attempts at 0, 60, 180 s; the next (at 420 s) never happens.
    expect(dependency.calls).toHaveLength(3);
  });

  it('fires timers in their true order: a 5 s task timeout beats a 10 s Wait in a sibling branch', async () => {
    // Prepare
    const clock = new VirtualClock();
    const engine = new StepFunctionsEngine({ clock });
    const { stateMachineArn: child } = engine.createStateMachine({ name: 'child', definition: { StartAt: 'Done', States: { Done: { Type: 'Succeed' } } } });
    const definition = waitBeside('Long', 10, 'Callback', {
      Type: 'Task',
      Resource: 'arn:aws:states:::states:startExecution.waitForTaskToken',
      TimeoutSeconds: 5,
      Parameters: { StateMachineArn: child, 'Input.$': '$' },
    });
    const { stateMachineArn } = engine.createStateMachine({ name: 'parent', definition });

    // Act
    const { executionArn } = engine.startExecution({ stateMachineArn });
    const result = await engine.waitForExecution(executionArn);

    // Assess
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    const timedOut = times(result.history, 'TaskTimedOut')[0]! - result.startDate.getTime();
    expect(timedOut).toBeGreaterThanOrEqual(5_000);
    expect(timedOut).toBeLessThan(6_000);
    // The Wait branch was stopped when its sibling failed: it never exited.
    expect(result.history.some((e) => e.type === 'WaitStateExited')).toBe(false);
  });

  it('keeps real time while work is in flight: no jump past a slow call', async () => {
    // Prepare: the call takes 200 ms of wall time; a 1 h Wait runs beside it in a Parallel.
    const clock = new VirtualClock();
    let sawJumpDuringCall = false;
    const invokeFunction = async (): Promise<LambdaOutcome> => {
      const before = clock.now();
      await new Promise((resolve) => setTimeout(resolve, 200));
      sawJumpDuringCall = clock.now() - before > 5_000;
      return { ok: true, payload: 1 };
    };
    const definition = waitBeside('Hour', 3600, 'Slow', { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:slow' });

    // Act
    const result = await runStateMachine(definition, {}, { clock, invokeFunction });

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(sawJumpDuringCall).toBe(false);
    expect(result.stopDate.getTime() - result.startDate.getTime()).toBeGreaterThanOrEqual(3_600_000);
  });
});

describe('background timers (schedules)', () => {
  /** A perpetual 15-minute schedule on the clock, as the local EventBridge runs a rate() rule. */
  function everyQuarterHour(clock: VirtualClock, background: boolean) {
    const fired: number[] = [];
    const stop = new AbortController();
    const origin = clock.now();
    void (async () => {
      for (let n = 1; ; n++) {
        try {
          await clock.sleep(origin + n * 15 * MINUTE - clock.now(), stop.signal, { background });
        } catch {
          return;
        }
        fired.push(clock.now() - origin);
      }
    })();
    return { fired, stop: () => stop.abort() };
  }

  it('a schedule alone does not move virtual time; it fires in its turn when a foreground wait passes it', async () => {
    const clock = new VirtualClock(Date.parse('2026-01-01T00:00:00Z'));
    const schedule = everyQuarterHour(clock, true);
    const skewAtStart = clock.skewMs;
    // 50 ms of wall time with nothing but the schedule pending: the clock stays with the wall.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(schedule.fired).toEqual([]);
    expect(clock.skewMs - skewAtStart).toBe(0);
    // An hour of foreground waiting: the schedule fires four times, at its own times, in order.
    await clock.sleep(60 * MINUTE);
    expect(schedule.fired.map((ms) => Math.round(ms / MINUTE))).toEqual([15, 30, 45, 60]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(schedule.fired).toHaveLength(4);
    schedule.stop();
  });

  it('negative control: the same schedule as a foreground timer races virtual time ahead on its own', async () => {
    const clock = new VirtualClock(Date.parse('2026-01-01T00:00:00Z'));
    const schedule = everyQuarterHour(clock, false);
    const skewAtStart = clock.skewMs;
    await new Promise((resolve) => setTimeout(resolve, 50));
    schedule.stop();
    expect(schedule.fired.length).toBeGreaterThan(10);
    expect(clock.skewMs - skewAtStart).toBeGreaterThan(10 * 15 * MINUTE);
  });
});
