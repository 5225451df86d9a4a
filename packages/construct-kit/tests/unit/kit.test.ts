import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { acknowledgeSynchronousFunction, FUNCTION_DEFAULTS, FUNCTION_RUNTIME, INVOKED_BY_STEP_FUNCTIONS, shippedBundle } from '../../src/index.js';

describe('shippedBundle', () => {
  it('returns a folder holding index.mjs, and tells the user to build the package otherwise', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bundle-'));
    expect(() => shippedBundle(dir, '@order-flow/payment')).toThrow(/@order-flow\/payment.*Run `pnpm build`/);
    writeFileSync(join(dir, 'index.mjs'), 'export const handler = async () => 1;');
    expect(shippedBundle(dir, '@order-flow/payment')).toBe(dir);
  });
});

describe('function defaults and acknowledgments', () => {
  it('gives Node.js 24 on arm64 with tracing, and records the three deliberate nag findings with reasons', () => {
    const stack = new Stack(new App(), 'S');
    const fn = new lambda.Function(stack, 'Fn', { ...FUNCTION_DEFAULTS, ...FUNCTION_RUNTIME, code: lambda.Code.fromInline('exports.handler=()=>1') });
    acknowledgeSynchronousFunction(fn, INVOKED_BY_STEP_FUNCTIONS);
    const resolved = stack.resolve((fn.node.defaultChild as lambda.CfnFunction).runtime);
    expect(resolved).toBe('nodejs24.x');
    const reasons = [fn, fn.role!].flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.entries(m.data as Record<string, string>))
        .map(([id, reason]) => [id.replace(/^annotation::/i, '').split('[')[0]!, reason] as const),
    );
    expect(reasons.map(([rule]) => rule).sort()).toEqual(['AwsSolutions-IAM4', 'AwsSolutions-IAM5', 'Serverless-LambdaDLQ']);
    for (const [rule, reason] of reasons) expect(reason.startsWith(`${rule}: `)).toBe(true);
  });
});
