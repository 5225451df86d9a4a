import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { JavaUnavailableError, LocalRuntime, type UnsupportedItem } from '@order-flow/local';
import { AssemblyResolver, activeResources, readCloudAssembly, unsupportedInAssembly, unsupportedLogLines } from '@order-flow/local/cloudformation';

/** A stack with what the runtime emulates, what it does not, and ignored properties on both. */
function synthApp(outdir: string): void {
  const app = new App({ outdir });
  const stack = new Stack(app, 'Unsupported');
  const queue = new sqs.Queue(stack, 'Queue');
  new cloudwatch.Alarm(stack, 'Alarm', { metric: queue.metricApproximateNumberOfMessagesVisible(), threshold: 10, evaluationPeriods: 1 });
  new cloudwatch.Alarm(stack, 'Alarm2', { metric: queue.metricApproximateAgeOfOldestMessage(), threshold: 60, evaluationPeriods: 1 });
  new dynamodb.CfnTable(stack, 'Table', {
    keySchema: [{ attributeName: 'pk', keyType: 'HASH' }],
    attributeDefinitions: [{ attributeName: 'pk', attributeType: 'S' }],
    billingMode: 'PAY_PER_REQUEST',
    streamSpecification: { streamViewType: 'NEW_IMAGE' },
  });
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  new lambda.CfnFunction(stack, 'Fn', {
    code: { zipFile: 'exports.handler = async () => 1;' },
    handler: 'index.handler',
    runtime: 'nodejs22.x',
    role: role.roleArn,
    timeout: Duration.seconds(3).toSeconds(),
    vpcConfig: { subnetIds: ['subnet-0123456789abcdef0'], securityGroupIds: ['sg-0123456789abcdef0'] },
    layers: ['arn:aws:lambda:us-east-1:123456789012:layer:shared:1'],
    deadLetterConfig: { targetArn: queue.queueArn },
  });
  app.synth();
}

describe('unsupported resources and properties', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'local-runtime-unsupported-'));
  synthApp(outdir);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  const assembly = readCloudAssembly(outdir);
  const resolver = new AssemblyResolver(assembly);
  const items = unsupportedInAssembly(activeResources(resolver), resolver);
  const summary = (item: UnsupportedItem) => `${item.kind} ${item.type} ${item.property ?? ''}`.trim();

  it('lists resource types the runtime does not emulate and properties it ignores, one item each', () => {
    expect(items.map(summary).sort()).toEqual(
      [
        'resource AWS::SQS::Queue',
        'resource AWS::CloudWatch::Alarm',
        'resource AWS::CloudWatch::Alarm',
        'property AWS::DynamoDB::Table StreamSpecification',
        'property AWS::Lambda::Function VpcConfig',
        'property AWS::Lambda::Function Layers',
        'property AWS::Lambda::Function DeadLetterConfig',
      ].sort(),
    );
  });

  it('says what each item means in one line naming the construct path', () => {
    const queue = items.find((item) => item.type === 'AWS::SQS::Queue')!;
    expect(queue).toMatchObject({ stackName: 'Unsupported', path: 'Unsupported/Queue/Resource' });
    expect(queue.message).toMatch(/^Not emulated: AWS::SQS::Queue Unsupported\/Queue\/Resource: .*runtime\.messages/);
    const stream = items.find((item) => item.property === 'StreamSpecification')!;
    expect(stream.message).toBe('Ignored: StreamSpecification of AWS::DynamoDB::Table Unsupported/Table: no stream records are produced');
    for (const item of items) expect(item.message).not.toContain('\n');
  });

  it('does not list IAM roles and policies (nothing is authorized locally) or CDK metadata', () => {
    expect(items.filter((item) => item.type.startsWith('AWS::IAM::') || item.type === 'AWS::CDK::Metadata')).toEqual([]);
  });

  it('logs every item through the log option when the runtime starts, before DynamoDB Local: items of one type saying the same thing in one line that counts them', async () => {
    const lines: string[] = [];
    const start = LocalRuntime.start({ assemblyDir: outdir, javaCommand: '/nonexistent/bin/java', log: (line) => lines.push(line) });
    await expect(start).rejects.toBeInstanceOf(JavaUnavailableError);
    const alarmsLine =
      'Not emulated: 2 × AWS::CloudWatch::Alarm (Unsupported/Alarm/Resource, Unsupported/Alarm2/Resource): no metrics or actions; runtime.deployNewVersion evaluates it from recorded invocations when a deployment group names it; Ref and Fn::GetAtt resolve to local placeholder names';
    // In template order, the two alarms' line where the first alarm stands.
    const firstAlarm = items.findIndex((item) => item.type === 'AWS::CloudWatch::Alarm');
    const expected = items.flatMap((item, index) => (item.type !== 'AWS::CloudWatch::Alarm' ? [item.message] : index === firstAlarm ? [alarmsLine] : []));
    expect(lines).toEqual(expected);
    expect(lines).toHaveLength(items.length - 1);
  });

  describe('unsupportedLogLines', () => {
    const alarm = (n: number, note = 'no metrics'): UnsupportedItem => ({
      kind: 'resource',
      stackName: 'S',
      logicalId: `A${n}`,
      path: `S/A${n}/Resource`,
      type: 'AWS::CloudWatch::Alarm',
      message: `Not emulated: AWS::CloudWatch::Alarm S/A${n}/Resource: ${note}`,
    });

    it('names the first three paths of a group and counts the rest', () => {
      expect(unsupportedLogLines([1, 2, 3, 4, 5].map((n) => alarm(n)))).toEqual([
        'Not emulated: 5 × AWS::CloudWatch::Alarm (S/A1/Resource, S/A2/Resource, S/A3/Resource and 2 more): no metrics',
      ]);
    });

    it('negative control: items of one type that say different things stay apart, each as its own message', () => {
      const items = [alarm(1), alarm(2, 'something else')];
      expect(unsupportedLogLines(items)).toEqual(items.map((item) => item.message));
    });
  });
});
