import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks, ServerlessChecks, type NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';

/**
 * cdk-nag 3 is a policy-validation plugin, not an Aspect: its findings never become stack
 * annotations, so `Annotations.fromStack(...)` would see none. `validateScope` runs a pack over a
 * construct tree and returns the unacknowledged findings (acknowledgments are the constructs'
 * `Validations.of(x).acknowledge({ id, reason })`, the v3 form of NagSuppressions).
 */
function nagFindings(scope: IConstruct): string[] {
  const packs: NagPack[] = [new AwsSolutionsChecks(undefined, { verbose: true }), new ServerlessChecks(undefined, { verbose: true })];
  return packs.flatMap((pack) =>
    pack
      .validateScope(scope)
      .violations.filter((v) => v.severity === 'error' || v.severity === 'warning')
      .flatMap((v) => v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath}: ${v.description}`)),
  );
}

/** Every acknowledgment recorded in the tree: `{ path, id, reason }`. */
function acknowledgments(scope: IConstruct): { path: string; id: string; reason: string }[] {
  return scope.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
          path: c.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

describe('cdk-nag AwsSolutions + Serverless packs over every stack of buildApp()', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'order-flow-nag-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));
  const app = buildApp({ outdir });
  const stacks = app.node.children.filter((c): c is Stack => Stack.isStack(c));

  it('covers the four stacks', () => {
    expect(stacks.map((s) => s.stackName).sort()).toEqual(['OrderFlow-Inventory', 'OrderFlow-OrderStatus', 'OrderFlow-Payment', 'OrderWorkflow']);
  });

  it.each(['OrderFlow-Inventory', 'OrderFlow-Payment', 'OrderFlow-OrderStatus', 'OrderWorkflow'])(
    '%s has zero unacknowledged errors and warnings',
    (name) => {
      const stack = stacks.find((s) => s.stackName === name)!;
      expect(nagFindings(stack)).toEqual([]);
    },
  );

  it('names the rule and a concrete reason in every acknowledgment', () => {
    const acks = acknowledgments(app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      const rule = ack.id.replace(/\[.*\]$/, '');
      expect(ack.id, ack.path).toMatch(/^(AwsSolutions|Serverless)-/);
      expect(ack.reason.startsWith(`${rule}: `), `${ack.path} ${ack.id}: ${ack.reason}`).toBe(true);
      expect(ack.reason.length, ack.path).toBeGreaterThan(60);
    }
  });

  it('acknowledges no AWSLambdaBasicExecutionRole: every function writes only to its own log group', () => {
    expect(acknowledgments(app).filter((a) => a.id.includes('AWSLambdaBasicExecutionRole'))).toEqual([]);
  });

  it('acknowledges one managed policy only: AWSCodeDeployRoleForLambdaLimited, which CDK attaches to each step deployment group role', () => {
    const managed = acknowledgments(app).filter((a) => a.id.startsWith('AwsSolutions-IAM4'));
    expect(managed.map((a) => a.path).sort()).toEqual([
      'OrderFlow-Inventory/Inventory/Deployment/Group/ServiceRole',
      'OrderFlow-OrderStatus/OrderStatus/Deployment/Group/ServiceRole',
      'OrderFlow-Payment/Payment/Deployment/Group/ServiceRole',
    ]);
    for (const ack of managed) expect(ack.id).toBe('AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]');
  });

  it('acknowledges only what cannot be fixed: DLQ on synchronous functions, *-only X-Ray/log-delivery, a DLQ on the reconciler triggers (the sweep replaces it), the CodeDeploy role\'s managed policy', () => {
    const ids = new Set(acknowledgments(app).map((a) => a.id));
    expect([...ids].sort()).toEqual([
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
      'AwsSolutions-IAM5[Resource::*]',
      'Serverless-EventBusDLQ',
      'Serverless-LambdaDLQ',
    ]);
  });

  it('still reports a finding the constructs did not acknowledge (the check is live)', () => {
    const probe = new Stack(new App(), 'Probe');
    new lambda.Function(probe, 'Untraced', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => 1;'),
    });
    const findings = nagFindings(probe);
    expect(findings.some((f) => f.includes('Serverless-LambdaTracing'))).toBe(true);
    expect(findings.some((f) => f.includes('Serverless-LambdaDLQ'))).toBe(true);
  });
});
