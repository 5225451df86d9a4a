import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
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
  it('rolls out its live alias through CodeDeploy (StepDeployment: canary 10% for 5 minutes, its alarms)', () => {
    const { template, step } = synth();
    template.hasResource('AWS::Lambda::Alias', { UpdatePolicy: { CodeDeployLambdaAliasUpdate: Match.anyValue() } });
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', { DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes' });
    expect(step.deployment.alarms.alarms).toHaveLength(3);
  });

  it('creates an on-demand table with pk, point-in-time recovery, retained by default', () => {
    const { template } = synth();

    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
      }),
    });
  });

  it('honours removalPolicy for the table it creates', () => {
    const { template } = synth((stack) => new PaymentStep(stack, 'Payment', { removalPolicy: RemovalPolicy.DESTROY }));

    template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Delete' });
  });

  it('creates a nodejs24.x arm64 function with JSON logs and the table name in its environment', () => {
    const { template, stack, step } = synth();

    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 256,
      Timeout: 10,
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
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

    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ PAYMENT_TABLE_NAME: 'payments-prod' }) },
    });
  });

  it('refuses removalPolicy together with a user table', () => {
    const stack = new Stack(new App(), 'Test');
    const table = dynamodb.TableV2.fromTableName(stack, 'Existing', 'payments-prod');

    expect(() => new PaymentStep(stack, 'Payment', { table, removalPolicy: RemovalPolicy.DESTROY })).toThrow(/removalPolicy/);
  });

  it('merges functionProps but keeps the values it owns', () => {
    const { template } = synth(
      (stack) =>
        new PaymentStep(stack, 'Payment', {
          functionProps: { memorySize: 512, environment: { EXTRA: '1', PAYMENT_TABLE_NAME: 'hijacked' } },
        }),
    );

    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 512,
      Runtime: 'nodejs24.x',
      Environment: { Variables: Match.objectLike({ EXTRA: '1', PAYMENT_TABLE_NAME: Match.not('hijacked') }) },
    });
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
      expect(state.Retry).toContainEqual(
        expect.objectContaining({ ErrorEquals: ['Lambda.TooManyRequestsException', 'Runtime.ExitError', 'Sandbox.Timedout'] }),
      );
      expect(state.Retry).toContainEqual({
        ErrorEquals: [ErrorName.PaymentGatewayUnavailable],
        IntervalSeconds: 1,
        MaxAttempts: 4,
        MaxDelaySeconds: 8,
        BackoffRate: 2,
        JitterStrategy: 'FULL',
      });
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
      expect(state.Retry.at(-1)).toEqual({
        ErrorEquals: ['States.ALL'],
        IntervalSeconds: 1,
        MaxAttempts: 10,
        MaxDelaySeconds: 30,
        BackoffRate: 2,
        JitterStrategy: 'FULL',
      });
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

describe('PaymentStep security defaults', () => {
  it('protects the table from deletion and traces the function with X-Ray, each overridable', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [Match.objectLike({ DeletionProtectionEnabled: true, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
    });
    template.hasResourceProperties('AWS::Lambda::Function', { TracingConfig: { Mode: 'Active' } });

    const dev = synth((stack) => new PaymentStep(stack, 'Payment', { deletionProtection: false, functionProps: { tracing: lambda.Tracing.DISABLED } })).template;
    dev.hasResourceProperties('AWS::DynamoDB::GlobalTable', { Replicas: [Match.objectLike({ DeletionProtectionEnabled: false })] });
    expect(JSON.stringify(dev.findResources('AWS::Lambda::Function'))).not.toContain('"Mode":"Active"');
  });

  // CloudFormation cannot delete a table whose deletion protection is on (DynamoDB Developer
  // Guide, "Using deletion protection"): DESTROY must come with protection off.
  it('turns deletion protection off with RemovalPolicy.DESTROY, so cdk destroy can delete the table', () => {
    const { template } = synth((stack) => new PaymentStep(stack, 'Payment', { removalPolicy: RemovalPolicy.DESTROY }));
    template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Delete' });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', { Replicas: [Match.objectLike({ DeletionProtectionEnabled: false })] });
  });

  it('refuses RemovalPolicy.DESTROY with deletionProtection: true, naming both props', () => {
    expect(() => synth((stack) => new PaymentStep(stack, 'Payment', { removalPolicy: RemovalPolicy.DESTROY, deletionProtection: true }))).toThrow(
      /Test\/Payment: removalPolicy destroy.*deletionProtection: true/,
    );
  });

  it('logs to its own log group and may write only there (no AWSLambdaBasicExecutionRole)', () => {
    const { template, stack, step } = synth();
    const logGroup = step.node.findChild('FunctionLogGroup') as logs.LogGroup;
    template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: stack.resolve(logGroup.logGroupName) } });
    expect(JSON.stringify(template.findResources('AWS::IAM::Role'))).not.toContain('AWSLambdaBasicExecutionRole');
    const statements = Object.values(template.findResources('AWS::IAM::Policy') as Record<string, Policy>).flatMap((p) => p.Properties.PolicyDocument.Statement);
    const logStatements = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('logs:')));
    expect(logStatements.map((s) => [[s.Action].flat(), s.Resource])).toEqual([[['logs:CreateLogStream', 'logs:PutLogEvents'], stack.resolve(logGroup.logGroupArn)]]);
  });

  it('refuses deletionProtection together with a user table', () => {
    const stack = new Stack(new App(), 'Test');
    const table = dynamodb.TableV2.fromTableName(stack, 'Existing', 'payments');
    expect(() => new PaymentStep(stack, 'Payment', { table, deletionProtection: false })).toThrow(/deletionProtection/);
  });
});
