import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { API_BUNDLE_DIR, DEFAULT_BUNDLE_DIR } from '../../src/bundle.js';
import { InventoryStep } from '../../src/index.js';

// Needs both bundles: run `pnpm build` in this package first.
function synth() {
  const app = new App();
  const stack = new Stack(app, 'ApiStack');
  const step = new InventoryStep(stack, 'Inventory');
  const api = new apigwv2.HttpApi(stack, 'AdminApi', { defaultAuthorizer: new HttpIamAuthorizer() });
  return { app, stack, step, api };
}

function statementsOf(template: Template, fn: lambda.Function, stack: Stack): unknown[] {
  const roleRef = { Ref: stack.getLogicalId(fn.role!.node.defaultChild as iam.CfnRole) };
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as {
    Properties: { Roles: unknown[]; PolicyDocument: { Statement: unknown[] } };
  }[];
  return policies
    .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([roleRef]))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
    // Active tracing's X-Ray statement is asserted by the step's construct test.
    .filter((statement) => !JSON.stringify(statement).includes('xray:'));
}

describe('InventoryStep.addApiRoutes', () => {
  it('adds GET and PUT /inventory/{sku} routes integrated with one api function', () => {
    const { stack, step, api } = synth();

    const routes = step.addApiRoutes(api);
    const template = Template.fromStack(stack);

    expect(routes.map((route) => route.path)).toEqual(['/inventory/{sku}', '/inventory/{sku}']);
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 2);
    for (const method of ['GET', 'PUT']) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: `${method} /inventory/{sku}`,
        AuthorizationType: 'AWS_IAM',
        Target: Match.anyValue(),
      });
    }
    template.resourceCountIs('AWS::ApiGatewayV2::Integration', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: stack.resolve(step.apiFunction!.functionArn),
    });
  });

  it("creates the api function on the first route, with the kit's defaults, the step's tracing and its own service name", () => {
    const { stack, step, api } = synth();

    expect(step.apiFunction).toBeUndefined();
    step.addApiRoutes(api);
    const template = Template.fromStack(stack);

    template.resourceCountIs('AWS::Lambda::Function', 2);
    // The defaults (runtime, architecture, memory, timeout, logging) are asserted in @order-flow/construct-kit.
    template.hasResourceProperties('AWS::Lambda::Function', {
      TracingConfig: { Mode: 'Active' },
      Environment: {
        Variables: { INVENTORY_TABLE_NAME: stack.resolve(step.table.tableName), POWERTOOLS_SERVICE_NAME: 'inventory-api' },
      },
    });
    const traced = new Stack(new App(), 'Traced');
    const passThrough = new InventoryStep(traced, 'Inventory', { functionProps: { tracing: lambda.Tracing.PASS_THROUGH } });
    passThrough.addApiRoutes(new apigwv2.HttpApi(traced, 'Api'));
    const modes = Object.values(Template.fromStack(traced).findResources('AWS::Lambda::Function')).map((fn) => (fn.Properties as { TracingConfig: unknown }).TracingConfig);
    expect(modes).toEqual([{ Mode: 'PassThrough' }, { Mode: 'PassThrough' }]);
  });

  it('grants the api function only GetItem and PutItem on the inventory table', () => {
    const { stack, step, api } = synth();

    step.addApiRoutes(api);
    const template = Template.fromStack(stack);

    const apiLogGroup = step.node.findChild('ApiFunctionLogGroup') as logs.LogGroup;
    expect(statementsOf(template, step.apiFunction!, stack)).toEqual([
      // Its own log group only (not the step function's, and no AWSLambdaBasicExecutionRole).
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: stack.resolve(apiLogGroup.logGroupArn) },
      { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: stack.resolve(step.table.tableArn) },
    ]);
    // The step function keeps its own grant, unchanged.
    expect(statementsOf(template, step.function, stack)).toEqual([
      expect.objectContaining({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] }),
      expect.objectContaining({ Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] }),
    ]);
  });

  it('ships the dist/lambda-api bundle, not the step bundle', () => {
    const { app, stack, step, api } = synth();

    step.addApiRoutes(api);
    const assembly = app.synth();
    const template = Template.fromStack(stack);

    const fnId = stack.getLogicalId(step.apiFunction!.node.defaultChild as lambda.CfnFunction);
    const s3Key = template.toJSON().Resources[fnId].Properties.Code.S3Key as string;
    const staged = readFileSync(join(assembly.directory, `asset.${s3Key.replace(/\.zip$/, '')}`, 'index.mjs'), 'utf8');
    expect(staged).toBe(readFileSync(join(API_BUNDLE_DIR, 'index.mjs'), 'utf8'));
    expect(staged).not.toBe(readFileSync(join(DEFAULT_BUNDLE_DIR, 'index.mjs'), 'utf8'));
  });

  it('creates the api function once when routes are added to two APIs', () => {
    const { stack, step, api } = synth();
    const other = new apigwv2.HttpApi(stack, 'OtherApi');

    step.addApiRoutes(api);
    const first = step.apiFunction;
    step.addApiRoutes(other);
    const template = Template.fromStack(stack);

    expect(step.apiFunction).toBe(first);
    template.resourceCountIs('AWS::Lambda::Function', 2);
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 4);
    template.resourceCountIs('AWS::ApiGatewayV2::Integration', 2);
  });

  it('uses the given authorizer instead of the API default', () => {
    const { stack, step, api } = synth();
    const authFn = new lambda.Function(stack, 'AuthFn', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({ isAuthorized: true });'),
    });

    step.addApiRoutes(api, { authorizer: new HttpLambdaAuthorizer('AdminAuthorizer', authFn) });
    const template = Template.fromStack(stack);

    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    for (const method of ['GET', 'PUT']) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: `${method} /inventory/{sku}`,
        AuthorizationType: 'CUSTOM',
        AuthorizerId: Match.anyValue(),
      });
    }
  });

  it('passes a user-supplied table name to the api function and grants on that table', () => {
    const stack = new Stack(new App(), 'Byo');
    const table = dynamodb.TableV2.fromTableName(stack, 'Existing', 'my-stock-table');
    const step = new InventoryStep(stack, 'Inventory', { table });
    const api = new apigwv2.HttpApi(stack, 'Api');

    step.addApiRoutes(api);
    const template = Template.fromStack(stack);

    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { INVENTORY_TABLE_NAME: 'my-stock-table', POWERTOOLS_SERVICE_NAME: 'inventory-api' } },
    });
    expect(statementsOf(template, step.apiFunction!, stack)).toEqual([
      expect.objectContaining({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] }),
      expect.objectContaining({ Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: stack.resolve(table.tableArn) }),
    ]);
  });
});
