import { CfnOutput, Stack, type RemovalPolicy, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { OrderApi } from '@order-flow/order-api';
import { OrderWorkflow } from './order-workflow.js';

/** Props of {@link OrderWorkflowStack}. */
export interface OrderWorkflowStackProps extends StackProps {
  /**
   * Removal policy for stateful resources. Use DESTROY only for throwaway environments.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The three steps, the workflow, its event bus and the HTTP API (orders + stock admin), with the
 * names clients need as outputs.
 */
export class OrderWorkflowStack extends Stack {
  public readonly workflow: OrderWorkflow;
  public readonly api: OrderApi;

  constructor(scope: Construct, id: string, props: OrderWorkflowStackProps = {}) {
    super(scope, id, props);
    this.workflow = new OrderWorkflow(this, 'Workflow', {
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
  }
}
