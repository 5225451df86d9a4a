import { CfnOutput, Stack, type RemovalPolicy, type StackProps } from 'aws-cdk-lib';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { InventoryStep, type InventoryStepBase } from '@order-flow/inventory';
import { OrderApi } from '@order-flow/order-api';
import { OrderStatusStep, type OrderStatusStepBase } from '@order-flow/order-status';
import { PaymentStep, type PaymentStepBase } from '@order-flow/payment';
import { OrderWorkflowDashboard } from './dashboard.js';
import { OrderWorkflow } from './order-workflow.js';

/** Props of {@link OrderWorkflowStack}. */
export interface OrderWorkflowStackProps extends StackProps {
  /**
   * The steps as construct objects (of this stack, or of another one: CDK then wires them with
   * `Fn::ImportValue`, which locks the step stacks' exports). Not allowed with `publishedSteps`.
   * @default - the steps are created inside this stack, unless `publishedSteps` is set
   */
  readonly steps?: { readonly inventory: InventoryStepBase; readonly payment: PaymentStepBase; readonly orderStatus: OrderStatusStepBase };
  /**
   * Read the steps from the SSM parameters their own stacks publish under
   * `/order-flow/<app>/<step>/<key>` (`publishReference`, see `step-stacks.ts`): the state machine,
   * grants and API reference them through `AWS::SSM::Parameter::Value<String>` template
   * parameters resolved at deploy, never an export, so a step stack may replace its function
   * and alias in one deploy and this stack picks the new ARNs up on its next deploy.
   * @default - not used: `steps`, or steps created inside this stack
   */
  readonly publishedSteps?: { readonly app: string };
  /**
   * Standard or Express order workflow; see {@link OrderWorkflowProps.stateMachineType} and the
   * README's "Standard or Express" for what each costs and guarantees.
   * @default sfn.StateMachineType.STANDARD
   */
  readonly workflowType?: sfn.StateMachineType;
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
  /** The workflow's CloudWatch dashboard (executions, step durations, orders by outcome). */
  public readonly dashboard: OrderWorkflowDashboard;

  constructor(scope: Construct, id: string, props: OrderWorkflowStackProps = {}) {
    super(scope, id, props);
    if (props.steps && props.publishedSteps) {
      throw new Error(`${this.node.path}: give either steps or publishedSteps, not both`);
    }
    const published = props.publishedSteps && {
      inventory: InventoryStep.fromReference(this, 'InventoryStep', props.publishedSteps.app),
      payment: PaymentStep.fromReference(this, 'PaymentStep', props.publishedSteps.app),
      orderStatus: OrderStatusStep.fromReference(this, 'OrderStatusStep', props.publishedSteps.app),
    };
    this.workflow = new OrderWorkflow(this, 'Workflow', {
      ...(props.steps ?? published),
      ...(props.removalPolicy ? { removalPolicy: props.removalPolicy } : {}),
      ...(props.workflowType && { stateMachineType: props.workflowType }),
    });
    this.api = new OrderApi(this, 'Api', {
      stateMachine: this.workflow.stateMachine,
      ordersTable: this.workflow.orderStatus.table,
    });
    this.workflow.inventory.addApiRoutes(this.api.httpApi);
    this.dashboard = new OrderWorkflowDashboard(this, 'Dashboard', { workflow: this.workflow });

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
