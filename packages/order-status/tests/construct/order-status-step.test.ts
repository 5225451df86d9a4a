import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { stepSkeletonOf } from '@order-flow/construct-kit';
import { assertUsesBroughtTable, jitteredRetrier } from '@order-flow/construct-kit/testing';
import { ErrorName, FailureReason } from '@order-flow/contracts';
import { describe, expect, it } from 'vitest';
import { OrderStatusStep } from '../../src/index.js';

function newStack() {
  return new Stack(new App(), 'TestStack', { env: { account: '123456789012', region: 'us-east-1' } });
}

/** The parts of a rendered Task state these tests read. */
interface TaskStateJson {
  Parameters: { FunctionName: unknown; Payload: Record<string, unknown> };
  ResultSelector: Record<string, unknown>;
  ResultPath?: string;
  Retry: Array<{ ErrorEquals: string[] }>;
}

function tableLogicalId(template: Template): string {
  return Object.keys(template.findResources('AWS::DynamoDB::GlobalTable'))[0]!;
}

describe('OrderStatusStep resources', () => {
  it("is built on construct-kit's step skeleton, whose defaults are asserted there", () => {
    const step = new OrderStatusStep(newStack(), 'OrderStatus');
    expect(stepSkeletonOf(step)).toEqual({ table: step.table, function: step.function, alias: step.alias, alarms: step.alarms, deployment: step.deployment });
  });

  it('keys the orders table by orderId, with no index (nothing queries one)', () => {
    const stack = newStack();
    new OrderStatusStep(stack, 'OrderStatus');
    const template = Template.fromStack(stack);

    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
      // An index costs a write per order write; one comes back with its first reader.
      GlobalSecondaryIndexes: Match.absent(),
    });
  });

  it('gives the function the table name in ORDERS_TABLE_NAME and its service name', () => {
    const stack = newStack();
    new OrderStatusStep(stack, 'OrderStatus');
    const template = Template.fromStack(stack);

    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: { ORDERS_TABLE_NAME: { Ref: tableLogicalId(template) }, POWERTOOLS_SERVICE_NAME: 'order-status' },
      },
    });
  });

  it('grants the function only GetItem, PutItem and UpdateItem on its own table', () => {
    const stack = newStack();
    new OrderStatusStep(stack, 'OrderStatus');
    const template = Template.fromStack(stack);
    const tableArn = { 'Fn::GetAtt': [tableLogicalId(template), 'Arn'] };

    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    expect(policies).toHaveLength(1);
    // The X-Ray and own-log-group statements are the kit's (asserted in @order-flow/construct-kit).
    const statements = (policies[0]!.Properties.PolicyDocument.Statement as { Action: unknown }[]).filter((s) => !/"(xray|logs):/.test(JSON.stringify(s.Action)));
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        // The table alone (were an index added, item reads and writes would still not reach it).
        Resource: tableArn,
      },
    ]);
  });

  it('uses a user-supplied table: creates none and passes its name to the function', () => {
    const stack = newStack();
    const table = dynamodb.TableV2.fromTableName(stack, 'Existing', 'my-orders');
    const step = new OrderStatusStep(stack, 'OrderStatus', { table });
    const template = Template.fromStack(stack);

    expect(step.table).toBe(table);
    assertUsesBroughtTable(template, 'ORDERS_TABLE_NAME', 'my-orders');
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
            // Only the table itself: CDK knows of no indexes on an imported table.
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dynamodb:us-east-1:123456789012:table/my-orders']] },
          }),
        ]),
      },
    });
  });

  it('grants readers Get/BatchGet/Query and writers Put/Update, on the table (it has no index)', () => {
    const stack = newStack();
    const step = new OrderStatusStep(stack, 'OrderStatus');
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const writer = new iam.Role(stack, 'Writer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

    step.grantReadOrders(reader);
    step.grantWriteOrders(writer);
    const template = Template.fromStack(stack);
    const tableArn = { 'Fn::GetAtt': [tableLogicalId(template), 'Arn'] };
    const resources = tableArn;

    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Reader') }],
      PolicyDocument: {
        Statement: [{ Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'], Resource: resources }],
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Writer') }],
      PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], Resource: resources }] },
    });
  });
});

describe('OrderStatusStep tasks', () => {
  function taskJson(build: (step: OrderStatusStep) => { toStateJson(): object }) {
    const stack = newStack();
    const step = new OrderStatusStep(stack, 'OrderStatus');
    return { json: stack.resolve(build(step).toStateJson()) as TaskStateJson, step, stack };
  }

  /**
   * The ResultSelector of a status-changing task: orderId, status, the change's own `field` and
   * updatedAt, each read from the Lambda payload.
   */
  const statusChange = (field: string) => ({
    'orderId.$': '$.Payload.orderId',
    'status.$': '$.Payload.status',
    [`${field}.$`]: `$.Payload.${field}`,
    'updatedAt.$': '$.Payload.updatedAt',
  });

  const SERVICE_RETRY = expect.objectContaining({ ErrorEquals: expect.arrayContaining(['Lambda.ServiceException']) });
  // Throttling, a crashed or timed-out environment: safe to retry because every action is idempotent.
  const PLATFORM_RETRY = jitteredRetrier(['Lambda.TooManyRequestsException', 'Runtime.ExitError', 'Sandbox.Timedout'], 5);

  it('createTask sends the order and rebuilds the accepted order as the whole state', () => {
    const { json } = taskJson((step) => step.createTask());

    // The id of an order without one derives from these: the same on a Task retry, different per
    // state (AWS Step Functions Developer Guide, "Context object": Execution.Id, Execution.StartTime, State.Name).
    expect(json.Parameters.Payload).toEqual({
      action: 'create',
      'order.$': '$',
      orderIdSource: { 'execution.$': '$$.Execution.Id', 'startedAt.$': '$$.Execution.StartTime', 'state.$': '$$.State.Name' },
    });
    // Never the retry count or entered time: they change on a retry ("Retrying after an error").
    expect(JSON.stringify(json.Parameters.Payload)).not.toMatch(/RetryCount|EnteredTime/);
    expect(json.ResultSelector).toEqual({
      order: {
        'orderId.$': '$.Payload.orderId',
        'customerId.$': '$.Payload.customerId',
        'items.$': '$.Payload.items',
        'currency.$': '$.Payload.currency',
        payment: { 'token.$': '$.Payload.paymentToken' },
      },
    });
    // ResultPath '$': the state becomes { order }.
    expect(json.ResultPath).toBe('$');
    // Only the Lambda service exceptions: InvalidOrder / OrderConflict are never retried.
    expect(json.Retry).toEqual([SERVICE_RETRY, PLATFORM_RETRY]);
    expect(JSON.stringify(json.Retry)).not.toMatch(/InvalidOrder|OrderConflict|States\.ALL/);
  });

  it('createTask takes a custom id, order path, item key path and result path', () => {
    const { stack } = taskJson((step) => step.createTask('AcceptOrder', { orderPath: '$.request', itemKeyPath: '$.index', resultPath: '$.accepted' }));
    const task = stack.node.findAll().find((node) => node.node.id === 'AcceptOrder') as unknown as { toStateJson(): object };
    const json = stack.resolve(task.toStateJson()) as TaskStateJson;

    // Inside a Map the item index reaches the task through the Map's ItemSelector
    // ("ItemSelector (Map)"; "Context object": $$.Map.Item.Index), read at itemKeyPath.
    expect(json.Parameters.Payload).toEqual({
      action: 'create',
      'order.$': '$.request',
      orderIdSource: { 'execution.$': '$$.Execution.Id', 'startedAt.$': '$$.Execution.StartTime', 'state.$': '$$.State.Name', 'item.$': '$.index' },
    });
    expect(json.ResultPath).toBe('$.accepted');
  });

  it('confirmTask sends lines, total, paymentId and its state name; retries timeouts', () => {
    const { json } = taskJson((step) => step.confirmTask());

    expect(json.Parameters.Payload).toEqual({
      action: 'confirm',
      'orderId.$': '$.order.orderId',
      'lines.$': '$.reservation.lines',
      'total.$': '$.reservation.total',
      'paymentId.$': '$.payment.paymentId',
      'causedBy.$': '$$.State.Name',
    });
    expect(json.ResultSelector).toEqual(statusChange('total'));
    expect(json.ResultPath).toBe('$.confirmation');
    expect(json.Retry).toEqual([
      SERVICE_RETRY,
      PLATFORM_RETRY,
      jitteredRetrier(['States.Timeout'], 3, 10),
    ]);
  });

  it('failTask records reason, causedBy and the caught error, retrying until it succeeds', () => {
    const { json } = taskJson((step) => step.failTask('MarkOutOfStock', FailureReason.OUT_OF_STOCK, { causedBy: 'ReserveInventory' }));

    expect(json.Parameters.Payload).toEqual({
      action: 'fail',
      'orderId.$': '$.order.orderId',
      reason: 'OUT_OF_STOCK',
      causedBy: 'ReserveInventory',
      'error.$': '$.error',
    });
    expect(json.ResultSelector).toEqual(statusChange('reason'));
    expect(json.ResultPath).toBe('$.failure');
    expect(json.Retry).toEqual([
      // No service-exception or platform retrier on a compensation: the catch-all (10 attempts)
      // must be the first retrier to see those errors, or it would never be used for them.
      { ErrorEquals: [ErrorName.InvalidInput, ErrorName.OrderNotFound, ErrorName.IllegalTransition], MaxAttempts: 0 },
      jitteredRetrier(['States.ALL'], 10, 30),
    ]);
  });

  it('failTask honours custom paths, and two fail tasks can live side by side', () => {
    const stack = newStack();
    const step = new OrderStatusStep(stack, 'OrderStatus');
    const a = step.failTask('MarkPaymentDeclined', FailureReason.PAYMENT_DECLINED, {
      causedBy: 'ProcessPayment',
      orderIdPath: '$.id',
      errorPath: '$.paymentError',
      resultPath: '$.result',
    });
    const b = step.failTask('MarkInternalError', FailureReason.INTERNAL_ERROR, { causedBy: 'ConfirmOrder' });

    const json = stack.resolve(a.toStateJson()) as TaskStateJson;
    expect(json.Parameters.Payload).toMatchObject({ 'orderId.$': '$.id', 'error.$': '$.paymentError', reason: 'PAYMENT_DECLINED' });
    expect(json.ResultPath).toBe('$.result');
    expect(b.id).toBe('MarkInternalError');
  });

  it('invokes the step function through its live alias (a stable ARN across code changes)', () => {
    const { json, step, stack } = taskJson((s) => s.confirmTask());

    expect(json.Parameters.FunctionName).toEqual(stack.resolve(step.alias.functionArn));
    expect(step.alias.aliasName).toBe('live');
    expect(step.function).toBeInstanceOf(lambda.Function);
  });
});
