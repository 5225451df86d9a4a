import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { addStepRetry, retryUntilDone, type RetryBudget } from '@order-flow/construct-kit';
import { ErrorName, FailureReason } from '@order-flow/contracts';
import { InventoryStep, type InventoryStepBase } from '@order-flow/inventory';
import { OrderStatusStep, type OrderStatusStepBase } from '@order-flow/order-status';
import { PaymentStep, type PaymentStepBase } from '@order-flow/payment';
import { OrderReconciler } from './reconciler.js';
import { addTimeoutBudgetCheck } from './timeout-budget.js';

/** Props of {@link OrderWorkflow}. */
export interface OrderWorkflowProps {
  /**
   * The inventory step to use: one of this app, or `InventoryStep.fromReference` for one deployed in its own stack.
   * @default - a new InventoryStep with its own table
   */
  readonly inventory?: InventoryStepBase;
  /**
   * The payment step to use.
   * @default - a new PaymentStep with its own table and the simulated gateway
   */
  readonly payment?: PaymentStepBase;
  /**
   * The order-status step to use.
   * @default - a new OrderStatusStep with its own table
   */
  readonly orderStatus?: OrderStatusStepBase;
  /**
   * The bus that receives `OrderConfirmed` / `OrderFailed` events.
   * @default - a new EventBus
   */
  readonly eventBus?: events.IEventBus;
  /**
   * Standard (exactly-once steps, up to a year, full history) or Express (cheaper, at-least-once).
   * @default sfn.StateMachineType.STANDARD
   */
  readonly stateMachineType?: sfn.StateMachineType;
  /**
   * Longest an order may take end to end before the execution times out. Synthesis fails when
   * it is shorter than the workflow's worst-case retry budget (every retrier of every state on
   * the longest path exhausted in turn: about 45 minutes with the steps' default retries), since
   * a long outage would then time an execution out mid-compensation.
   * @default Duration.hours(1)
   */
  readonly timeout?: Duration;
  /**
   * Whether synthesis checks that `timeout` covers the worst-case retry budget.
   * @default true
   */
  readonly checkTimeoutBudget?: boolean;
  /**
   * Removal policy of the tables and log group this construct creates.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Whether execution logs (level ALL: every state entered and exited) carry the states' input
   * and output. Off so that orders, customer ids and payment tokens are not copied into
   * CloudWatch Logs; the execution history keeps them for the retention Step Functions applies.
   * @default false
   */
  readonly logExecutionData?: boolean;
  /**
   * X-Ray tracing of the state machine (the step functions trace themselves).
   * @default true
   */
  readonly tracingEnabled?: boolean;
  /**
   * The reconciler that settles orders a workflow execution left PENDING (timed out, aborted,
   * failed mid-compensation, never run): see {@link OrderReconciler}. `false` leaves it out (only
   * when another reconciler watches these orders).
   * @default - an OrderReconciler sweeping every 15 minutes
   */
  readonly reconciler?: false | { readonly sweepInterval?: Duration; readonly sweepMargin?: Duration };
}

/**
 * The order workflow: reserve inventory, take payment, confirm the order, with compensation on
 * every failure path. Each failed order ends in a Fail state whose `Error` is its
 * {@link FailureReason}, after the order record has been marked FAILED with the same reason.
 *
 * ```
 * CreateOrder -> ReserveInventory -> ProcessPayment -> ConfirmOrder -> PublishOrderConfirmed -> OrderConfirmed
 *   OutOfStock      -> MarkOutOfStock -> PublishOutOfStock                                 -> OUT_OF_STOCK
 *   UnknownSku      -> MarkUnknownSku -> PublishUnknownSku                                 -> UNKNOWN_SKU
 *   reserve error   -> CheckOrderAfterReserveError (CONFIRMED by another execution: ConfirmedByAnotherExecution)
 *                      -> ReleaseAfterReserveError -> MarkReserveError -> PublishReserveError -> INTERNAL_ERROR
 *   PaymentDeclined -> ReleaseAfterDecline -> MarkPaymentDeclined -> PublishPaymentDeclined -> PAYMENT_DECLINED
 *   payment error   -> CheckOrderAfterPaymentError (CONFIRMED by another execution: ConfirmedByAnotherExecution)
 *                      -> RefundAfterPaymentError -> ReleaseAfterPaymentError -> MarkPaymentError
 *                      -> PublishPaymentError                                              -> PAYMENT_ERROR
 *   confirm error   -> CheckConfirmed -> ConfirmedAfterAll? (landed after all: ConfirmOrderAfterAll
 *                      -> PublishOrderConfirmed) else RefundAfterConfirmError -> ReleaseAfterConfirmError
 *                      -> MarkConfirmError -> PublishConfirmError                          -> INTERNAL_ERROR
 * ```
 *
 * Every terminal path publishes exactly one `OrderConfirmed` / `OrderFailed` event
 * (`source: order-flow.orders`, detail `{orderId, status, reason?, total, currency, timestamp}`)
 * to {@link OrderWorkflow.eventBus}.
 *
 * @example
 * const workflow = new OrderWorkflow(stack, 'Orders');
 * workflow.stateMachine.grantStartExecution(apiFunction);
 */
export class OrderWorkflow extends Construct {
  public readonly inventory: InventoryStepBase;
  public readonly payment: PaymentStepBase;
  public readonly orderStatus: OrderStatusStepBase;
  public readonly stateMachine: sfn.StateMachine;
  /** Receives one `OrderConfirmed` or `OrderFailed` event per order that reaches a terminal status. */
  public readonly eventBus: events.IEventBus;
  /** Settles orders the workflow left PENDING (absent when `reconciler: false`). */
  public readonly reconciler?: OrderReconciler;
  /** The state machine's execution log (level ALL, without execution data): the dashboard counts outcomes from it. */
  public readonly executionLogs: logs.ILogGroup;

  /** `source` of every order event this workflow publishes. */
  static readonly EVENT_SOURCE = 'order-flow.orders';

  constructor(scope: Construct, id: string, props: OrderWorkflowProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.inventory = props.inventory ?? new InventoryStep(this, 'Inventory', { removalPolicy });
    this.payment = props.payment ?? new PaymentStep(this, 'Payment', { removalPolicy });
    this.orderStatus = props.orderStatus ?? new OrderStatusStep(this, 'OrderStatus', { removalPolicy });

    this.eventBus = props.eventBus ?? new events.EventBus(this, 'Events');
    // Express executions end at 5 minutes: every task retries within that (see RetryBudget), and
    // the reconciler settles what is left.
    const express = props.stateMachineType === sfn.StateMachineType.EXPRESS;
    const retryBudget: RetryBudget = express ? 'express' : 'durable';
    this.retryBudget = retryBudget;

    const caught = { resultPath: '$.error' };
    // Mark the order FAILED, publish OrderFailed, end in the reason's Fail state. `reserved` says
    // whether a reservation (and so a priced total) exists on this path.
    const failed = (reason: FailureReason, causedBy: string, id: string, reserved = true) =>
      this.orderStatus
        .failTask(id, reason, { causedBy, retryBudget })
        .next(this.publishFailed(`Publish${id.replace(/^Mark/, '')}`, reason, reserved))
        .next(this.failState(reason));

    // Invalid orders fail CreateOrder itself: nothing is written, and the execution's error is
    // InvalidOrder with a cause naming every offending field.
    const createOrder = this.orderStatus.createTask('CreateOrder', { retryBudget });

    const reserve = this.inventory.reserveTask('ReserveInventory', { retryBudget });
    reserve.addCatch(failed(FailureReason.OUT_OF_STOCK, 'ReserveInventory', 'MarkOutOfStock', false), {
      errors: [ErrorName.OutOfStock],
      ...caught,
    });
    reserve.addCatch(failed(FailureReason.UNKNOWN_SKU, 'ReserveInventory', 'MarkUnknownSku', false), {
      errors: [ErrorName.UnknownSku],
      ...caught,
    });
    // Before an error path gives anything back, it reads the order (consistent read): a CONFIRMED
    // order belongs to another execution of the same orderId (Express runs an execution again:
    // "at-least-once"; or a second start under another name), whose stock and money must stay.
    // That execution has done the work: this one ends as a success with nothing undone. (Releasing
    // regardless left orders CONFIRMED with their reservation RELEASED, stock counted twice: found
    // by the Express reliability run, Lambda throttling at every step.) The decline path needs no
    // check: a declined payment record never captures, so no execution can have confirmed it.
    const confirmedElsewhere = new sfn.Succeed(this, 'ConfirmedByAnotherExecution', { outputPath: '$.orderCheck' });
    const unlessConfirmed = (after: string, compensation: sfn.IChainable): sfn.IChainable =>
      this.readOrderStatus(`CheckOrderAfter${after}`, '$.orderCheck', retryBudget).next(
        new sfn.Choice(this, `ConfirmedBefore${after}Compensation`)
          .when(sfn.Condition.stringEquals('$.orderCheck.status', 'CONFIRMED'), confirmedElsewhere)
          .otherwise(compensation),
      );

    // Anything else (contention after retries, a timeout after the transaction committed): release
    // whatever may have been taken. Release is idempotent and safe when nothing was reserved.
    reserve.addCatch(
      unlessConfirmed(
        'ReserveError',
        this.inventory
          .releaseTask('ReleaseAfterReserveError', { retryBudget })
          .next(failed(FailureReason.INTERNAL_ERROR, 'ReserveInventory', 'MarkReserveError', false)),
      ),
      { errors: ['States.ALL'], ...caught },
    );

    const charge = this.payment.chargeTask('ProcessPayment', { retryBudget });
    charge.addCatch(
      this.inventory
        .releaseTask('ReleaseAfterDecline', { retryBudget })
        .next(failed(FailureReason.PAYMENT_DECLINED, 'ProcessPayment', 'MarkPaymentDeclined')),
      { errors: [ErrorName.PaymentDeclined], ...caught },
    );
    // Gateway still unavailable after the retries (or any other payment error): the charge may
    // have gone through at the gateway before a timeout, so refund (a no-op when nothing was
    // captured) before putting the stock back.
    charge.addCatch(
      unlessConfirmed(
        'PaymentError',
        this.payment
          .refundTask('RefundAfterPaymentError', { retryBudget })
          .next(this.inventory.releaseTask('ReleaseAfterPaymentError', { retryBudget }))
          .next(failed(FailureReason.PAYMENT_ERROR, 'ProcessPayment', 'MarkPaymentError')),
      ),
      { errors: ['States.ALL'], ...caught },
    );

    const confirmed = new sfn.Succeed(this, 'OrderConfirmed', { outputPath: '$.confirmation' });
    const publishConfirmed = this.publish('PublishOrderConfirmed', 'OrderConfirmed', {
      'orderId.$': '$.order.orderId',
      status: 'CONFIRMED',
      'total.$': '$.confirmation.total',
      'currency.$': '$.order.currency',
      'timestamp.$': '$.confirmation.updatedAt',
    });
    // The order is CONFIRMED either way: an event that cannot be published after the retries must
    // not turn a confirmed order into a failed execution (the state machine's error log has it).
    publishConfirmed.addCatch(confirmed, { errors: ['States.ALL'], resultPath: '$.publishError' });

    // A confirm that failed may have landed all the same (its function crashed or timed out after
    // the write, or its retries ran out on a later attempt). CheckConfirmed reads the order back
    // (consistent read) before anything is compensated: a CONFIRMED order stands, with its money
    // and stock (ConfirmOrderAfterAll returns the stored confirmation: a repeat is a no-op), and
    // only a PENDING one is refunded, released and then marked FAILED. Marking last keeps an order
    // whose compensation runs out of retries PENDING, where the reconciler finds it. (Refunding
    // without this check left orders CONFIRMED but refunded: found by the reliability suite under
    // Express's shorter retries.) A check that cannot read fails the execution, to the reconciler.
    const confirm = this.orderStatus.confirmTask('ConfirmOrder', { retryBudget });
    const checkConfirmed = this.readOrderStatus('CheckConfirmed', '$.confirmCheck', retryBudget);
    const compensateConfirmError = this.payment
      .refundTask('RefundAfterConfirmError', { retryBudget })
      .next(this.inventory.releaseTask('ReleaseAfterConfirmError', { retryBudget }))
      .next(failed(FailureReason.INTERNAL_ERROR, 'ConfirmOrder', 'MarkConfirmError'));
    confirm.addCatch(
      checkConfirmed.next(
        new sfn.Choice(this, 'ConfirmedAfterAll')
          .when(sfn.Condition.stringEquals('$.confirmCheck.status', 'CONFIRMED'), this.orderStatus.confirmTask('ConfirmOrderAfterAll', { retryBudget }).next(publishConfirmed))
          .otherwise(compensateConfirmError),
      ),
      { errors: ['States.ALL'], ...caught },
    );

    const definition = createOrder.next(reserve).next(charge).next(confirm).next(publishConfirmed).next(confirmed);

    const timeout = props.timeout ?? Duration.hours(1);
    const logGroup = new logs.LogGroup(this, 'ExecutionLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy,
    });
    this.executionLogs = logGroup;
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      stateMachineType: props.stateMachineType ?? sfn.StateMachineType.STANDARD,
      timeout,
      tracingEnabled: props.tracingEnabled ?? true,
      // ALL: an operator can follow any order state by state; the data stays out unless asked for.
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: props.logExecutionData ?? false },
    });
    // Express executions end at 5 minutes whatever the timeout says ("Standard vs. Express").
    const limit = express && timeout.toSeconds() > 300 ? Duration.minutes(5) : timeout;
    if (props.checkTimeoutBudget !== false) addTimeoutBudgetCheck(this.stateMachine, limit);
    if (props.reconciler !== false) {
      this.reconciler = new OrderReconciler(this, 'Reconciler', {
        workflow: this.stateMachine,
        workflowTimeout: limit,
        inventory: this.inventory,
        payment: this.payment,
        orderStatus: this.orderStatus,
        eventBus: this.eventBus,
        eventSource: OrderWorkflow.EVENT_SOURCE,
        removalPolicy,
        ...props.reconciler,
      });
    }
    Validations.of(this.stateMachine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'AwsSolutions-IAM5: the *-resource statements are the CloudWatch Logs delivery actions (logs:CreateLogDelivery, GetLogDelivery, ' +
        'UpdateLogDelivery, DeleteLogDelivery, ListLogDeliveries, PutResourcePolicy, DescribeResourcePolicies, DescribeLogGroups) and ' +
        'X-Ray (xray:PutTraceSegments, PutTelemetryRecords, GetSamplingRules, GetSamplingTargets), none of which support resource-level ' +
        'permissions; lambda:InvokeFunction and events:PutEvents are scoped to the step aliases and the bus',
    });
  }

  /**
   * Reads the order's status back (GetItem, consistent read, the status only) into `resultPath`
   * as `{ status }`. A read that fails after its retries fails the execution, leaving the order
   * PENDING for the reconciler.
   */
  private readOrderStatus(id: string, resultPath: string, retryBudget: RetryBudget): tasks.DynamoGetItem {
    const check = new tasks.DynamoGetItem(this, id, {
      table: this.orderStatus.table,
      key: { orderId: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.order.orderId')) },
      consistentRead: true,
      // Only the status: the item also holds the payment token, which must not enter the state data.
      projectionExpression: [new tasks.DynamoProjectionExpression().withAttribute('#status')],
      expressionAttributeNames: { '#status': 'status' },
      resultSelector: { 'status.$': '$.Item.status.S' },
      resultPath,
      // A GetItem answers in milliseconds: 5 s bounds a hung call (and keeps the Express budget).
      taskTimeout: sfn.Timeout.duration(Duration.seconds(5)),
    });
    addStepRetry(check, { errors: [sfn.Errors.ALL], interval: Duration.seconds(1), backoffRate: 2, maxAttempts: 3, jitterStrategy: sfn.JitterType.FULL }, retryBudget);
    return check;
  }

  private readonly failStates = new Map<FailureReason, sfn.Fail>();
  private readonly retryBudget: RetryBudget;

  /** A PutEvents task for one order event, retried like a compensation (the order is settled). */
  private publish(id: string, detailType: string, detail: Record<string, unknown>): tasks.EventBridgePutEvents {
    const task = new tasks.EventBridgePutEvents(this, id, {
      entries: [
        { eventBus: this.eventBus, source: OrderWorkflow.EVENT_SOURCE, detailType, detail: sfn.TaskInput.fromObject(detail) },
      ],
      resultPath: sfn.JsonPath.DISCARD,
      // PutEvents answers in milliseconds: 5 s bounds a hung call (and keeps the Express budget).
      taskTimeout: sfn.Timeout.duration(Duration.seconds(5)),
    });
    retryUntilDone(task, 6, this.retryBudget);
    return task;
  }

  private publishFailed(id: string, reason: FailureReason, reserved: boolean): tasks.EventBridgePutEvents {
    return this.publish(id, 'OrderFailed', {
      'orderId.$': '$.order.orderId',
      status: 'FAILED',
      reason,
      // Before a reservation there is no priced total.
      ...(reserved ? { 'total.$': '$.reservation.total' } : { total: 0 }),
      'currency.$': '$.order.currency',
      'timestamp.$': '$.failure.updatedAt',
    });
  }

  /** One Fail state per reason, shared by every path that ends with that reason. */
  private failState(reason: FailureReason): sfn.Fail {
    let state = this.failStates.get(reason);
    if (!state) {
      state = new sfn.Fail(this, reason, { error: reason, cause: `Order failed: ${reason}` });
      this.failStates.set(reason, state);
    }
    return state;
  }
}
