import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import {
  payloadFields,
  publishStep,
  StepBase,
  stepSkeleton,
  type OrderTaskOptions,
  type StepReference,
  type StepSkeleton,
  type StepSkeletonProps,
  type StepTaskOptions,
} from '@order-flow/construct-kit';
import { ErrorName } from '@order-flow/contracts';
import { PAYMENT_TABLE_NAME_ENV } from './env.js';

/** Properties of {@link PaymentStep}; the props every step shares are documented in {@link StepSkeletonProps}. */
export interface PaymentStepProps extends StepSkeletonProps {
  /**
   * Bring your own table (partition key `pk`, string). It holds payment records
   * (`PAYMENT#<orderId>`) and the simulated gateway's ledger (`GATEWAY#<key>`).
   * @default - a new on-demand TableV2 with point-in-time recovery and deletion protection
   */
  readonly table?: dynamodb.ITableV2;
  /**
   * Deletion protection of the table this construct creates: payment records are what proves a
   * charge or refund happened, so deleting the table must be a deliberate two-step act. Not
   * allowed together with `table`; `true` together with `RemovalPolicy.DESTROY` is an error
   * (CloudFormation could not delete the table, and `cdk destroy` would fail).
   * @default - true; false with `removalPolicy: RemovalPolicy.DESTROY`
   */
  readonly deletionProtection?: boolean;
  /**
   * The handler code. Replace it only to run a patched build of this step's handler, e.g. one
   * whose `createHandler({ gateway })` charges through a real gateway (the built-in bundle always
   * uses the simulated one); the construct still owns handler, runtime and environment.
   * @default - the prebuilt bundle shipped in this package (dist/lambda)
   */
  readonly code?: lambda.Code;
}

/** Retry policy of the charge task for transient gateway failures. */
export interface ChargeRetryOptions {
  /**
   * Attempts after the first.
   * @default 4
   */
  readonly maxAttempts?: number;
  /**
   * Wait before the first retry (doubled on each retry, full jitter).
   * @default Duration.seconds(1)
   */
  readonly interval?: Duration;
  /**
   * Upper bound of one wait.
   * @default Duration.seconds(8)
   */
  readonly maxDelay?: Duration;
}

/** Where {@link PaymentStep.chargeTask} reads its input and writes its result (JSONPath). */
export interface ChargeTaskOptions extends StepTaskOptions {
  /** @default '$.order.orderId' */
  readonly orderIdPath?: string;
  /** Amount in integer minor units, priced by inventory. @default '$.reservation.total' */
  readonly amountPath?: string;
  /** @default '$.order.currency' */
  readonly currencyPath?: string;
  /** @default '$.order.payment.token' */
  readonly tokenPath?: string;
  /** Where the ChargeResult goes. @default '$.payment' */
  readonly resultPath?: string;
  /** Retries of `PaymentGatewayUnavailable`. @default - 4 attempts, 1 s, backoff 2, max delay 8 s */
  readonly retry?: ChargeRetryOptions;
}

/**
 * Where {@link PaymentStep.refundTask} reads its input and writes its result (JSONPath):
 * `orderIdPath` @default '$.order.orderId'; `resultPath`, where the RefundResult goes, @default '$.refund'.
 */
export type RefundTaskOptions = OrderTaskOptions;

/**
 * What a workflow uses of the payment step: its `live` alias, its table and the ready-made Task
 * states. {@link PaymentStep} creates the resources; {@link PaymentStep.fromReference} reads them,
 * in another stack, from the SSM parameters {@link PaymentStep.publishReference} wrote. Its `table`
 * holds payment records and the simulated gateway's ledger.
 */
export abstract class PaymentStepBase extends StepBase {
  /** Names this step on its dashboard widgets. */
  protected readonly dashboardTitle = 'Payment';

  /**
   * The charge task: `{ action: 'charge', orderId, amount, currency, token }` -> the ChargeResult
   * `{ orderId, paymentId, amount, currency, status }` at `resultPath`. Retries
   * `PaymentGatewayUnavailable` with exponential backoff and full jitter; `PaymentDeclined` and
   * `PaymentIdempotencyConflict` are final and left for the workflow to catch.
   * @param id state name @default 'ProcessPayment'
   */
  public chargeTask(id = 'ProcessPayment', options: ChargeTaskOptions = {}): tasks.LambdaInvoke {
    return this.forwardInvoke(id, options, 'charge', {
      payload: {
        orderId: sfn.JsonPath.stringAt(options.orderIdPath ?? '$.order.orderId'),
        amount: sfn.JsonPath.numberAt(options.amountPath ?? '$.reservation.total'),
        currency: sfn.JsonPath.stringAt(options.currencyPath ?? '$.order.currency'),
        token: sfn.JsonPath.stringAt(options.tokenPath ?? '$.order.payment.token'),
      },
      resultSelector: payloadFields('orderId', 'paymentId', 'amount', 'currency', 'status'),
      resultPath: options.resultPath ?? '$.payment',
      retries: [
        {
          errors: [ErrorName.PaymentGatewayUnavailable],
          interval: options.retry?.interval ?? Duration.seconds(1),
          maxAttempts: options.retry?.maxAttempts ?? 4,
          maxDelay: options.retry?.maxDelay ?? Duration.seconds(8),
          backoffRate: 2,
          jitterStrategy: sfn.JitterType.FULL,
        },
      ],
    });
  }

  /**
   * The refund (compensation) task: `{ action: 'refund', orderId }` -> the RefundResult
   * `{ orderId, refunded, status }` at `resultPath`. Idempotent, so it retries any error up to 10
   * times (backoff 2, full jitter, at most 30 s apart) until it succeeds.
   * @param id state name, e.g. 'RefundPayment'
   */
  public refundTask(id: string, options: RefundTaskOptions = {}): tasks.LambdaInvoke {
    return this.compensationInvoke(id, options, 'refund', {
      payload: { orderId: sfn.JsonPath.stringAt(options.orderIdPath ?? '$.order.orderId') },
      resultSelector: payloadFields('orderId', 'refunded', 'status'),
      resultPath: options.resultPath ?? '$.refund',
    });
  }
}

/**
 * The resources of {@link PaymentStep}: those of the step skeleton it is built on ({@link StepSkeleton}:
 * `table`, `function`, `alias`, `alarms`, `deployment`), declared once there, not again per step.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface PaymentStep extends StepSkeleton {
  /**
   * Alias `live` on the function's current version: what this step's Task states invoke. A
   * workflow in another stack references this stable ARN, so a code change to the step replaces
   * only resources in the step's own stack.
   */
  readonly alias: lambda.Alias;
}

/**
 * The payment step: a Lambda function that charges and refunds orders through a payment
 * gateway, its DynamoDB table, and ready-made Step Functions tasks with their retry policies.
 * Its resources ({@link StepSkeleton}): `table` (payment records and the simulated gateway's
 * ledger), `function` (charge + refund), its `live` alias, `alarms` and `deployment`.
 *
 * @example
 * const payment = new PaymentStep(this, 'Payment');
 * const charge = payment.chargeTask(); // state 'ProcessPayment', result at $.payment
 * const refund = payment.refundTask('RefundPayment');
 * charge.addCatch(releaseInventory, { errors: [ErrorName.PaymentDeclined], resultPath: '$.error' });
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class PaymentStep extends PaymentStepBase {
  constructor(scope: Construct, id: string, props: PaymentStepProps = {}) {
    super(scope, id);
    const { table, function: fn } = Object.assign(this, stepSkeleton(this, { step: PaymentStep.REFERENCE_STEP, partitionKey: 'pk', tableNameEnv: PAYMENT_TABLE_NAME_ENV, bundle: new URL('../dist/lambda', import.meta.url) }, props));
    // Exactly the calls the store and the simulated gateway make.
    table.grant(fn, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem');
  }

  /** The step name in the SSM naming scheme: `/order-flow/<app>/payment/<key>`. */
  static readonly REFERENCE_STEP = 'payment';

  /**
   * The payment step another stack deployed, read from the SSM parameters its
   * {@link PaymentStep.publishReference} wrote under `/order-flow/<app>/payment/`: Task states
   * and grants then reference CloudFormation parameters resolved at deploy, not an export.
   * @param app the app namespace the step was published under, e.g. `orders`
   */
  public static fromReference(scope: Construct, id: string, app: string): PaymentStepBase {
    return new ReferencedPaymentStep(scope, id, { app, step: PaymentStep.REFERENCE_STEP });
  }

  /**
   * Publishes `live-alias-arn`, `table-name` and `table-arn` as SSM parameters
   * `/order-flow/<app>/payment/<key>` (construct `Reference`), for {@link PaymentStep.fromReference}.
   */
  public publishReference(app: string): StepReference {
    return publishStep(this, 'Reference', { app, step: PaymentStep.REFERENCE_STEP }, this);
  }

  /** Lets `grantee` invoke the payment function. */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return this.function.grantInvoke(grantee);
  }
}

/** The payment step of another stack, read from its published SSM parameters by {@link StepBase}. */
class ReferencedPaymentStep extends PaymentStepBase {}
