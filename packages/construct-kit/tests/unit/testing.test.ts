import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { forwardTask, payloadFields, stepSkeleton } from '../../src/index.js';
import { assertStepRetries, assertUsesBroughtTable } from '../../src/testing.js';

// The shared assertions of `@order-flow/construct-kit/testing`, each with its negative control:
// a check the step packages rely on must be able to fail.

const SPEC = { step: 'demo', partitionKey: 'key', tableNameEnv: 'DEMO_TABLE', serviceName: 'demo', bundle: '/nonexistent', packageName: '@order-flow/demo' };
const code = lambda.Code.fromInline('exports.handler=()=>1');

function demo(table?: (stack: Stack) => dynamodb.ITableV2) {
  const stack = new Stack(new App(), 'S');
  const resources = stepSkeleton(new Construct(stack, 'Demo'), SPEC, { code, ...(table ? { table: table(stack) } : {}) });
  return { stack, resources };
}

// Synthesized once for the file: a template costs seconds.
const brought = Template.fromStack(demo((stack) => dynamodb.TableV2.fromTableName(stack, 'Existing', 'mine')).stack);

const OWN = { ErrorEquals: ['Busy'], IntervalSeconds: 2, MaxAttempts: 4 };

describe('assertUsesBroughtTable', () => {
  it('passes for a step given an existing table', () => {
    expect(() => assertUsesBroughtTable(brought, 'DEMO_TABLE', 'mine')).not.toThrow();
  });

  it('fails when the step creates its own table, or passes another name', () => {
    expect(() => assertUsesBroughtTable(Template.fromStack(demo().stack), 'DEMO_TABLE', 'mine')).toThrow(/GlobalTable/);
    expect(() => assertUsesBroughtTable(brought, 'DEMO_TABLE', 'theirs')).toThrow(/theirs/);
  });
});

describe('assertStepRetries', () => {
  function retry(retries: { errors: string[]; maxAttempts: number; interval: Duration }[]) {
    const { stack, resources } = demo();
    const task = forwardTask(stack, 'Forward', { alias: resources.alias, payload: { action: 'go' }, resultSelector: payloadFields('orderId'), resultPath: '$.out', retries });
    return (stack.resolve(task.toStateJson()) as { Retry: unknown }).Retry;
  }

  it("passes for a forward task's retriers: the platform errors and the step's own", () => {
    expect(() => assertStepRetries(retry([{ errors: ['Busy'], maxAttempts: 4, interval: Duration.seconds(2) }]), OWN)).not.toThrow();
  });

  it('fails, naming the retrier, when one is missing or differs', () => {
    expect(() => assertStepRetries(retry([{ errors: ['Busy'], maxAttempts: 3, interval: Duration.seconds(2) }]), OWN)).toThrow(/no retrier \{"ErrorEquals":\["Busy"\]/);
    expect(() => assertStepRetries([OWN], OWN)).toThrow(/no retrier for Lambda\.TooManyRequestsException/);
    expect(() => assertStepRetries(undefined)).toThrow(/no retrier for/);
  });
});
