import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ErrorName, FailureReason } from '@order-flow/contracts';
import { InventoryStep } from '@order-flow/inventory';
import { OrderStatusStep } from '@order-flow/order-status';
import { PaymentStep } from '@order-flow/payment';

/** Props of {@link OrderWorkflow}. */
export interface OrderWorkflowProps {
  /**
   * The inventory step to use.
   * @default - a new InventoryStep with its own table
   */
  readonly inventory?: InventoryStep;
  /**
   * The payment step to use.
   * @default - a new PaymentStep with its own table and the simulated gateway
   */
  readonly payment?: PaymentStep;
  /**
   * The order-status step to use.
   * @default - a new OrderStatusStep with its own table
   */
  readonly orderStatus?: OrderStatusStep;
  /**
   * Standard (exactly-once steps, up to a year, full history) or Express (cheaper, at-least-once).
   * @default sfn.StateMachineType.STANDARD
   */
  readonly stateMachineType?: sfn.StateMachineType;
  /**
   * Longest an order may take end to end before the execution times out.
   * @default Duration.minutes(5)
   */
  readonly timeout?: Duration;
  /**
   * Removal policy of the tables and log group this construct creates.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The order workflow: reserve inventory, take payment, confirm the order, with compensation on
 * every failure path. Each failed order ends in a Fail state whose `Error` is its
 * {@link FailureReason}, after the order record has been marked FAILED with the same reason.
 *
 * ```
 * CreateOrder -> ReserveInventory -> ProcessPayment -> ConfirmOrder -> OrderConfirmed
 *   OutOfStock         -> MarkOutOfStock                                   -> OUT_OF_STOCK
 *   UnknownSku         -> MarkUnknownSku                                   -> UNKNOWN_SKU
 *   reserve error      -> ReleaseAfterReserveError -> MarkReserveError     -> INTERNAL_ERROR
 *   PaymentDeclined    -> ReleaseAfterDecline -> MarkPaymentDeclined       -> PAYMENT_DECLINED
 *   payment error      -> RefundAfterPaymentError -> ReleaseAfterPaymentError -> MarkPaymentError -> PAYMENT_ERROR
 *   confirm error      -> RefundAfterConfirmError -> ReleaseAfterConfirmError -> MarkConfirmError -> INTERNAL_ERROR
 * ```
 *
 * @example
 * const workflow = new OrderWorkflow(stack, 'Orders');
 * workflow.stateMachine.grantStartExecution(apiFunction);
 */
export class OrderWorkflow extends Construct {
  public readonly inventory: InventoryStep;
  public readonly payment: PaymentStep;
  public readonly orderStatus: OrderStatusStep;
  public readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: OrderWorkflowProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.inventory = props.inventory ?? new InventoryStep(this, 'Inventory', { removalPolicy });
    this.payment = props.payment ?? new PaymentStep(this, 'Payment', { removalPolicy });
    this.orderStatus = props.orderStatus ?? new OrderStatusStep(this, 'OrderStatus', { removalPolicy });

    const caught = { resultPath: '$.error' };
    const failed = (reason: FailureReason, causedBy: string, id: string) =>
      this.orderStatus.failTask(id, reason, { causedBy }).next(this.failState(reason));

    // Invalid orders fail CreateOrder itself: nothing is written, and the execution's error is
    // InvalidOrder with a cause naming every offending field.
    const createOrder = this.orderStatus.createTask('CreateOrder');

    const reserve = this.inventory.reserveTask('ReserveInventory');
    reserve.addCatch(failed(FailureReason.OUT_OF_STOCK, 'ReserveInventory', 'MarkOutOfStock'), {
      errors: [ErrorName.OutOfStock],
      ...caught,
    });
    reserve.addCatch(failed(FailureReason.UNKNOWN_SKU, 'ReserveInventory', 'MarkUnknownSku'), {
      errors: [ErrorName.UnknownSku],
      ...caught,
    });
    // Anything else (contention after retries, a timeout after the transaction committed): release
    // whatever may have been taken. Release is idempotent and safe when nothing was reserved.
    reserve.addCatch(
      this.inventory
        .releaseTask('ReleaseAfterReserveError')
        .next(failed(FailureReason.INTERNAL_ERROR, 'ReserveInventory', 'MarkReserveError')),
      { errors: ['States.ALL'], ...caught },
    );

    const charge = this.payment.chargeTask('ProcessPayment');
    charge.addCatch(
      this.inventory
        .releaseTask('ReleaseAfterDecline')
        .next(failed(FailureReason.PAYMENT_DECLINED, 'ProcessPayment', 'MarkPaymentDeclined')),
      { errors: [ErrorName.PaymentDeclined], ...caught },
    );
    // Gateway still unavailable after the retries (or any other payment error): the charge may
    // have gone through at the gateway before a timeout, so refund (a no-op when nothing was
    // captured) before putting the stock back.
    charge.addCatch(
      this.payment
        .refundTask('RefundAfterPaymentError')
        .next(this.inventory.releaseTask('ReleaseAfterPaymentError'))
        .next(failed(FailureReason.PAYMENT_ERROR, 'ProcessPayment', 'MarkPaymentError')),
      { errors: ['States.ALL'], ...caught },
    );

    const confirm = this.orderStatus.confirmTask('ConfirmOrder');
    confirm.addCatch(
      this.payment
        .refundTask('RefundAfterConfirmError')
        .next(this.inventory.releaseTask('ReleaseAfterConfirmError'))
        .next(failed(FailureReason.INTERNAL_ERROR, 'ConfirmOrder', 'MarkConfirmError')),
      { errors: ['States.ALL'], ...caught },
    );

    const definition = createOrder
      .next(reserve)
      .next(charge)
      .next(confirm)
      .next(new sfn.Succeed(this, 'OrderConfirmed', { outputPath: '$.confirmation' }));

    const logGroup = new logs.LogGroup(this, 'ExecutionLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      stateMachineType: props.stateMachineType ?? sfn.StateMachineType.STANDARD,
      timeout: props.timeout ?? Duration.minutes(5),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ERROR, includeExecutionData: false },
    });
  }

  private readonly failStates = new Map<FailureReason, sfn.Fail>();

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
