import { CfnOutput, Stack, type RemovalPolicy, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { InventoryStep } from '@order-flow/inventory';
import { OrderApi } from '@order-flow/order-api';
import type { OrderStatusStep } from '@order-flow/order-status';
import type { PaymentStep } from '@order-flow/payment';
import { OrderWorkflow } from './order-workflow.js';

/** Props of {@link OrderWorkflowStack}. */
export interface OrderWorkflowStackProps extends StackProps {
  /**
   * The steps, usually from their own stacks (see `buildApp`): the state machine then references
   * each step's `live` alias ARN across stacks, so a step's code change leaves this stack as is.
   * @default - the steps are created inside this stack
   */
  readonly steps?: { readonly inventory: InventoryStep; readonly payment: PaymentStep; readonly orderStatus: OrderStatusStep };
  /**
   * Removal policy for stateful resources. Use DESTROY only for throwaway environments.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The workflow (state machine), its event bus and the HTTP API (orders + stock admin), with the
 * names clients need as outputs. The steps come from their own stacks or are created here.
 */
export class OrderWorkflowStack extends Stack {
  public readonly workflow: OrderWorkflow;
  public readonly api: OrderApi;

  constructor(scope: Construct, id: string, props: OrderWorkflowStackProps = {}) {
    super(scope, id, props);
    this.workflow = new OrderWorkflow(this, 'Workflow', {
      ...props.steps,
      ...(props.removalPolicy ? { removalPolicy: props.removalPolicy } : {}),
    });
    this.api = new OrderApi(this, 'Api', {
      stateMachine: this.workflow.stateMachine,
      ordersTable: this.workflow.orderStatus.table,
    });
    this.workflow.inventory.addApiRoutes(this.api.httpApi);

    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'StateMachineArn', { value: this.workflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'EventBusName', { value: this.workflow.eventBus.eventBusName });
    new CfnOutput(this, 'InventoryTableName', { value: this.workflow.inventory.table.tableName });
    new CfnOutput(this, 'PaymentTableName', { value: this.workflow.payment.table.tableName });
    new CfnOutput(this, 'OrdersTableName', { value: this.workflow.orderStatus.table.tableName });
    const reconciler = this.workflow.reconciler;
    if (reconciler) {
      new CfnOutput(this, 'SettlementStateMachineArn', { value: reconciler.settlement.stateMachineArn });
      new CfnOutput(this, 'ReconciliationStateMachineArn', { value: reconciler.reconciliation.stateMachineArn });
      new CfnOutput(this, 'UnsettledOrdersTableName', { value: reconciler.unsettledTable.tableName });
    }
  }
}
