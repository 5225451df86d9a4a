/**
 * The worst-case duration of a definition, as Retry semantics make it ("Error handling in Step
 * Functions" > "Retrying after an error": IntervalSeconds x BackoffRate^n, MaxDelaySeconds caps
 * each wait, every retrier counts its own attempts).
 */
import { describe, expect, it } from 'vitest';
import { worstCaseDuration } from '../../src/index.ts';

const task = (extra: Record<string, unknown>) => ({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'f' }, TimeoutSeconds: 10, ...extra });

describe('worstCaseDuration', () => {
  it('counts every attempt at its timeout and every backoff wait, capped by MaxDelaySeconds', () => {
    // 1 + 4 attempts x 10 s, waits 1 + 2 + 4 + 5 (capped) = 12 s.
    const result = worstCaseDuration({ StartAt: 'T', States: { T: task({ Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 4, MaxDelaySeconds: 5 }], End: true }) } });
    expect(result).toEqual({ seconds: 62, path: ['T'], unbounded: [] });
  });

  it('exhausts each retrier in turn: two retriers of 2 attempts cost 5 attempts, not 3', () => {
    const retry = [
      { ErrorEquals: ['Lambda.TooManyRequestsException'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 1 },
      { ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 1 },
    ];
    const result = worstCaseDuration({ StartAt: 'T', States: { T: task({ Retry: retry, End: true }) } });
    expect(result.seconds).toBe(5 * 10 + 4);
  });

  it('follows the longest of Next, Catch and Choice paths, and adds Wait seconds', () => {
    const result = worstCaseDuration({
      StartAt: 'T',
      States: {
        T: task({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Compensate' }], Next: 'Done' }),
        Compensate: task({ Next: 'Pause' }),
        Pause: { Type: 'Wait', Seconds: 30, Next: 'Done' },
        Done: { Type: 'Succeed' },
      },
    });
    expect(result).toMatchObject({ seconds: 10 + 10 + 30, path: ['T', 'Compensate', 'Pause', 'Done'] });
  });

  it('uses taskSeconds for a Task without TimeoutSeconds, else AWS\'s 99,999,999 s default', () => {
    const definition = { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'f' }, End: true } } };
    expect(worstCaseDuration(definition, { taskSeconds: () => 15 }).seconds).toBe(15);
    expect(worstCaseDuration(definition).seconds).toBe(99_999_999);
  });

  it('takes the slowest Parallel branch', () => {
    // State names are unique across branches (AWS refuses duplicates).
    const branch = (seconds: number) => ({ StartAt: `W${seconds}`, States: { [`W${seconds}`]: { Type: 'Wait', Seconds: seconds, End: true } } });
    const result = worstCaseDuration({ StartAt: 'P', States: { P: { Type: 'Parallel', Branches: [branch(5), branch(50)], End: true } } });
    expect(result.seconds).toBe(50);
  });

  it('reports what cannot be bounded: loops and waits read from the input', () => {
    const result = worstCaseDuration({
      StartAt: 'Poll',
      States: {
        Poll: { Type: 'Wait', SecondsPath: '$.delay', Next: 'Check' },
        Check: { Type: 'Choice', Choices: [{ Variable: '$.done', BooleanEquals: true, Next: 'Done' }], Default: 'Poll' },
        Done: { Type: 'Succeed' },
      },
    });
    expect(result.seconds).toBe(Infinity);
    expect(result.unbounded.join('\n')).toMatch(/Poll: a Wait whose time comes from the input/);
    expect(result.unbounded.join('\n')).toMatch(/loop/);
  });
});
