import { describe, expect, it } from 'vitest';
import type { AssemblyStack, CfnTemplate, CloudAssembly, TemplateResource } from '@order-flow/local/cloudformation';
import { UnresolvableError } from '@order-flow/local/cloudformation';
import { AssemblyResolver, DEFAULT_ENVIRONMENT } from '@order-flow/local/cloudformation';

function stackOf(stackName: string, template: CfnTemplate): AssemblyStack {
  const resources = new Map<string, TemplateResource>(
    Object.entries(template.Resources ?? {}).map(([logicalId, r]) => [
      logicalId,
      { logicalId, type: r.Type, properties: r.Properties ?? {}, ...(r.Condition && { condition: r.Condition }) },
    ]),
  );
  return { artifactId: stackName, stackName, template, resources, assets: new Map(), assemblyDir: '/nowhere' };
}

const producer = stackOf('Producer', {
  Parameters: { Stage: { Type: 'String', Default: 'dev' } },
  Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] }, NotProd: { 'Fn::Not': [{ Condition: 'IsProd' }] } },
  Mappings: { Sizes: { dev: { Memory: 128 } } },
  Resources: {
    Table: { Type: 'AWS::DynamoDB::GlobalTable', Properties: {} },
    Named: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: { 'Fn::Join': ['-', ['orders', { Ref: 'Stage' }]] } } },
    Fn: { Type: 'AWS::Lambda::Function', Properties: {} },
    Version: { Type: 'AWS::Lambda::Version', Properties: { FunctionName: { Ref: 'Fn' } } },
    Alias: { Type: 'AWS::Lambda::Alias', Properties: { FunctionName: { Ref: 'Fn' }, Name: 'live', FunctionVersion: '1' } },
    Machine: { Type: 'AWS::StepFunctions::StateMachine', Properties: { StateMachineName: 'flow' } },
    Role: { Type: 'AWS::IAM::Role', Properties: {} },
    ProdOnly: { Type: 'AWS::SQS::Queue', Condition: 'IsProd', Properties: {} },
    Gadget: { Type: 'Custom::Gadget', Properties: {} },
  },
  Outputs: {
    TableName: { Value: { Ref: 'Table' }, Export: { Name: { 'Fn::Sub': '${AWS::StackName}:TableName' } } },
    Prod: { Value: 'yes', Condition: 'IsProd' },
  },
});
const consumer = stackOf('Consumer', {
  Outputs: { Imported: { Value: { 'Fn::ImportValue': 'Producer:TableName' } } },
});
const assembly: CloudAssembly = { directory: '/nowhere', stacks: [producer, consumer] };

describe('intrinsic functions and physical ids', () => {
  let counter = 0;
  const resolver = new AssemblyResolver(assembly, DEFAULT_ENVIRONMENT, () => `R${++counter}`.padEnd(6, 'X'));
  const resolve = (value: unknown) => resolver.resolve(producer, value);
  const tableName = () => resolver.physicalName(producer, 'Table');

  it('generates <stack>-<logicalId>-<6 chars> once per resource and keeps it', () => {
    expect(tableName()).toMatch(/^Producer-Table-R\dXXXX$/);
    expect(resolve({ Ref: 'Table' })).toBe(tableName());
  });

  it('uses a resource name property when the template sets one', () => {
    expect(resolve({ Ref: 'Named' })).toBe('orders-dev');
  });

  it('resolves pseudo parameters and parameter defaults', () => {
    expect(
      resolve({ 'Fn::Join': ['|', [{ Ref: 'AWS::Region' }, { Ref: 'AWS::AccountId' }, { Ref: 'AWS::Partition' }, { Ref: 'AWS::URLSuffix' }, { Ref: 'AWS::StackName' }, { Ref: 'Stage' }]] }),
    ).toBe('us-east-1|000000000000|aws|amazonaws.com|Producer|dev');
    expect(resolve({ Ref: 'AWS::StackId' })).toMatch(/^arn:aws:cloudformation:us-east-1:000000000000:stack\/Producer\//);
  });

  it('honours a custom region and account', () => {
    const other = new AssemblyResolver(assembly, { ...DEFAULT_ENVIRONMENT, region: 'eu-west-1', accountId: '123456789012' });
    expect(other.resolve(producer, { 'Fn::GetAtt': ['Named', 'Arn'] })).toBe('arn:aws:dynamodb:eu-west-1:123456789012:table/orders-dev');
  });

  it('resolves GetAtt per resource type (both syntaxes)', () => {
    expect(resolve({ 'Fn::GetAtt': ['Table', 'Arn'] })).toBe(`arn:aws:dynamodb:us-east-1:000000000000:table/${tableName()}`);
    expect(resolve({ 'Fn::GetAtt': 'Table.StreamArn' })).toMatch(new RegExp(`^arn:aws:dynamodb:us-east-1:000000000000:table/${tableName()}/stream/`));
    const fnName = resolver.physicalName(producer, 'Fn');
    expect(resolve({ 'Fn::GetAtt': ['Fn', 'Arn'] })).toBe(`arn:aws:lambda:us-east-1:000000000000:function:${fnName}`);
    expect(resolve({ Ref: 'Machine' })).toBe('arn:aws:states:us-east-1:000000000000:stateMachine:flow');
    expect(resolve({ 'Fn::GetAtt': ['Machine', 'Name'] })).toBe('flow');
    expect(resolve({ 'Fn::GetAtt': ['Role', 'Arn'] })).toMatch(/^arn:aws:iam::000000000000:role\/Producer-Role-/);
  });

  it('gives Lambda versions and aliases qualified ARNs', () => {
    const fnArn = resolve({ 'Fn::GetAtt': ['Fn', 'Arn'] }) as string;
    expect(resolve({ Ref: 'Version' })).toBe(`${fnArn}:1`);
    expect(resolve({ 'Fn::GetAtt': ['Version', 'Version'] })).toBe('1');
    expect(resolve({ Ref: 'Alias' })).toBe(`${fnArn}:live`);
  });

  it('resolves Fn::Sub in both forms, with attributes and escapes', () => {
    expect(resolve({ 'Fn::Sub': 'arn:${AWS::Partition}:x:${AWS::Region}:${Table}/${Table.Arn}/${!Literal}' })).toBe(
      `arn:aws:x:us-east-1:${tableName()}/arn:aws:dynamodb:us-east-1:000000000000:table/${tableName()}/\${Literal}`,
    );
    expect(resolve({ 'Fn::Sub': ['${Prefix}-${AWS::AccountId}', { Prefix: { Ref: 'Stage' } }] })).toBe('dev-000000000000');
  });

  it('resolves Fn::Select, Fn::Split, Fn::If, conditions, Fn::FindInMap and AWS::NoValue', () => {
    expect(resolve({ 'Fn::Select': [1, { 'Fn::Split': [',', 'a,b,c'] }] })).toBe('b');
    expect(resolve({ 'Fn::Select': ['0', ['x', 'y']] })).toBe('x');
    expect(resolve({ 'Fn::If': ['IsProd', 'big', 'small'] })).toBe('small');
    expect(resolve({ 'Fn::If': ['NotProd', 'on', 'off'] })).toBe('on');
    expect(resolve({ 'Fn::FindInMap': ['Sizes', { Ref: 'Stage' }, 'Memory'] })).toBe(128);
    expect(resolve({ keep: 1, drop: { Ref: 'AWS::NoValue' }, list: ['a', { 'Fn::If': ['IsProd', 'b', { Ref: 'AWS::NoValue' }] }] })).toEqual({ keep: 1, list: ['a'] });
  });

  it('resolves Fn::ImportValue through another stack’s exported output', () => {
    expect(resolver.resolve(consumer, { 'Fn::ImportValue': 'Producer:TableName' })).toBe(tableName());
    expect(resolver.outputs(consumer)).toEqual({ Imported: tableName() });
  });

  it('leaves out outputs and resources whose Condition is false', () => {
    expect(resolver.outputs(producer)).toEqual({ TableName: tableName() });
    expect(resolver.isActive(producer, producer.resources.get('ProdOnly')!)).toBe(false);
  });

  it('gives unknown resource types a generated id and plausible ARN', () => {
    expect(resolve({ Ref: 'Gadget' })).toMatch(/^Producer-Gadget-/);
    expect(resolve({ 'Fn::GetAtt': ['Gadget', 'Arn'] })).toMatch(/^arn:aws:gadget:us-east-1:000000000000:/);
  });

  it('fails clearly on what it cannot resolve', () => {
    expect(() => resolve({ Ref: 'Missing' })).toThrow(new UnresolvableError("No resource or parameter 'Missing' in stack Producer"));
    expect(() => resolve({ 'Fn::ImportValue': 'Nope' })).toThrow(/no stack in the assembly exports that name/);
    expect(() => resolve({ 'Fn::GetAtt': ['Table', 'Bogus'] })).toThrow(/knows these attributes of AWS::DynamoDB::GlobalTable: Arn, StreamArn/);
    expect(() => resolve({ 'Fn::Select': [5, ['a']] })).toThrow(/out of range/);
    expect(() => resolve({ 'Fn::Cidr': ['10.0.0.0/16', 2, 8] })).toThrow(/not supported/);
  });
});
