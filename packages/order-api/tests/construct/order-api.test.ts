import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { beforeAll, describe, expect, it } from 'vitest';
import { OrderApi, type OrderApiProps } from '../../src/index.js';

function stackWith(props: Partial<OrderApiProps> = {}) {
  const stack = new Stack(new App(), 'TestStack', { env: { account: '123456789012', region: 'eu-west-1' } });
  const ordersTable = new dynamodb.TableV2(stack, 'Orders', { partitionKey: { name: 'orderId', type: dynamodb.AttributeType.STRING } });
  const stateMachine = new sfn.StateMachine(stack, 'Workflow', {
    definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Start')),
  });
  const api = new OrderApi(stack, 'OrderApi', { stateMachine, ordersTable, ...props });
  return { stack, api, ordersTable, stateMachine, template: () => Template.fromStack(stack) };
}

const tableLogicalId = (template: Template) => Object.keys(template.findResources('AWS::DynamoDB::GlobalTable'))[0]!;
const machineLogicalId = (template: Template) => Object.keys(template.findResources('AWS::StepFunctions::StateMachine'))[0]!;
const logGroupLogicalId = (template: Template) => Object.keys(template.findResources('AWS::Logs::LogGroup')).find((id) => id.includes('FunctionLogGroup'))!;

// Synthesizing loads aws-cdk-lib and hashes the bundle: do it once for the default-props tests.
let defaults: Template;
beforeAll(() => {
  defaults = stackWith().template();
}, 60_000);

describe('OrderApi', () => {
  it('creates an HTTP API whose two routes require IAM (SigV4) and reach the function with payload 2.0', () => {
    const template = defaults;

    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 2);
    for (const routeKey of ['POST /orders', 'GET /orders/{orderId}']) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: routeKey, AuthorizationType: 'AWS_IAM' });
    }
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
    });
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
  });

  it('deploys one $default stage with throttling and JSON access logs kept a month', () => {
    const template = defaults;

    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('AccessLogs'), 'Arn'] },
        Format: Match.anyValue(),
      },
    });
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0]!;
    const format = JSON.parse(stage.Properties.AccessLogSettings.Format as string);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      routeKey: '$context.routeKey',
      status: '$context.status',
      latency: '$context.responseLatency',
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('applies the given throttling and access log retention', () => {
    const template = stackWith({
      throttle: { rateLimit: 5 },
      accessLogRetention: logs.RetentionDays.ONE_YEAR,
    }).template();

    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 100 },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  // The function's defaults (runtime, architecture, memory, timeout, logging) are asserted in @order-flow/construct-kit.
  it('runs the prebuilt bundle with the table, state machine and service name in its environment', () => {
    const template = defaults;

    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          ORDERS_TABLE_NAME: { Ref: tableLogicalId(template) },
          STATE_MACHINE_ARN: { Ref: machineLogicalId(template) },
          POWERTOOLS_SERVICE_NAME: 'order-api',
        },
      },
    });
  });

  it('grants the function only its own log group, GetItem/PutItem/UpdateItem on the orders table and StartExecution on the state machine', () => {
    const template = defaults;

    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify(policy.Properties.Roles).includes('OrderApiFunction'),
    );
    expect(policies).toHaveLength(1);
    const role = Object.values(template.findResources('AWS::IAM::Role')).find((r) => JSON.stringify(r).includes('lambda.amazonaws.com'))!;
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(policies[0]!.Properties.PolicyDocument.Statement).toEqual([
      // Active tracing; X-Ray has no resource-level permissions.
      { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' },
      // Its own log group only: no AWSLambdaBasicExecutionRole (every log group of the account).
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [logGroupLogicalId(template), 'Arn'] } },
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: { 'Fn::GetAtt': [tableLogicalId(template), 'Arn'] },
      },
      { Effect: 'Allow', Action: 'states:StartExecution', Resource: { Ref: machineLogicalId(template) } },
    ]);
  });

  it('lets functionProps tune the function but not replace what the construct owns', () => {
    const template = stackWith({
      functionProps: { memorySize: 512, environment: { EXTRA: '1', ORDERS_TABLE_NAME: 'elsewhere' } },
    }).template();

    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 512,
      Runtime: 'nodejs24.x',
      Environment: {
        Variables: Match.objectLike({ EXTRA: '1', ORDERS_TABLE_NAME: { Ref: tableLogicalId(template) } }),
      },
    });
  });

  it('uses a JWT authorizer on every route when asked', () => {
    const { api, template } = stackWith({
      authorization: { jwtIssuer: 'https://issuer.example.com', jwtAudience: ['order-clients'] },
    });
    const synthesized = template();

    synthesized.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: 'https://issuer.example.com', Audience: ['order-clients'] },
    });
    const routes = Object.values(synthesized.findResources('AWS::ApiGatewayV2::Route'));
    expect(routes).toHaveLength(2);
    for (const route of routes) expect(route.Properties.AuthorizationType).toBe('JWT');
    expect(() => api.grantInvokeApi(new iam.AccountRootPrincipal())).toThrow(/needs authorization 'iam'/);
  });

  it('grantInvokeApi allows execute-api:Invoke on exactly the two routes', () => {
    const { stack, api, template } = stackWith();
    const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });

    api.grantInvokeApi(caller);

    const statements = Object.values(template().findResources('AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties.Roles).includes('Caller'))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>);
    expect(statements).toHaveLength(1);
    expect(statements[0]!.Action).toBe('execute-api:Invoke');
    const resources = JSON.stringify(stack.resolve(statements[0]!.Resource));
    expect(resources).toContain('/*/POST/orders');
    expect(resources).toContain('/*/GET/orders/*');
    expect(statements[0]!.Resource).toHaveLength(2);
  });

  it('exposes the stage URL', () => {
    const { stack, api } = stackWith();
    expect(JSON.stringify(stack.resolve(api.url))).toContain('execute-api');
    expect(api.httpApi.defaultStage).toBeUndefined();
  });
});

describe('OrderApi security defaults', () => {
  it('traces the function with X-Ray unless functionProps says otherwise', () => {
    const { stack } = stackWith();
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { TracingConfig: { Mode: 'Active' } });
    const { stack: dev } = stackWith({ functionProps: { tracing: lambda.Tracing.PASS_THROUGH } });
    Template.fromStack(dev).hasResourceProperties('AWS::Lambda::Function', { TracingConfig: { Mode: 'PassThrough' } });
  });
});
