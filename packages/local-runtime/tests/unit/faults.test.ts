import { describe, expect, it } from 'vitest';
import { FaultConfigError } from '@order-flow/local';
import { FaultInjector, mulberry32 } from '@order-flow/local/faults';
import { type InvocationOutcome } from '@order-flow/local/lambda';

const success = (): Promise<InvocationOutcome> => Promise.resolve({ ok: true, result: { done: true } });

describe('mulberry32', () => {
  it('is reproducible per seed and spread over 0..1', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const draws = Array.from({ length: 1000 }, () => a());

    expect(Array.from({ length: 1000 }, () => b())).toEqual(draws);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    const mean = draws.reduce((sum, x) => sum + x, 0) / draws.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });
});

describe('FaultInjector', () => {
  it('applies a rate close to the configured fraction', async () => {
    const injector = new FaultInjector({ seed: 3, functions: { fn: { throttleRate: 0.25 } } });
    let throttled = 0;
    for (let i = 0; i < 2000; i++) {
      const outcome = await injector.invokeFunction('fn', 3, success);
      if (!outcome.ok) throttled++;
    }

    expect(throttled / 2000).toBeGreaterThan(0.22);
    expect(throttled / 2000).toBeLessThan(0.28);
    expect(injector.stats().functions.fn).toEqual({ invocations: 2000, crashAfterSuccess: 0, timeoutAfterSuccess: 0, throttle: throttled });
  });

  it('does not run a throttled invocation, and runs a crashed one to completion', async () => {
    let runs = 0;
    const run = () => {
      runs++;
      return success();
    };

    const throttled = await new FaultInjector({ functions: { fn: { throttleRate: 1 } } }).invokeFunction('fn', 3, run);
    expect(throttled).toEqual({ ok: false, error: { errorType: 'Lambda.TooManyRequestsException', errorMessage: 'Rate Exceeded.' } });
    expect(runs).toBe(0);

    const crashed = await new FaultInjector({ functions: { fn: { crashAfterSuccessRate: 1, timeoutAfterSuccessRate: 1 } } }).invokeFunction('fn', 3, run);
    expect(crashed).toMatchObject({ ok: false, error: { errorType: 'Runtime.ExitError' } });
    expect(runs).toBe(1);

    const timedOut = await new FaultInjector({ functions: { fn: { timeoutAfterSuccessRate: 1 } } }).invokeFunction('fn', 7, run);
    expect(timedOut).toEqual({ ok: false, error: { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 7.00 seconds' } });
  });

  it('leaves functions without a rule alone', async () => {
    const injector = new FaultInjector({ functions: { fn: { throttleRate: 1 } } });

    expect(await injector.invokeFunction('other', 3, success)).toEqual({ ok: true, result: { done: true } });
    expect(injector.stats().total).toBe(0);
  });

  it('keeps one stream per function, so traffic of one never shifts the faults of another', async () => {
    const config = { seed: 11, functions: { a: { crashAfterSuccessRate: 0.5 }, b: { crashAfterSuccessRate: 0.5 } } };
    const outcomesOfA = async (interleaveB: boolean) => {
      const injector = new FaultInjector(config);
      const outcomes: boolean[] = [];
      for (let i = 0; i < 30; i++) {
        if (interleaveB) await injector.invokeFunction('b', 3, success);
        outcomes.push((await injector.invokeFunction('a', 3, success)).ok);
      }
      return outcomes;
    };

    expect(await outcomesOfA(true)).toEqual(await outcomesOfA(false));
  });

  it('decides DynamoDB throttling before transaction conflicts and only for the listed operations', () => {
    const injector = new FaultInjector({ dynamodb: { throttleRate: 1, throttleError: 'ThrottlingException', transactionConflictRate: 1, operations: ['TransactWriteItems', 'PutItem'] } });

    expect(injector.dynamodbFault('TransactWriteItems')).toEqual({ kind: 'throttle', error: 'ThrottlingException' });
    expect(injector.dynamodbFault('GetItem')).toBeUndefined();
    expect(new FaultInjector({ dynamodb: { transactionConflictRate: 1 } }).dynamodbFault('TransactWriteItems')).toEqual({ kind: 'transactionConflict' });
    expect(new FaultInjector({ dynamodb: { transactionConflictRate: 1 } }).dynamodbFault('PutItem')).toBeUndefined();
    expect(injector.stats()).toMatchObject({ dynamodb: { requests: 2, throttle: 1, transactionConflict: 0 }, total: 1 });
  });

  it('picks and reports a seed when none is given', () => {
    const seed = new FaultInjector({}).stats().seed;

    expect(Number.isInteger(seed)).toBe(true);
    expect(new FaultInjector({ seed: 99 }).seed).toBe(99);
  });

  it.each([
    [{ functions: { fn: { throttleRate: -0.1 } } }, /throttleRate must be a number from 0 to 1/],
    [{ functions: { fn: { timeoutAfterSuccessRate: Number.NaN } } }, /timeoutAfterSuccessRate must be a number/],
    [{ dynamodb: { transactionConflictRate: 2 } }, /transactionConflictRate must be a number/],
    [{ dynamodb: { throttleError: 'Nope' as 'ThrottlingException' } }, /throttleError must be/],
    [{ dynamodb: { operations: ['Putitem'] } }, /unknown operation\(s\) Putitem/],
  ])('rejects %j', (config, message) => {
    expect(() => new FaultInjector(config)).toThrow(FaultConfigError);
    expect(() => new FaultInjector(config)).toThrow(message);
  });
});
