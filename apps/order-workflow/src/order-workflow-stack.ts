import type { RemovalPolicy} from 'aws-cdk-lib';
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { OrderWorkflow } from './order-workflow.js';

/** Props of {@link OrderWorkflowStack}. */
export interface OrderWorkflowStackProps extends StackProps {
  /**
   * Removal policy for stateful resources. Use DESTROY only for throwaway environments.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** One stack holding the three steps and the workflow, with the names clients need as outputs. */
export class OrderWorkflowStack extends Stack {
  public readonly workflow: OrderWorkflow;

  constructor(scope: Construct, id: string, props: OrderWorkflowStackProps = {}) {
    super(scope, id, props);
    this.workflow = new OrderWorkflow(this, 'Workflow', {
      ...(props.removalPolicy ? { removalPolicy: props.removalPolicy } : {}),
    });
    new CfnOutput(this, 'StateMachineArn', { value: this.workflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'InventoryTableName', { value: this.workflow.inventory.table.tableName });
    new CfnOutput(this, 'PaymentTableName', { value: this.workflow.payment.table.tableName });
    new CfnOutput(this, 'OrdersTableName', { value: this.workflow.orderStatus.table.tableName });
  }
}
