/**
 * Lambda as Lambda runs it, on LocalFunction alone (no DynamoDB Local). Each block cites the AWS
 * documentation section whose behaviour it checks.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { LambdaHost, LocalFunction, locateFunctionCode, type InvocationOutcome, type LocalFunctionConfig } from '@order-flow/local/lambda';
import type { AssemblyStack } from '@order-flow/local/cloudformation';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function:fixture';
const started: LocalFunction[] = [];

function fixtureFunction(fixture: string, handler = 'index.handler', overrides: Partial<LocalFunctionConfig> = {}, host?: LambdaHost): LocalFunction {
  const directory = fileURLToPath(new URL(`../fixtures/${fixture}`, import.meta.url));
  // locateFunctionCode with a stand-in stack whose asset manifest maps the hash to the folder.
  const stack = { assets: new Map([['h', { path: directory }]]), assemblyDir: directory } as unknown as AssemblyStack;
  const code = locateFunctionCode(stack, fixture, { S3Key: 'h.zip' }, handler);
  const fn = new LocalFunction(
    { name: 'fixture', arn: ARN, handler, code, environment: { AWS_REGION: 'us-east-1' }, timeoutSeconds: 10, memoryMb: 128, logGroupName: '/aws/lambda/fixture', logs: 'silent', ...overrides },
    host,
  );
  started.push(fn);
  return fn;
}

interface StateResult {
  mine: number;
  after: number;
  loadedAt: number;
  clock: { now: number; iso: string; called: string; statIsDate: boolean };
  context: Record<string, unknown> & { logStreamName: string; remaining: number };
  env: { version: string; stream: string; taskRoot: string };
}

const resultOf = (outcome: InvocationOutcome) => {
  if (!outcome.ok) throw new Error(`${outcome.error.errorType}: ${outcome.error.errorMessage}`);
  return outcome.result as StateResult;
};

afterEach(async () => {
  await Promise.all(started.splice(0).map((fn) => fn.stop()));
});

describe('Lambda execution environment: one invocation per environment at a time', () => {
  it('20 concurrent calls never interleave in module state, and the pool grows to more than one environment', async () => {
    const fn = fixtureFunction('lambda-state', 'index.handler', {}, new LambdaHost({ maxEnvironmentsPerFunction: 4 }));
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => fn.invoke({ ms: 30 })));
    const results = outcomes.map(resultOf);
    // The counter was incremented, awaited over and read back: nobody else touched it meanwhile.
    for (const r of results) expect(r.after).toBe(r.mine);
    const stats = fn.stats();
    expect(stats.peakEnvironments).toBeGreaterThan(1);
    expect(stats.peakEnvironments).toBeLessThanOrEqual(4);
    expect(stats.invocations).toBe(20);
    expect(stats.coldStarts).toBe(stats.peakEnvironments);
    expect(stats.durationMs?.count).toBe(20);
    // Each environment is one log stream; the streams together saw all 20 invocations.
    expect(new Set(results.map((r) => r.context.logStreamName)).size).toBe(stats.peakEnvironments);
  });

  it('negative control: invocations sharing one environment DO interleave (what the old single worker did)', async () => {
    // The same handler called 20 times concurrently in ONE module instance (one shared
    // environment): each call's read-back sees the others' increments.
    const fixtureModule: string = '../fixtures/lambda-state/index.mjs';
    const { handler } = (await import(fixtureModule)) as { handler: (event: unknown, context: unknown) => Promise<StateResult> };
    const context = { getRemainingTimeInMillis: () => 1000 };
    const results = await Promise.all(Array.from({ length: 20 }, () => handler({ ms: 30 }, context)));
    expect(results.some((r) => r.after !== r.mine)).toBe(true);
  });

  it('reports initDurationMs on the first invocation of an environment only (cold start), then reuses it warm', async () => {
    const fn = fixtureFunction('lambda-state');
    const first = await fn.invoke({});
    const second = await fn.invoke({});
    expect(first.report?.initDurationMs).toBeGreaterThan(0);
    expect(second.report?.initDurationMs).toBeUndefined();
    expect(second.report?.logStreamName).toBe(first.report?.logStreamName);
    expect(resultOf(second).loadedAt).toBe(resultOf(first).loadedAt);
    expect(fn.stats()).toMatchObject({ invocations: 2, coldStarts: 1, environments: 1, idleEnvironments: 1 });
  });

  it('reaps idle environments after idleTimeoutMs; the next call cold-starts', async () => {
    const fn = fixtureFunction('lambda-state', 'index.handler', {}, new LambdaHost({ idleTimeoutMs: 50 }));
    await fn.invoke({});
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fn.stats().environments).toBe(0);
    const again = await fn.invoke({});
    expect(again.report?.initDurationMs).toBeGreaterThan(0);
    expect(fn.stats().coldStarts).toBe(2);
  });
});

describe('Lambda function scaling / Reserved concurrency: throttled, not queued', () => {
  it('reserved concurrency 2 with 5 concurrent slow calls: 2 run, 3 get TooManyRequestsException at once', async () => {
    const fn = fixtureFunction('lambda-state', 'index.handler', { reservedConcurrency: 2 });
    const startedAt = Date.now();
    const pending = Array.from({ length: 5 }, () => fn.invoke({ ms: 500 }).then((outcome) => ({ outcome, at: Date.now() - startedAt })));
    const settled = await Promise.all(pending);
    const throttled = settled.filter(({ outcome }) => !outcome.ok);
    expect(settled.filter(({ outcome }) => outcome.ok)).toHaveLength(2);
    expect(throttled).toHaveLength(3);
    for (const { outcome, at } of throttled) {
      expect(outcome).toMatchObject({ ok: false, error: { errorType: 'Lambda.TooManyRequestsException', errorMessage: 'Rate Exceeded.' } });
      expect(at).toBeLessThan(400); // answered immediately, not after waiting for a slot
    }
    expect(fn.stats()).toMatchObject({ invocations: 2, throttles: 3, peakConcurrentExecutions: 2 });
    // Capacity is back once they finished.
    expect((await fn.invoke({})).ok).toBe(true);
  });

  it('reserved concurrency 0 throttles every call', async () => {
    const fn = fixtureFunction('lambda-state', 'index.handler', { reservedConcurrency: 0 });
    expect(await fn.invoke({})).toMatchObject({ ok: false, error: { errorType: 'Lambda.TooManyRequestsException' } });
  });

  it('the account limit throttles functions without a reservation (their share: limit minus reservations)', async () => {
    const host = new LambdaHost({ accountConcurrency: 3 });
    fixtureFunction('lambda-state', 'index.handler', { name: 'reserved', reservedConcurrency: 1 }, host);
    const shared = fixtureFunction('lambda-state', 'index.handler', { name: 'shared' }, host);
    const outcomes = await Promise.all(Array.from({ length: 4 }, () => shared.invoke({ ms: 300 })));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(2);
    expect(outcomes.filter((o) => !o.ok && o.error.errorType === 'Lambda.TooManyRequestsException')).toHaveLength(2);
  });
});

describe('Lambda execution environment: MemorySize and Timeout end the environment', () => {
  it('a handler allocating beyond MemorySize dies with Runtime.OutOfMemory; the environment is replaced', async () => {
    const fn = fixtureFunction('lambda-state', 'index.handler', { memoryMb: 128 });
    const warm = await fn.invoke({});
    const oom = await fn.invoke({ action: 'allocate' });
    expect(oom).toMatchObject({ ok: false, error: { errorType: 'Runtime.OutOfMemory', errorMessage: 'Runtime exited with error: signal: killed' } });
    const after = await fn.invoke({});
    expect(after.report?.initDurationMs).toBeGreaterThan(0);
    expect(after.report?.logStreamName).not.toBe(warm.report?.logStreamName);
  }, 60_000);

  it('a timed-out invocation discards its environment (Sandbox.Timedout), the next one cold-starts', async () => {
    const fn = fixtureFunction('lambda-state', 'index.handler', { timeoutSeconds: 1 });
    const timedOut = await fn.invoke({ ms: 3000 });
    expect(timedOut).toMatchObject({ ok: false, error: { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 1.00 seconds' } });
    const next = await fn.invoke({});
    expect(next.report?.initDurationMs).toBeGreaterThan(0);
    expect(resultOf(next).mine).toBe(1); // fresh module state
  });
});

describe('Define Lambda function handler in Node.js: module format and loading errors', () => {
  it('runs a CommonJS index.js without package.json inside an ESM project (the project\'s "type": "module" does not apply)', async () => {
    const fn = fixtureFunction('lambda-cjs');
    expect(resultOf(await fn.invoke({ a: 1 }))).toEqual({ format: 'commonjs', file: 'index.js', echo: { a: 1 } });
  });

  it('runs .mjs as ESM from a task root that is a copy of the asset (LAMBDA_TASK_ROOT)', async () => {
    const fn = fixtureFunction('lambda-state');
    const { env } = resultOf(await fn.invoke({}));
    expect(env.taskRoot).not.toContain('fixtures');
    expect(existsSync(`${env.taskRoot}/index.mjs`)).toBe(true);
  });

  it('a missing export is Runtime.HandlerNotFound', async () => {
    const fn = fixtureFunction('lambda-errors', 'missing-export.handler');
    expect(await fn.invoke({})).toMatchObject({ ok: false, error: { errorType: 'Runtime.HandlerNotFound', errorMessage: 'missing-export.handler is undefined or not exported' } });
  });

  it('a module that cannot be loaded is Runtime.ImportModuleError with the real cause', async () => {
    const fn = fixtureFunction('lambda-errors', 'missing-dep.handler');
    const outcome = await fn.invoke({});
    expect(outcome).toMatchObject({ ok: false, error: { errorType: 'Runtime.ImportModuleError' } });
    expect(!outcome.ok && outcome.error.errorMessage).toMatch(/^Error: Cannot find module 'left-pad-that-was-never-bundled'/);
  });

  it('a syntax error is Runtime.UserCodeSyntaxError', async () => {
    const fn = fixtureFunction('lambda-errors', 'syntax.handler');
    expect(await fn.invoke({})).toMatchObject({ ok: false, error: { errorType: 'Runtime.UserCodeSyntaxError', errorMessage: expect.stringMatching(/^SyntaxError: /) } });
  });

  it('an Init that throws reports the thrown error with its real message (as the Node.js runtime does), and the next call retries Init', async () => {
    const fn = fixtureFunction('lambda-errors', 'throwing.handler');
    const first = await fn.invoke({});
    expect(first).toMatchObject({ ok: false, error: { errorType: 'Error', errorMessage: 'CONFIG_TABLE is not set: cannot start' } });
    await fn.invoke({});
    expect(fn.stats()).toMatchObject({ coldStarts: 2, errors: 2, environments: 0 });
  });
});

describe('AWS SDK for JavaScript v3 included in the Node.js runtime', () => {
  it('resolves an external @aws-sdk/* import (ESM) the bundle does not contain to the runtime\'s SDK', async () => {
    const fn = fixtureFunction('lambda-sdk');
    expect(resultOf(await fn.invoke({}))).toEqual({ client: 'function', command: 'ListTablesCommand' });
  });

  it('and from CommonJS require()', async () => {
    const fn = fixtureFunction('lambda-sdk', 'legacy.handler');
    expect(resultOf(await fn.invoke({}))).toEqual({ client: 'function' });
  });

  it('does not provide other packages the bundle forgot', async () => {
    const fn = fixtureFunction('lambda-sdk', 'other.handler');
    const outcome = await fn.invoke({});
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.error.errorMessage).toContain("Cannot find package 'left-pad-that-was-never-bundled'");
  });
});

describe('Lambda context object in Node.js', () => {
  it('fills every context property; versions and aliases set functionVersion, the ARN stays as invoked', async () => {
    const fn = fixtureFunction('lambda-state', 'index.handler', { timeoutSeconds: 7, memoryMb: 192, versions: ['1', '2'], aliases: { live: { version: '2' } } });
    const latest = resultOf(await fn.invoke({}));
    expect(latest.context).toMatchObject({
      functionName: 'fixture',
      functionVersion: '$LATEST',
      invokedFunctionArn: ARN,
      memoryLimitInMB: '192',
      logGroupName: '/aws/lambda/fixture',
      awsRequestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      logStreamName: expect.stringMatching(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/),
    });
    expect(latest.context.remaining).toBeGreaterThan(6000);
    expect(latest.context.remaining).toBeLessThanOrEqual(7000);
    expect(latest.env.stream).toBe(latest.context.logStreamName);

    const viaAlias = resultOf(await fn.invoke({}, `${ARN}:live`));
    expect(viaAlias.context).toMatchObject({ functionVersion: '2', invokedFunctionArn: `${ARN}:live` });
    expect(viaAlias.env.version).toBe('2');
    expect(viaAlias.context.logStreamName).toContain('[2]');
    const viaVersion = resultOf(await fn.invoke({}, `${ARN}:1`));
    expect(viaVersion.context).toMatchObject({ functionVersion: '1', invokedFunctionArn: `${ARN}:1` });
  });
});

describe('Lambda aliases > weighted aliases', () => {
  it('routes 1,000 calls in proportion to AdditionalVersionWeights (seeded, within 4 points)', async () => {
    const fn = fixtureFunction('lambda-state', 'index.handler', {
      versions: ['1', '2'],
      aliases: { live: { version: '1', additionalVersionWeights: { '2': 0.2 } } },
      routingSeed: 42,
    });
    const counts: Record<string, number> = {};
    for (let batch = 0; batch < 10; batch++) {
      const outcomes = await Promise.all(Array.from({ length: 100 }, () => fn.invoke({}, `${ARN}:live`)));
      for (const outcome of outcomes) {
        const version = outcome.report!.version;
        counts[version] = (counts[version] ?? 0) + 1;
      }
    }
    expect(counts['1']! + counts['2']!).toBe(1000);
    expect(Math.abs(counts['2']! / 1000 - 0.2)).toBeLessThan(0.04);
  }, 60_000);
});

describe('Lambda versions published at run time (PublishVersion, UpdateAlias)', () => {
  it("a published version runs its own variables; the alias's weights move to it; every invocation is observed with the version that ran", async () => {
    const fn = fixtureFunction('lambda-state', 'index.handler', { versions: ['1'], aliases: { live: { version: '1' } }, routingSeed: 7 });
    const seen: string[] = [];
    fn.observe((record) => seen.push(`${record.qualifier}:${record.version}:${record.outcome}`));
    const v2 = fn.publishVersion({ environment: { RELEASE: 'two' } });
    expect(v2).toBe('2');
    fn.updateAlias('live', { version: '1', additionalVersionWeights: { '2': 1 } });
    const routed = resultOf(await fn.invoke({}, `${ARN}:live`));
    expect(routed.env.version).toBe('2');
    fn.updateAlias('live', { version: '1' });
    expect(resultOf(await fn.invoke({}, `${ARN}:live`)).env.version).toBe('1');
    expect(seen).toEqual(['live:2:ok', 'live:1:ok']);
  });

  it('refuses an alias update to an unpublished version or a weight outside 0..1, naming the field', () => {
    const fn = fixtureFunction('lambda-state', 'index.handler', { versions: ['1'], aliases: { live: { version: '1' } } });
    expect(() => fn.updateAlias('live', { version: '9' })).toThrow(/version '9' is not a published version \(1\)/);
    expect(() => fn.updateAlias('live', { version: '1', additionalVersionWeights: { '1': 1.5 } })).toThrow(/AdditionalVersionWeights\['1'\] must be between 0 and 1, got 1.5/);
    expect(() => fn.alias('beta')).toThrow(/has no alias 'beta' \(aliases: live\)/);
  });
});

describe("the function's Date reads the runtime's clock", () => {
  // A virtual clock moves event times (Step Functions history, EventBridge `time`) ahead of the
  // wall; timestamps a handler writes (`createdAt`, `updatedAt`) must move with them, or a
  // reconciler comparing the two would see fresh orders as hours old.
  it('Date.now(), new Date() and the deadline follow the clock; Date() is a string; Node-made dates are still instanceof Date', async () => {
    const skew = 3 * 3_600_000;
    const fn = fixtureFunction('lambda-state', 'index.handler', { now: () => Date.now() + skew, timeoutSeconds: 10 });
    const before = Date.now() + skew;
    const result = resultOf(await fn.invoke({}));
    expect(result.clock.now).toBeGreaterThanOrEqual(before);
    expect(result.clock.now).toBeLessThan(before + 5_000);
    expect(Math.abs(Date.parse(result.clock.iso) - result.clock.now)).toBeLessThan(1_000);
    // Loaded during Init: the environment started on the clock too.
    expect(result.loadedAt).toBeGreaterThanOrEqual(before - 5_000);
    expect(result.clock.called).toBe('string');
    expect(result.clock.statIsDate).toBe(true);
    // getRemainingTimeInMillis: the deadline is on the same clock, so ~10 s remain, not -3 h.
    expect(result.context.remaining).toBeGreaterThan(5_000);
    expect(result.context.remaining).toBeLessThanOrEqual(10_000);
  });

  it('negative control: without the clock, the function reads wall time', async () => {
    const fn = fixtureFunction('lambda-state');
    const result = resultOf(await fn.invoke({}));
    expect(Math.abs(result.clock.now - Date.now())).toBeLessThan(5_000);
  });
});
