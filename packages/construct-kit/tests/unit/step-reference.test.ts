import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { lookupStep, StepReference, stepParameterName } from '../../src/index.js';

describe('step references through SSM parameters', () => {
  it('names parameters /order-flow/<app>/<step>/<key>', () => {
    expect(stepParameterName({ app: 'orders', step: 'order-status' }, 'live-alias-arn')).toBe('/order-flow/orders/order-status/live-alias-arn');
  });

  it.each([
    [{ app: 'Orders', step: 'payment' }, 'table-arn', /app 'Orders'/],
    [{ app: 'orders', step: 'pay/ment' }, 'table-arn', /step 'pay\/ment'/],
    [{ app: 'orders', step: 'payment' }, '', /key ''/],
  ])('refuses a bad segment, naming the field and the rule: %o %s', (location, key, field) => {
    expect(() => stepParameterName(location, key)).toThrow(field);
    expect(() => stepParameterName(location, key)).toThrow(/lower-case letters, digits and dashes, starting with a letter/);
  });

  it('publishes one String parameter per key, and a lookup is a deploy-time SSM template parameter', () => {
    const app = new App();
    const producer = new Stack(app, 'Producer');
    new StepReference(producer, 'Reference', { app: 'orders', step: 'payment', values: { 'table-name': 'payments' } });
    const consumer = new Stack(app, 'Consumer');
    const step = lookupStep(consumer, { app: 'orders', step: 'payment' });
    const role = new iam.Role(consumer, 'Role', { assumedBy: new iam.ServicePrincipal('states.amazonaws.com') });
    step.alias.grantInvoke(role);
    Template.fromStack(producer).hasResourceProperties('AWS::SSM::Parameter', { Name: '/order-flow/orders/payment/table-name', Type: 'String', Value: 'payments' });
    const template = Template.fromStack(consumer).toJSON() as { Parameters: Record<string, { Type: string; Default: string }>; Resources: Record<string, { Type: string; Properties: { PolicyDocument?: { Statement: { Resource: unknown }[] } } }> };
    const [aliasParameter] = Object.entries(template.Parameters).find(([, p]) => p.Default === '/order-flow/orders/payment/live-alias-arn')!;
    expect(template.Parameters[aliasParameter]!.Type).toBe('AWS::SSM::Parameter::Value<String>');
    // The alias ARN alone, as lambda.Alias grants: no `<arn>:*` wildcard.
    const policy = Object.values(template.Resources).find((r) => r.Type === 'AWS::IAM::Policy')!;
    expect(policy.Properties.PolicyDocument!.Statement.map((s) => s.Resource)).toEqual([{ Ref: aliasParameter }]);
  });

  it('needs at least one value', () => {
    expect(() => new StepReference(new Stack(new App(), 'S'), 'Reference', { app: 'orders', step: 'payment', values: {} })).toThrow(/at least one entry in values/);
  });
});
