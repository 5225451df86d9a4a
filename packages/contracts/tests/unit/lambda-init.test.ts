/**
 * Module-init priming: the dry-run middleware answers in place of the request, and
 * primeFunction never fails Init, reports what it did, and sends the warm-up request only when
 * the function opts in. The step packages test the same against the real SDK and DynamoDB Local.
 */
import type { PerformanceMeasure } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { dryRun, dryRunClient, FUNCTION_INIT_MEASURE, primeFunction, PRIMING_ENV, WARM_UP_ENV, type PrimableCommand } from '../../src/lambda-init.js';

type Middleware = Parameters<PrimableCommand['middlewareStack']['add']>[0];
type Options = Parameters<PrimableCommand['middlewareStack']['add']>[1];

/** A command with a middleware stack that records what is added to it. */
function fakeCommand() {
  const added: { middleware: Middleware; options: Options }[] = [];
  return { added, middlewareStack: { add: (middleware: Middleware, options: Options) => added.push({ middleware, options }) } };
}

afterEach(() => {
  performance.clearMeasures(FUNCTION_INIT_MEASURE);
});

describe('dryRun', () => {
  it('adds the innermost deserialize middleware, which answers the canned body without calling next', async () => {
    // Prepare
    const command = fakeCommand();
    let nextCalled = false;
    const next = () => {
      nextCalled = true;
    };

    // Act
    const same = dryRun(command, '{"Item":{}}');
    const { middleware, options } = command.added[0]!;
    const answer = (await middleware(next, {})({ request: { protocol: 'https:' } })) as { response: { statusCode: number; body: Uint8Array } };

    // Assess
    expect(same).toBe(command);
    expect(options).toEqual({ step: 'deserialize', priority: 'low', name: 'orderFlowDryRun', override: true });
    expect(nextCalled).toBe(false);
    expect(answer.response.statusCode).toBe(200);
    expect(new TextDecoder().decode(answer.response.body)).toBe('{"Item":{}}');
  });

  it('answers an empty JSON object by default', async () => {
    const command = dryRun(fakeCommand());

    const answer = (await command.added[0]!.middleware(undefined, {})({})) as { response: { body: Uint8Array } };

    expect(new TextDecoder().decode(answer.response.body)).toBe('{}');
  });
});

describe('dryRunClient', () => {
  it('marks every command sent through it and leaves the client itself alone', async () => {
    // Prepare
    const sent: unknown[] = [];
    const client = { region: 'us-east-1', send: (command: unknown) => Promise.resolve(sent.push(command)) };
    const command = fakeCommand();

    // Act
    const view = dryRunClient(client, () => '{"ok":true}');
    await view.send(command);
    await client.send('direct');

    // Assess
    expect(view.region).toBe('us-east-1');
    expect(sent).toEqual([command, 'direct']);
    expect(command.added).toHaveLength(1);
  });
});

describe('primeFunction', () => {
  it('runs every dry run, records the ones that threw and never throws itself', async () => {
    // Prepare
    const ran: number[] = [];

    // Act
    const outcome = await primeFunction({
      dryRuns: [
        () => Promise.resolve(ran.push(1)),
        () => Promise.reject(new TypeError('no region')),
        () => Promise.resolve(ran.push(3)),
      ],
      env: {},
    });

    // Assess
    expect(ran).toEqual([1, 3]);
    expect(outcome).toEqual({ dryRuns: 2, skipped: false, failures: ['TypeError: no region'], warmUp: 'off' });
  });

  it('records its work as a performance measure with the outcome as detail', async () => {
    const outcome = await primeFunction({ dryRuns: [() => Promise.resolve()], env: {} });

    const [measure] = performance.getEntriesByName(FUNCTION_INIT_MEASURE, 'measure') as PerformanceMeasure[];
    expect(measure?.detail).toEqual(outcome);
    expect(measure?.duration).toBeGreaterThanOrEqual(0);
  });

  it(`runs no dry run when ${PRIMING_ENV} is "off" (and only then), and still sends an asked-for warm-up`, async () => {
    // Prepare
    let ran = 0;
    const dryRuns = [() => Promise.resolve(ran++)];
    const warmUp = () => Promise.resolve();

    // Act
    const off = await primeFunction({ dryRuns, warmUp, env: { [PRIMING_ENV]: 'off', [WARM_UP_ENV]: 'true' } });
    const on = await primeFunction({ dryRuns, env: { [PRIMING_ENV]: 'on' } });
    const unset = await primeFunction({ dryRuns, env: {} });

    // Assess
    expect(off).toEqual({ dryRuns: 0, skipped: true, failures: [], warmUp: 'sent' });
    expect(on).toEqual({ dryRuns: 1, skipped: false, failures: [], warmUp: 'off' });
    expect(unset).toEqual({ dryRuns: 1, skipped: false, failures: [], warmUp: 'off' });
    expect(ran).toBe(2);
  });

  it(`sends the warm-up request only when ${WARM_UP_ENV} is "true", with an abort signal`, async () => {
    // Prepare
    const signals: AbortSignal[] = [];
    const warmUp = (signal: AbortSignal) => Promise.resolve(signals.push(signal));

    // Act
    const off = await primeFunction({ dryRuns: [], warmUp, env: { [WARM_UP_ENV]: '1' } });
    const on = await primeFunction({ dryRuns: [], warmUp, env: { [WARM_UP_ENV]: 'true' } });

    // Assess
    expect(off.warmUp).toBe('off');
    expect(on.warmUp).toBe('sent');
    expect(signals).toHaveLength(1);
    expect(signals[0]).toBeInstanceOf(AbortSignal);
  });

  it('reports a failed warm-up instead of failing Init', async () => {
    const outcome = await primeFunction({
      dryRuns: [],
      warmUp: () => Promise.reject(new Error('ECONNREFUSED')),
      env: { [WARM_UP_ENV]: 'true' },
    });

    expect(outcome).toEqual({ dryRuns: 0, skipped: false, failures: [], warmUp: 'failed' });
  });
});
