import { describe, expect, it } from 'vitest';
import type { AssemblyStack, CfnTemplate, CloudAssembly, TemplateResource } from '@order-flow/local/cloudformation';
import { AssemblyResolver, DEFAULT_ENVIRONMENT, ParameterNotFoundError } from '@order-flow/local/cloudformation';

function stackOf(stackName: string, template: CfnTemplate, dependencies: string[] = []): AssemblyStack {
  const resources = new Map<string, TemplateResource>(
    Object.entries(template.Resources ?? {}).map(([logicalId, r]) => [
      logicalId,
      { logicalId, type: r.Type, properties: r.Properties ?? {}, path: `${stackName}/${logicalId}/Resource`, ...(r.Condition && { condition: r.Condition }) },
    ]),
  );
  return { artifactId: stackName, stackName, template, resources, assets: new Map(), assemblyDir: '/nowhere', dependencies };
}

const ALIAS_PARAMETER = '/order-flow/orders/payment/live-alias-arn';
/** A step stack publishing its alias ARN and a list, as `StepReference` synthesizes it. */
const publisher = (extra: Record<string, unknown> = {}) =>
  stackOf('Step', {
    Resources: {
      Fn: { Type: 'AWS::Lambda::Function', Properties: {} },
      Alias: { Type: 'AWS::Lambda::Alias', Properties: { FunctionName: { Ref: 'Fn' }, Name: 'live', FunctionVersion: '1' } },
      AliasArn: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Name: ALIAS_PARAMETER, Value: { Ref: 'Alias' } } },
      Skus: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'StringList', Name: '/order-flow/orders/payment/skus', Value: 'A,B' } },
      ...extra,
    },
  });
/** The workflow stack reading them through SSM-typed template parameters, as valueForStringParameter writes them. */
const reader = (dependencies: string[], parameters: Record<string, { Type: string; Default: string }> = {}) =>
  stackOf(
    'Workflow',
    {
      Parameters: {
        AliasParam: { Type: 'AWS::SSM::Parameter::Value<String>', Default: ALIAS_PARAMETER },
        SkusParam: { Type: 'AWS::SSM::Parameter::Value<List<String>>', Default: '/order-flow/orders/payment/skus' },
        BootstrapVersion: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/cdk-bootstrap/hnb659fds/version' },
        ...parameters,
      },
      Resources: { Machine: { Type: 'AWS::StepFunctions::StateMachine', Properties: { StateMachineName: 'flow' } } },
    },
    dependencies,
  );
const resolverOf = (...stacks: AssemblyStack[]) => new AssemblyResolver({ directory: '/nowhere', stacks } satisfies CloudAssembly, DEFAULT_ENVIRONMENT, () => 'RANDOM');

describe('SSM parameters between stacks (weak references)', () => {
  it('publishes AWS::SSM::Parameter resources when their stack starts, and resolves SSM-typed template parameters from them', () => {
    const step = publisher();
    const workflow = reader(['Step']);
    // The reader is listed first: dependency order, not manifest order, decides who starts first.
    const resolver = resolverOf(workflow, step);
    expect(resolver.startStacks().map((s) => s.stackName)).toEqual(['Step', 'Workflow']);
    const aliasArn = resolver.refOf(step, 'Alias');
    expect(aliasArn).toMatch(/^arn:aws:lambda:us-east-1:000000000000:function:Step-Fn-RANDOM:live$/);
    expect(resolver.parameters.get(ALIAS_PARAMETER)).toEqual({
      name: ALIAS_PARAMETER,
      value: aliasArn,
      type: 'String',
      publishedBy: { stackName: 'Step', logicalId: 'AliasArn', path: 'Step/AliasArn/Resource' },
    });
    expect(resolver.resolve(workflow, { Ref: 'AliasParam' })).toBe(aliasArn);
    expect(resolver.resolve(workflow, { Ref: 'SkusParam' })).toEqual(['A', 'B']);
    // The parameter resource itself: Ref is its name, Value and Type are attributes.
    expect(resolver.resolve(step, { Ref: 'AliasArn' })).toBe(ALIAS_PARAMETER);
    expect(resolver.resolve(step, { 'Fn::GetAtt': ['Skus', 'Value'] })).toBe('A,B');
  });

  it('answers the CDK bootstrap version parameter (the local environment counts as bootstrapped)', () => {
    const workflow = reader(['Step']);
    const resolver = resolverOf(publisher(), workflow);
    expect(Number(resolver.resolve(workflow, { Ref: 'BootstrapVersion' }))).toBeGreaterThanOrEqual(6);
  });

  it('resolves lazily too: reading a parameter before startStacks starts the stacks first', () => {
    const step = publisher();
    const workflow = reader(['Step']);
    const resolver = resolverOf(step, workflow);
    expect(resolver.resolve(workflow, { Ref: 'AliasParam' })).toBe(resolver.refOf(step, 'Alias'));
  });

  it('a parameter nobody publishes: names the template parameter, the reading stack and the SSM name', () => {
    const workflow = reader([], { Missing: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/order-flow/orders/shipping/live-alias-arn' } });
    const resolver = resolverOf(publisher(), workflow);
    const start = () => resolver.startStacks();
    expect(start).toThrow(ParameterNotFoundError);
    expect(start).toThrow(
      "Stack Workflow reads SSM parameter '/order-flow/orders/shipping/live-alias-arn' (template parameter Missing) at deploy, but it does not exist: " +
        "no stack of the assembly publishes it (an AWS::SSM::Parameter with Name '/order-flow/orders/shipping/live-alias-arn'); deploy the stack that does first",
    );
  });

  it('a publisher that starts after its reader: names the publishing stack and the dependency to declare', () => {
    // No dependency declared and the reader first in the manifest: on AWS its deploy would fail the same way.
    const resolver = resolverOf(reader([]), publisher());
    expect(() => resolver.startStacks()).toThrow(
      /Stack Workflow reads SSM parameter '\/order-flow\/orders\/payment\/live-alias-arn' \(template parameter AliasParam\) at deploy, but it does not exist yet: stack Step publishes it \(Step\/AliasArn\/Resource\) but starts later; make Workflow depend on Step/,
    );
  });

  it('a publisher whose Condition is false: says so', () => {
    const step = stackOf('Step', {
      Parameters: { Stage: { Type: 'String', Default: 'dev' } },
      Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] } },
      Resources: {
        AliasArn: { Type: 'AWS::SSM::Parameter', Condition: 'IsProd', Properties: { Type: 'String', Name: ALIAS_PARAMETER, Value: 'arn' } },
        Skus: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'StringList', Name: '/order-flow/orders/payment/skus', Value: 'A' } },
      },
    });
    const resolver = resolverOf(step, reader(['Step']));
    expect(() => resolver.startStacks()).toThrow(/stack Step publishes it \(Step\/AliasArn\/Resource\) only when its Condition IsProd holds, and it does not/);
  });

  it('an ordinary String parameter still resolves to its Default (negative control: only SSM types read the store)', () => {
    const workflow = reader(['Step'], { Plain: { Type: 'String', Default: ALIAS_PARAMETER } });
    const resolver = resolverOf(publisher(), workflow);
    expect(resolver.resolve(workflow, { Ref: 'Plain' })).toBe(ALIAS_PARAMETER);
  });
});
