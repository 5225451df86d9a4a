import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { stepSkeletonOf } from '@order-flow/construct-kit';
import { assertStepRetries, assertUsesBroughtTable, jitteredRetrier } from '@order-flow/construct-kit/testing';
import { ErrorName } from '@order-flow/contracts';
import { describe, expect, it } from 'vitest';
import { InventoryStep } from '../../src/index.js';

// Needs the handler bundle: run `pnpm build` in this package first.
function synth(props: ConstructorParameters<typeof InventoryStep>[2] = {}) {
  const stack = new Stack(new App(), 'TestStack');
  const step = new InventoryStep(stack, 'Inventory', props);
  return { stack, step };
}

function policyActions(template: Template): unknown[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as {
    Properties: { PolicyDocument: { Statement: { Action: unknown; Resource: unknown }[] } };
  }[];
  // The X-Ray and own-log-group statements are the kit's (asserted in @order-flow/construct-kit);
  // these are the step's data permissions.
  return policies.flatMap((p) => p.Properties.PolicyDocument.Statement).filter((s) => !/"(xray|logs):/.test(JSON.stringify(s.Action)));
}

describe('InventoryStep', () => {
  it("is built on construct-kit's step skeleton, whose defaults are asserted there", () => {
    const { step } = synth();
    expect(stepSkeletonOf(step)).toEqual({ table: step.table, function: step.function, alias: step.alias, alarms: step.alarms, deployment: step.deployment });
  });

  it('keys its table by pk and gives the function its name and service name', () => {
    const { stack, step } = synth();
    const template = Template.fromStack(stack);

    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', { KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          INVENTORY_TABLE_NAME: stack.resolve(step.table.tableName),
          POWERTOOLS_SERVICE_NAME: 'inventory',
        },
      },
    });
  });

  it('grants the function only the DynamoDB actions the adapter uses, on its own table', () => {
    const { stack, step } = synth();
    const template = Template.fromStack(stack);

    const statements = policyActions(template);
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: stack.resolve(step.table.tableArn),
      },
    ]);
  });

  it('uses a table the user brings, creating none, and passes its name to the function', () => {
    const stack = new Stack(new App(), 'Byo');
    const table = dynamodb.TableV2.fromTableName(stack, 'Existing', 'my-stock-table');
    const step = new InventoryStep(stack, 'Inventory', { table });
    const template = Template.fromStack(stack);

    expect(step.table).toBe(table);
    assertUsesBroughtTable(template, 'INVENTORY_TABLE_NAME', 'my-stock-table');
  });

  it('reserveTask invokes with action reserve, unwraps the payload and retries InventoryContention', () => {
    const { stack, step } = synth();

    const state = stack.resolve(step.reserveTask().toStateJson());

    expect(state.Type).toBe('Task');
    expect(state.Resource).toMatchObject({ 'Fn::Join': ['', expect.arrayContaining([':states:::lambda:invoke'])] });
    expect(state.Parameters.Payload).toEqual({ action: 'reserve', 'orderId.$': '$.order.orderId', 'items.$': '$.order.items' });
    expect(state.ResultSelector).toEqual({
      'orderId.$': '$.Payload.orderId',
      'lines.$': '$.Payload.lines',
      'total.$': '$.Payload.total',
    });
    expect(state.ResultPath).toBe('$.reservation');
    // The service-exception retrier stays first; ours follows.
    expect(state.Retry[0].ErrorEquals).toContain('Lambda.ServiceException');
    // Throttled, crashed or timed-out environments are retried: reserve is idempotent per orderId.
    assertStepRetries(state.Retry, jitteredRetrier([ErrorName.InventoryContention], 4, 5));
  });

  it('reserveTask takes custom paths and its id as the state name', () => {
    const { stack, step } = synth();

    const task = step.reserveTask('Reserve', { orderIdPath: '$.id', itemsPath: '$.lines', resultPath: '$.r' });
    const state = stack.resolve(task.toStateJson());

    expect(task.id).toBe('Reserve');
    // Tasks invoke the live alias: a stable ARN for a workflow in another stack.
    expect(state.Parameters.FunctionName).toEqual(stack.resolve(step.alias.functionArn));
    expect(step.alias.aliasName).toBe('live');
    expect(state.Parameters.Payload).toEqual({ action: 'reserve', 'orderId.$': '$.id', 'items.$': '$.lines' });
    expect(state.ResultPath).toBe('$.r');
  });

  it('releaseTask can be created twice with different ids and retries everything, last', () => {
    const { stack, step } = synth();

    const first = step.releaseTask('ReleaseAfterDecline');
    const second = step.releaseTask('ReleaseAfterConfirmFailure', { orderIdPath: '$.id', resultPath: '$.rel' });
    const state = stack.resolve(first.toStateJson());
    const other = stack.resolve(second.toStateJson());

    expect([first.id, second.id]).toEqual(['ReleaseAfterDecline', 'ReleaseAfterConfirmFailure']);
    expect(state.Parameters.Payload).toEqual({ action: 'release', 'orderId.$': '$.order.orderId' });
    expect(state.ResultSelector).toEqual({ 'orderId.$': '$.Payload.orderId', 'released.$': '$.Payload.released' });
    expect(state.ResultPath).toBe('$.release');
    expect(state.Retry.at(-1)).toEqual(jitteredRetrier(['States.ALL'], 10, 30));
    expect(other.Parameters.Payload).toEqual({ action: 'release', 'orderId.$': '$.id' });
    expect(other.ResultPath).toBe('$.rel');
  });

  it('grantReadStock and grantWriteStock give a grantee read or write on the table', () => {
    const { stack, step } = synth();
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const writer = new iam.Role(stack, 'Writer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

    step.grantReadStock(reader);
    step.grantWriteStock(writer);
    const template = Template.fromStack(stack);

    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.getLogicalId(reader.node.defaultChild as iam.CfnRole) }],
      PolicyDocument: {
        Statement: [
          { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'], Resource: stack.resolve(step.table.tableArn) },
        ],
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.getLogicalId(writer.node.defaultChild as iam.CfnRole) }],
      PolicyDocument: {
        Statement: [{ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: stack.resolve(step.table.tableArn) }],
      },
    });
  });
});
