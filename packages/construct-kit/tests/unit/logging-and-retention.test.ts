import { App, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  acknowledgeSynchronousFunction,
  FUNCTION_DEFAULTS,
  FUNCTION_RUNTIME,
  functionWithOwnLogGroup,
  INVOKED_BY_STEP_FUNCTIONS,
  tableRetention,
} from '../../src/index.js';

const code = lambda.Code.fromInline('exports.handler=()=>1');

function acknowledgedRules(...scopes: { node: { metadata: { type: string; data: unknown }[] } }[]): Record<string, string> {
  return Object.fromEntries(
    scopes.flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.entries(m.data as Record<string, string>)),
    ),
  );
}

describe('functionWithOwnLogGroup', () => {
  // AWSLambdaBasicExecutionRole allows logs:CreateLogGroup/CreateLogStream/PutLogEvents on "*"
  // (AWS Managed Policy Reference, "AWSLambdaBasicExecutionRole"); Lambda sends logs to the log
  // group named in LoggingConfig.LogGroup (Lambda Developer Guide, "Configuring CloudWatch log groups").
  it('logs to its own log group, may write only there, and has no AWSLambdaBasicExecutionRole', () => {
    const stack = new Stack(new App(), 'S');
    const fn = functionWithOwnLogGroup(stack, 'Fn', { ...FUNCTION_DEFAULTS, ...FUNCTION_RUNTIME, code });
    acknowledgeSynchronousFunction(fn, INVOKED_BY_STEP_FUNCTIONS);
    const template = Template.fromStack(stack);
    const logGroupId = Object.keys(template.findResources('AWS::Logs::LogGroup'))[0]!;
    expect(logGroupId).toMatch(/^FnLogGroup/);

    template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: logGroupId } } });
    const roles = Object.values(template.findResources('AWS::IAM::Role'));
    expect(roles).toHaveLength(1);
    expect(JSON.stringify(roles[0])).not.toContain('AWSLambdaBasicExecutionRole');
    expect(roles[0]!.Properties.ManagedPolicyArns ?? []).toEqual([]);

    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string[]; Resource: unknown }[]);
    const logStatements = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('logs:')));
    expect(logStatements).toEqual([
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] } },
    ]);
  });

  it('acknowledges AwsSolutions-IAM4 only where the managed policy really is, with a reason that says what it allows', () => {
    const stack = new Stack(new App(), 'S');
    const scoped = functionWithOwnLogGroup(stack, 'Scoped', { ...FUNCTION_DEFAULTS, ...FUNCTION_RUNTIME, code });
    const plain = new lambda.Function(stack, 'Plain', { ...FUNCTION_DEFAULTS, ...FUNCTION_RUNTIME, code });
    acknowledgeSynchronousFunction(scoped, INVOKED_BY_STEP_FUNCTIONS);
    acknowledgeSynchronousFunction(plain, INVOKED_BY_STEP_FUNCTIONS);

    const scopedRules = Object.keys(acknowledgedRules(scoped, scoped.role as never)).map((id) => id.replace(/^annotation::/i, '').split('[')[0]);
    expect(scopedRules.sort()).toEqual(['AwsSolutions-IAM5', 'Serverless-LambdaDLQ']);
    const plainIam4 = Object.entries(acknowledgedRules(plain.role as never)).find(([id]) => id.includes('AwsSolutions-IAM4'));
    expect(plainIam4?.[1]).toMatch(/every log group of the account \(Resource \*\)/);
    expect(plainIam4?.[1]).not.toMatch(/only its own/);
  });

  it('uses a given log group and role instead of creating them', () => {
    const stack = new Stack(new App(), 'S');
    const first = functionWithOwnLogGroup(stack, 'First', { ...FUNCTION_DEFAULTS, ...FUNCTION_RUNTIME, code });
    functionWithOwnLogGroup(stack, 'Second', { ...FUNCTION_DEFAULTS, ...FUNCTION_RUNTIME, code, role: first.role! });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.resourceCountIs('AWS::Logs::LogGroup', 2);
  });
});

describe('tableRetention', () => {
  // CloudFormation cannot delete a table with DeletionProtectionEnabled (DynamoDB Developer
  // Guide, "Using deletion protection"), so DESTROY with protection on makes `cdk destroy` fail.
  it('retains and protects by default', () => {
    expect(tableRetention('S/T', {})).toEqual({ removalPolicy: RemovalPolicy.RETAIN, deletionProtection: true });
  });

  it('turns deletion protection off with RemovalPolicy.DESTROY unless it is set', () => {
    expect(tableRetention('S/T', { removalPolicy: RemovalPolicy.DESTROY })).toEqual({ removalPolicy: RemovalPolicy.DESTROY, deletionProtection: false });
    expect(tableRetention('S/T', { removalPolicy: RemovalPolicy.DESTROY, deletionProtection: false }).deletionProtection).toBe(false);
    expect(tableRetention('S/T', { removalPolicy: RemovalPolicy.RETAIN, deletionProtection: false }).deletionProtection).toBe(false);
  });

  it('refuses DESTROY together with deletionProtection: true, naming both props', () => {
    expect(() => tableRetention('S/T', { removalPolicy: RemovalPolicy.DESTROY, deletionProtection: true })).toThrow(
      /S\/T: removalPolicy destroy .*deletionProtection: true/,
    );
  });
});
