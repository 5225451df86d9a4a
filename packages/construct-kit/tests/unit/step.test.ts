import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { compensationTask, forwardTask, payloadFields, stepSkeleton, stepSkeletonOf, type StepSkeletonProps, type StepSkeletonSpec } from '../../src/index.js';

// The skeleton's defaults are asserted here, once; each step's construct tests assert only what
// the step adds (its key, environment variable, grants and tasks) and that it uses this skeleton.

const SPEC: StepSkeletonSpec = { step: 'demo', partitionKey: 'key', tableNameEnv: 'DEMO_TABLE', serviceName: 'demo', bundle: '/nonexistent', packageName: '@order-flow/demo' };
const code = lambda.Code.fromInline('exports.handler=()=>1');

function skeleton(props: StepSkeletonProps = {}, spec: StepSkeletonSpec = SPEC) {
  const stack = new Stack(new App(), 'S');
  const scope = new Construct(stack, 'Demo');
  const resources = stepSkeleton(scope, spec, { code, ...props });
  return { stack, scope, resources, template: Template.fromStack(stack) };
}

describe('stepSkeleton', () => {
  it('creates an on-demand table keyed by the step, with point-in-time recovery, retained and deletion-protected', () => {
    const { template } = skeleton();
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        KeySchema: [{ AttributeName: 'key', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'key', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        Replicas: [Match.objectLike({ DeletionProtectionEnabled: true, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
      },
    });
  });

  // CloudFormation cannot delete a table whose deletion protection is on (DynamoDB Developer
  // Guide, "Using deletion protection"): DESTROY comes with protection off.
  it('follows removalPolicy and deletionProtection for the table it creates', () => {
    const destroy = skeleton({ removalPolicy: RemovalPolicy.DESTROY }).template;
    destroy.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Delete' });
    destroy.hasResourceProperties('AWS::DynamoDB::GlobalTable', { Replicas: [Match.objectLike({ DeletionProtectionEnabled: false })] });
    skeleton({ deletionProtection: false }).template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [Match.objectLike({ DeletionProtectionEnabled: false })],
    });
    expect(() => skeleton({ removalPolicy: RemovalPolicy.DESTROY, deletionProtection: true })).toThrow(/S\/Demo: removalPolicy destroy.*deletionProtection: true/);
  });

  it('uses a table the user brings, creating none, and refuses the props that only apply to a created table', () => {
    const stack = new Stack(new App(), 'S');
    const table = dynamodb.TableV2.fromTableName(stack, 'Existing', 'mine');
    const { table: used } = stepSkeleton(new Construct(stack, 'Demo'), SPEC, { code, table });
    expect(used).toBe(table);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ DEMO_TABLE: 'mine' }) } });
    expect(() => stepSkeleton(new Construct(stack, 'A'), SPEC, { code, table, removalPolicy: RemovalPolicy.DESTROY })).toThrow(
      /S\/A: removalPolicy applies only to a table this construct creates; do not combine it with table/,
    );
    expect(() => stepSkeleton(new Construct(stack, 'B'), SPEC, { code, table, deletionProtection: false })).toThrow(/S\/B: deletionProtection applies only/);
  });

  it('runs the function on nodejs24.x arm64, 256 MB, 10 s, JSON logs to its own log group kept two years, active tracing', () => {
    const { template, stack, resources } = skeleton();
    const logGroupId = Object.keys(template.findResources('AWS::Logs::LogGroup'))[0]!;
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 256,
      Timeout: 10,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: logGroupId } },
      // The service name first (the user may override it), the table name last (the construct's).
      Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'demo', DEMO_TABLE: stack.resolve(resources.table.tableName) } },
    });
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain', Properties: { RetentionInDays: 731 } });
    expect(JSON.stringify(template.findResources('AWS::IAM::Role'))).not.toContain('AWSLambdaBasicExecutionRole');
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          // X-Ray has no resource-level permissions.
          { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' },
          { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] } },
        ],
      },
    });
  });

  it("takes the user's function settings, except an explicit undefined and what the construct owns", () => {
    const { template, resources } = skeleton({
      functionProps: { memorySize: 512, timeout: undefined, tracing: lambda.Tracing.PASS_THROUGH, environment: { EXTRA: '1', POWERTOOLS_SERVICE_NAME: 'mine', DEMO_TABLE: 'hijacked' } },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 512,
      Timeout: 10,
      Runtime: 'nodejs24.x',
      TracingConfig: { Mode: 'PassThrough' },
      Environment: { Variables: { EXTRA: '1', POWERTOOLS_SERVICE_NAME: 'mine', DEMO_TABLE: Stack.of(resources.table).resolve(resources.table.tableName) } },
    });
  });

  it('ships the step bundle unless code is given, and names the package when it is not built', () => {
    expect(() => stepSkeleton(new Construct(new Stack(new App(), 'S'), 'Demo'), SPEC, {})).toThrow(/@order-flow\/demo.*Run `pnpm build`/);
    const bundle = mkdtempSync(join(tmpdir(), 'bundle-'));
    writeFileSync(join(bundle, 'index.mjs'), 'export const handler = async () => 1;');
    const stack = new Stack(new App(), 'S');
    stepSkeleton(new Construct(stack, 'Demo'), { ...SPEC, bundle }, {});
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { Code: { S3Key: Match.stringLikeRegexp('\\.zip$') } });
  });

  it('puts a live alias on the current version, rolled out by StepDeployment and watched by StepAlarms sized by the timeout', () => {
    const { resources, scope, stack, template } = skeleton({ functionProps: { timeout: Duration.seconds(20) } });
    // What a step's construct test checks to know it is built on this skeleton.
    expect(stepSkeletonOf(scope)).toBe(resources);
    expect(stepSkeletonOf(stack)).toBeUndefined();
    expect(resources.alias.aliasName).toBe('live');
    expect(resources.alias.version).toBe(resources.function.currentVersion);
    // The construct ids a deployed step already has: renaming one would replace the resource.
    expect(['Table', 'Function', 'FunctionLogGroup', 'FunctionRole', 'LiveAlias', 'Alarms', 'Deployment'].filter((id) => !scope.node.tryFindChild(id))).toEqual([]);
    template.hasResource('AWS::Lambda::Alias', { UpdatePolicy: { CodeDeployLambdaAliasUpdate: Match.anyValue() } });
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', { DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes' });
    // p99 thresholds: 80% of the 20 s timeout, on the alias (5-minute periods) and the canary (1 minute).
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Duration', Period: 300, Threshold: 16000 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Duration', Period: 60, Threshold: 16000 });
    expect(resources.alarms.alarms).toHaveLength(3);
    expect(resources.deployment.alarms.alarms).toHaveLength(3);
  });
});

describe('step tasks', () => {
  function tasksOf(budget?: 'durable' | 'express') {
    const { scope, resources } = skeleton();
    const common = { alias: resources.alias, payload: { action: 'go', 'orderId.$': '$.id' }, resultSelector: payloadFields('orderId', 'status'), resultPath: '$.out', retryBudget: budget };
    const forward = forwardTask(scope, 'Forward', { ...common, retries: [{ errors: ['Busy'], maxAttempts: 4, interval: Duration.seconds(2) }] });
    const compensation = compensationTask(scope, 'Compensate', { ...common, notRetried: ['Invalid'] });
    const json = (task: sfn.TaskStateBase) => Stack.of(scope).resolve(task.toStateJson()) as { Parameters: Record<string, unknown>; ResultSelector: unknown; ResultPath: string; Retry: { ErrorEquals: string[]; MaxAttempts?: number }[] };
    return { forward: json(forward), compensation: json(compensation), alias: Stack.of(scope).resolve(resources.alias.functionArn) as unknown };
  }

  it('invokes the live alias with the payload and keeps the selected $.Payload fields at resultPath', () => {
    const { forward, alias } = tasksOf();
    expect(forward.Parameters).toEqual({ FunctionName: alias, Payload: { action: 'go', 'orderId.$': '$.id' } });
    expect(forward.ResultSelector).toEqual({ 'orderId.$': '$.Payload.orderId', 'status.$': '$.Payload.status' });
    expect(forward.ResultPath).toBe('$.out');
  });

  it("lists a forward task's retriers as CDK's service exceptions, the Lambda platform errors, then the step's own", () => {
    const { forward } = tasksOf();
    expect(forward.Retry.map((r) => r.ErrorEquals[0])).toEqual(['Lambda.ClientExecutionTimeoutException', 'Lambda.TooManyRequestsException', 'Busy']);
    expect(forward.Retry[2]).toEqual({ ErrorEquals: ['Busy'], IntervalSeconds: 2, MaxAttempts: 4 });
  });

  it('gives a compensation task no Lambda retrier before its catch-all: the errors no retry fixes, then States.ALL 10 times', () => {
    const { compensation } = tasksOf();
    expect(compensation.Retry).toEqual([
      { ErrorEquals: ['Invalid'], MaxAttempts: 0 },
      { ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 10, BackoffRate: 2, MaxDelaySeconds: 30, JitterStrategy: 'FULL' },
    ]);
  });

  it('cuts every retrier to one retry under the express budget', () => {
    const { forward, compensation } = tasksOf('express');
    expect([...forward.Retry, ...compensation.Retry].map((r) => r.MaxAttempts)).toEqual([1, 1, 0, 1]);
  });
});
