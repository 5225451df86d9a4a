import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { stepSkeletonOf } from '@order-flow/construct-kit';
import { assertStepRetries, assertUsesBroughtTable, jitteredRetrier } from '@order-flow/construct-kit/testing';
import { ErrorName } from '@order-flow/contracts';
import { describe, expect, it } from 'vitest';
import { PaymentStep } from '../../src/index.js';

interface Statement {
  Action: string | string[];
  Resource: unknown;
}
interface Policy {
  Properties: { PolicyDocument: { Statement: Statement[] } };
}
interface Retrier {
  ErrorEquals: string[];
}

// Needs the prebuilt bundle: run `pnpm build` first (the construct throws a clear error otherwise).
function synth(configure: (stack: Stack) => PaymentStep = (stack) => new PaymentStep(stack, 'Payment')) {
  const stack = new Stack(new App(), 'Test');
  const step = configure(stack);
  return { stack, step, template: Template.fromStack(stack) };
}

describe('PaymentStep', () => {
  it("is built on construct-kit's step skeleton, whose defaults are asserted there", () => {
    const { step } = synth();
    expect(stepSkeletonOf(step)).toEqual({ table: step.table, function: step.function, alias: step.alias, alarms: step.alarms, deployment: step.deployment });
  });

  it('keys its table by pk and gives the function its name and service name', () => {
    const { template, stack, step } = synth();

    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', { KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          PAYMENT_TABLE_NAME: stack.resolve(step.table.tableName),
          POWERTOOLS_SERVICE_NAME: 'payment',
        },
      },
    });
  });

  it('grants only GetItem, PutItem and UpdateItem on its own table', () => {
    const { template, stack, step } = synth();

    const policies = template.findResources('AWS::IAM::Policy') as Record<string, Policy>;
    const statements = Object.values(policies).flatMap((policy) => policy.Properties.PolicyDocument.Statement);
    const dynamo = statements.filter((statement) => [statement.Action].flat().some((action) => action.startsWith('dynamodb:')));
    expect(dynamo).toHaveLength(1);
    expect([dynamo[0]!.Action].flat().sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    expect([dynamo[0]!.Resource].flat()).toEqual([stack.resolve(step.table.tableArn)]);
  });

  it('uses a table the user brings, creates none, and passes its name to the function', () => {
    const { template } = synth((stack) => {
      const table = dynamodb.TableV2.fromTableName(stack, 'Existing', 'payments-prod');
      return new PaymentStep(stack, 'Payment', { table });
    });

    assertUsesBroughtTable(template, 'PAYMENT_TABLE_NAME', 'payments-prod');
  });

  describe('chargeTask', () => {
    it('sends the charge payload from the workflow state and unwraps the result', () => {
      const { stack, step } = synth();

      const state = stack.resolve(step.chargeTask().toStateJson());

      expect(step.node.tryFindChild('ProcessPayment')).toBeDefined();
      // Tasks invoke the live alias: a stable ARN for a workflow in another stack.
      expect(state.Parameters.FunctionName).toEqual(stack.resolve(step.alias.functionArn));
      expect(state.Parameters.Payload).toEqual({
        action: 'charge',
        'orderId.$': '$.order.orderId',
        'amount.$': '$.reservation.total',
        'currency.$': '$.order.currency',
        'token.$': '$.order.payment.token',
      });
      expect(state.ResultSelector).toEqual({
        'orderId.$': '$.Payload.orderId',
        'paymentId.$': '$.Payload.paymentId',
        'amount.$': '$.Payload.amount',
        'currency.$': '$.Payload.currency',
        'status.$': '$.Payload.status',
      });
      expect(state.ResultPath).toBe('$.payment');
    });

    it('retries only PaymentGatewayUnavailable, with backoff and full jitter, on top of the Lambda retries', () => {
      const { stack, step } = synth();

      const state = stack.resolve(step.chargeTask().toStateJson());

      // Throttled, crashed or timed-out environments are retried: charge is idempotent per orderId.
      assertStepRetries(state.Retry, jitteredRetrier([ErrorName.PaymentGatewayUnavailable], 4, 8));
      const retriers = state.Retry as Retrier[];
      expect(retriers.some((retry) => retry.ErrorEquals.includes('Lambda.ServiceException'))).toBe(true);
      const retried = retriers.flatMap((retry) => retry.ErrorEquals);
      expect(retried).not.toContain(ErrorName.PaymentDeclined);
      expect(retried).not.toContain(ErrorName.PaymentIdempotencyConflict);
      expect(retried).not.toContain('States.ALL');
    });

    it('takes custom paths, id and retry settings', () => {
      const { stack, step } = synth();

      const task = step.chargeTask('Charge', {
        orderIdPath: '$.id',
        amountPath: '$.total',
        currencyPath: '$.cur',
        tokenPath: '$.tok',
        resultPath: '$.charge',
        retry: { maxAttempts: 6, interval: Duration.seconds(2), maxDelay: Duration.seconds(20) },
      });
      const state = stack.resolve(task.toStateJson());

      expect(task.id).toBe('Charge');
      expect(state.Parameters.Payload).toMatchObject({ 'orderId.$': '$.id', 'amount.$': '$.total', 'currency.$': '$.cur', 'token.$': '$.tok' });
      expect(state.ResultPath).toBe('$.charge');
      expect(state.Retry).toContainEqual(expect.objectContaining({ IntervalSeconds: 2, MaxAttempts: 6, MaxDelaySeconds: 20 }));
    });
  });

  describe('refundTask', () => {
    it('sends the refund payload and retries any error as a compensation (States.ALL last)', () => {
      const { stack, step } = synth();

      const state = stack.resolve(step.refundTask('RefundPayment').toStateJson());

      expect(state.Parameters.Payload).toEqual({ action: 'refund', 'orderId.$': '$.order.orderId' });
      expect(state.ResultSelector).toEqual({
        'orderId.$': '$.Payload.orderId',
        'refunded.$': '$.Payload.refunded',
        'status.$': '$.Payload.status',
      });
      expect(state.ResultPath).toBe('$.refund');
      expect(state.Retry.at(-1)).toEqual(jitteredRetrier(['States.ALL'], 10, 30));
    });

    it('can be created twice under different ids', () => {
      const { stack, step } = synth();

      const a = step.refundTask('RefundAfterConfirm', { orderIdPath: '$.orderId', resultPath: '$.r' });
      const b = step.refundTask('RefundAgain');

      expect(stack.resolve(a.toStateJson()).Parameters.Payload['orderId.$']).toBe('$.orderId');
      expect(b.id).toBe('RefundAgain');
    });
  });
});
