/**
 * Template properties the local Lambda honours, end to end through LocalRuntime: a synthesized
 * app with `ReservedConcurrentExecutions` ("Reserved concurrency"), `MemorySize`, published
 * versions and a weighted alias ("Lambda aliases > weighted aliases").
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FunctionError, LocalRuntime } from '@order-flow/local';

const STACK = 'LambdaTemplateStack';
let outdir: string;
let runtime: LocalRuntime;

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'lambda-template-'));
  const app = new App({ outdir });
  const stack = new Stack(app, STACK);
  const fn = new lambda.Function(stack, 'Stateful', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(fileURLToPath(new URL('../fixtures/lambda-state', import.meta.url))),
    memorySize: 192,
    timeout: Duration.seconds(5),
    reservedConcurrentExecutions: 2,
  });
  const v1 = new lambda.Version(stack, 'V1', { lambda: fn });
  const v2 = new lambda.Version(stack, 'V2', { lambda: fn, description: 'second' });
  new lambda.Alias(stack, 'Live', { aliasName: 'live', version: v1, additionalVersions: [{ version: v2, weight: 0.25 }] });
  app.synth();
  runtime = await LocalRuntime.start({ assemblyDir: outdir });
}, 90_000);

afterAll(async () => {
  await runtime?.stop();
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

describe('Reserved concurrency from the template', () => {
  it('ReservedConcurrentExecutions 2: of 5 concurrent slow calls 2 succeed and 3 throttle', async () => {
    const settled = await Promise.allSettled(Array.from({ length: 5 }, () => runtime.invoke(`${STACK}/Stateful`, { ms: 800 })));
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(2);
    const rejected = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    expect(rejected).toHaveLength(3);
    for (const { reason } of rejected) {
      expect(reason).toBeInstanceOf(FunctionError);
      expect((reason as FunctionError).name).toBe('Lambda.TooManyRequestsException');
    }
  }, 30_000);
});

describe('Lambda aliases > weighted aliases, from the template', () => {
  it('the alias ARN routes 25 % to version 2 and reports the executed version in the context', async () => {
    const fn = runtime.functions[0]!;
    const counts: Record<string, number> = {};
    for (let batch = 0; batch < 200; batch++) {
      // Two at a time: within the reserved concurrency of 2.
      const results = (await Promise.all([runtime.invoke(`${fn.arn}:live`, {}), runtime.invoke(`${fn.arn}:live`, {})])) as { context: { functionVersion: string; invokedFunctionArn: string; memoryLimitInMB: string } }[];
      for (const { context } of results) {
        expect(context.invokedFunctionArn).toBe(`${fn.arn}:live`);
        expect(context.memoryLimitInMB).toBe('192');
        counts[context.functionVersion] = (counts[context.functionVersion] ?? 0) + 1;
      }
    }
    expect(Object.keys(counts).sort()).toEqual(['1', '2']);
    expect(Math.abs(counts['2']! / 400 - 0.25)).toBeLessThan(0.06);
  }, 60_000);
});
