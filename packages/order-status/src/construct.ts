import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { ErrorName, type FailureReason } from '@order-flow/contracts';
import type { Construct } from 'constructs';
import {
  payloadFields,
  publishStep,
  StepBase,
  stepSkeleton,
  type StepReference,
  type StepSkeleton,
  type StepSkeletonProps,
  type StepTaskOptions,
} from '@order-flow/construct-kit';
import { ORDERS_TABLE_ENV, SERVICE_NAME } from './config.js';

/** Properties of {@link OrderStatusStep}; the props every step shares are documented in {@link StepSkeletonProps}. */
export interface OrderStatusStepProps extends StepSkeletonProps {
  /**
   * An existing orders table: partition key `orderId` (STRING). Add indexes to it for queries of
   * your own (e.g. orders by customer); the step reads and writes by `orderId` only.
   * @default - a new on-demand `TableV2` with point-in-time recovery and deletion protection
   */
  readonly table?: dynamodb.ITableV2;
  /**
   * Deletion protection of the table this construct creates: orders and their history are the
   * system of record, so deleting the table must be a deliberate two-step act. Combining it with
   * `table` is an error, and so is `true` with `RemovalPolicy.DESTROY` (CloudFormation could not
   * delete the table, and `cdk destroy` would fail).
   * @default - true; false with `removalPolicy: RemovalPolicy.DESTROY`
   */
  readonly deletionProtection?: boolean;
}

/** Options of {@link OrderStatusStep.createTask}. */
export interface CreateOrderTaskOptions extends StepTaskOptions {
  /**
   * JSONPath to the submitted order (`OrderRequest`).
   * @default '$'
   */
  readonly orderPath?: string;
  /**
   * JSONPath to what tells apart the orders this state creates in one execution, for orders
   * submitted without an `orderId`. Set it when the state runs inside a Map: the Map's
   * `itemSelector` passes the item's index in from the Context object (`$$.Map.Item.Index` is
   * visible only to ItemSelector, not to the states inside the Map), e.g.
   * `itemSelector: { 'order.$': '$$.Map.Item.Value', 'index.$': '$$.Map.Item.Index' }` with
   * `orderPath: '$.order'` and `itemKeyPath: '$.index'`. Without it, every item of the Map
   * would get the same generated id (one order, or `OrderConflict`).
   * @default - none: the state creates one order per execution
   */
  readonly itemKeyPath?: string;
  /**
   * Where the accepted order `{ order: Order }` goes in the state.
   * @default '$' (it replaces the submitted input)
   */
  readonly resultPath?: string;
}

/** Options of {@link OrderStatusStep.confirmTask}. */
export interface ConfirmOrderTaskOptions extends StepTaskOptions {
  /**
   * JSONPath to the order id.
   * @default '$.order.orderId'
   */
  readonly orderIdPath?: string;
  /**
   * JSONPath to the priced lines reserved by inventory.
   * @default '$.reservation.lines'
   */
  readonly linesPath?: string;
  /**
   * JSONPath to the order total (integer minor units).
   * @default '$.reservation.total'
   */
  readonly totalPath?: string;
  /**
   * JSONPath to the payment id of the captured charge.
   * @default '$.payment.paymentId'
   */
  readonly paymentIdPath?: string;
  /**
   * Where `{ orderId, status }` goes in the state.
   * @default '$.confirmation'
   */
  readonly resultPath?: string;
}

/** Options of {@link OrderStatusStep.failTask}. */
export interface FailOrderTaskOptions extends StepTaskOptions {
  /** The state whose failure led here (e.g. `'ReserveInventory'`); kept in the order's history. */
  readonly causedBy: string;
  /**
   * JSONPath to the order id.
   * @default '$.order.orderId'
   */
  readonly orderIdPath?: string;
  /**
   * JSONPath to the caught `{ Error, Cause }` (a `Catch` with `resultPath: '$.error'`).
   * @default '$.error'
   */
  readonly errorPath?: string;
  /**
   * Where `{ orderId, status, reason }` goes in the state.
   * @default '$.failure'
   */
  readonly resultPath?: string;
}

/**
 * What a workflow uses of the order-status step: its `live` alias, the orders table and the
 * ready-made Task states. {@link OrderStatusStep} creates the resources;
 * {@link OrderStatusStep.fromReference} reads them, in another stack, from the SSM parameters
 * {@link OrderStatusStep.publishReference} wrote. Its `table` is the orders table (partition key
 * `orderId`).
 */
export abstract class OrderStatusStepBase extends StepBase {
  /** Names this step on its dashboard widgets. */
  protected readonly dashboardTitle = 'Order status';

  /**
   * A task that validates the submitted order and stores it as PENDING. `{ order: Order }` (the
   * accepted order with its id settled) lands at `resultPath` (default: replaces the state).
   *
   * An order without an `orderId` gets an id derived from where it is created: the execution
   * (`$$.Execution.Id`, `$$.Execution.StartTime`), this state (`$$.State.Name`) and, inside a
   * Map, the item (`itemKeyPath`). A retry of this task runs in the same execution, state and
   * item, so it derives the same id and finds the order it made; two creates in one execution
   * (two create states, or two Map items with `itemKeyPath`) make two orders.
   *
   * Only the Lambda service exceptions are retried: `InvalidOrder` and `OrderConflict` are
   * answers, not glitches.
   * @param id state name @default 'CreateOrder'
   */
  public createTask(id = 'CreateOrder', options: CreateOrderTaskOptions = {}): tasks.LambdaInvoke {
    return this.forwardInvoke(id, options, 'create', {
      payload: {
        'order.$': options.orderPath ?? '$',
        // Same on every attempt of this create, different for another create: see OrderIdSource.
        orderIdSource: {
          'execution.$': '$$.Execution.Id',
          'startedAt.$': '$$.Execution.StartTime',
          'state.$': '$$.State.Name',
          ...(options.itemKeyPath !== undefined && { 'item.$': options.itemKeyPath }),
        },
      },
      resultSelector: {
        order: {
          ...payloadFields('orderId', 'customerId', 'items', 'currency'),
          payment: { 'token.$': '$.Payload.paymentToken' },
        },
      },
      // By default the accepted order (id filled in, validated) replaces the submitted input.
      resultPath: options.resultPath ?? '$',
    });
  }

  /**
   * A task that moves the order PENDING -> CONFIRMED with its lines, total and payment id;
   * `{ orderId, status }` lands at `resultPath`. A repeat is a no-op. The history entry's
   * `causedBy` is this state's name (`id`).
   *
   * Retries the Lambda service exceptions, and timeouts (confirming is idempotent). Anything
   * else (`IllegalTransition`, `OrderNotFound`) is for the workflow to catch and compensate.
   * @param id state name @default 'ConfirmOrder'
   */
  public confirmTask(id = 'ConfirmOrder', options: ConfirmOrderTaskOptions = {}): tasks.LambdaInvoke {
    return this.forwardInvoke(id, options, 'confirm', {
      payload: {
        'orderId.$': options.orderIdPath ?? '$.order.orderId',
        'lines.$': options.linesPath ?? '$.reservation.lines',
        'total.$': options.totalPath ?? '$.reservation.total',
        'paymentId.$': options.paymentIdPath ?? '$.payment.paymentId',
        // The history entry names the state that made the transition.
        'causedBy.$': '$$.State.Name',
      },
      // updatedAt is the transition's time: the workflow stamps its order events with it.
      resultSelector: payloadFields('orderId', 'status', 'total', 'updatedAt'),
      resultPath: options.resultPath ?? '$.confirmation',
      retries: [
        {
          errors: [sfn.Errors.TIMEOUT],
          interval: Duration.seconds(1),
          backoffRate: 2,
          maxAttempts: 3,
          jitterStrategy: sfn.JitterType.FULL,
          maxDelay: Duration.seconds(10),
        },
      ],
    });
  }

  /**
   * A compensation task that moves the order PENDING -> FAILED with `reason`, recording the
   * caught error in the history; `{ orderId, status, reason }` lands at `resultPath`.
   *
   * Retried until it succeeds (States.ALL, 10 attempts, backoff 2, jitter, at most 30 s apart),
   * except errors no retry can fix (`InvalidInput`, `OrderNotFound`, `IllegalTransition`),
   * which fail at once instead of burning ten attempts.
   * @param id state name, e.g. 'MarkOutOfStock'
   * @param reason the FailureReason recorded on the order, or `{ path }`: a JSONPath to it, for a
   *   reason known only at run time (the reconciler's TIMED_OUT / ABORTED / ...)
   */
  public failTask(id: string, reason: FailureReason | { readonly path: string }, options: FailOrderTaskOptions): tasks.LambdaInvoke {
    return this.compensationInvoke(id, options, 'fail', {
      payload: {
        'orderId.$': options.orderIdPath ?? '$.order.orderId',
        ...(typeof reason === 'string' ? { reason } : { 'reason.$': reason.path }),
        causedBy: options.causedBy,
        'error.$': options.errorPath ?? '$.error',
      },
      resultSelector: payloadFields('orderId', 'status', 'reason', 'updatedAt'),
      resultPath: options.resultPath ?? '$.failure',
      notRetried: [ErrorName.InvalidInput, ErrorName.OrderNotFound, ErrorName.IllegalTransition],
    });
  }

  /** Lets `grantee` read orders: GetItem, BatchGetItem and Query (on the table and any index added to it). */
  public grantReadOrders(grantee: iam.IGrantable): iam.Grant {
    this.table.encryptionKey?.grantDecrypt(grantee);
    return this.table.grant(grantee, 'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query');
  }

  /** Lets `grantee` write orders: PutItem and UpdateItem (never DeleteItem: orders are kept). */
  public grantWriteOrders(grantee: iam.IGrantable): iam.Grant {
    this.table.encryptionKey?.grantEncryptDecrypt(grantee);
    return this.table.grant(grantee, 'dynamodb:PutItem', 'dynamodb:UpdateItem');
  }
}

/**
 * The resources of {@link OrderStatusStep}: those of the step skeleton it is built on ({@link StepSkeleton}:
 * `table`, `function`, `alias`, `alarms`, `deployment`), declared once there, not again per step.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface OrderStatusStep extends StepSkeleton {
  /**
   * Alias `live` on the function's current version: what this step's Task states invoke. A
   * workflow in another stack references this stable ARN, so a code change to the step replaces
   * only resources in the step's own stack.
   */
  readonly alias: lambda.Alias;
}

/**
 * The order-status step: the orders table (legal status transitions and a history per order),
 * its Lambda function, and ready-made Step Functions tasks to create, confirm and fail orders.
 *
 * @example
 * const orders = new OrderStatusStep(this, 'OrderStatus');
 * const create = orders.createTask();                 // state becomes { order }
 * const confirm = orders.confirmTask();               // $.confirmation = { orderId, status }
 * const outOfStock = orders.failTask('MarkOutOfStock', FailureReason.OUT_OF_STOCK, {
 *   causedBy: 'ReserveInventory',
 * });
 * orders.grantReadOrders(apiFunction);
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class OrderStatusStep extends OrderStatusStepBase {
  constructor(scope: Construct, id: string, props: OrderStatusStepProps = {}) {
    super(scope, id);
    // The table has no index: nothing reads orders other than by orderId. (A `byCustomer` GSI
    // used to be here with no reader; every order write paid for it.)
    const { table, function: fn } = Object.assign(this, stepSkeleton(this, { step: OrderStatusStep.REFERENCE_STEP, partitionKey: 'orderId', tableNameEnv: ORDERS_TABLE_ENV, serviceName: SERVICE_NAME, bundle: new URL('../dist/lambda', import.meta.url) }, props));

    // Exactly what DynamoDbOrderStore calls: no Scan, no DeleteItem (orders are never deleted).
    // On the table ARN alone: table.grant() would add `<table>/index/*`, but item reads and
    // writes never touch an index, so that wildcard would be permission without a use.
    iam.Grant.addToPrincipal({
      grantee: fn,
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      resourceArns: [table.tableArn],
    });
    table.encryptionKey?.grantEncryptDecrypt(fn);
  }

  /** The step name in the SSM naming scheme: `/order-flow/<app>/order-status/<key>`. */
  static readonly REFERENCE_STEP = 'order-status';

  /**
   * The order-status step another stack deployed, read from the SSM parameters its
   * {@link OrderStatusStep.publishReference} wrote under `/order-flow/<app>/order-status/`: Task
   * states and grants then reference CloudFormation parameters resolved at deploy, not an export.
   * @param app the app namespace the step was published under, e.g. `orders`
   */
  public static fromReference(scope: Construct, id: string, app: string): OrderStatusStepBase {
    return new ReferencedOrderStatusStep(scope, id, { app, step: OrderStatusStep.REFERENCE_STEP });
  }

  /**
   * Publishes `live-alias-arn`, `table-name` and `table-arn` as SSM parameters
   * `/order-flow/<app>/order-status/<key>` (construct `Reference`), for {@link OrderStatusStep.fromReference}.
   */
  public publishReference(app: string): StepReference {
    return publishStep(this, 'Reference', { app, step: OrderStatusStep.REFERENCE_STEP }, this);
  }
}

/** The order-status step of another stack, read from its published SSM parameters by {@link StepBase}. */
class ReferencedOrderStatusStep extends OrderStatusStepBase {}
