import { Stack, type RemovalPolicy, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { InventoryStep, type InventoryStepProps } from '@order-flow/inventory';
import { OrderStatusStep, type OrderStatusStepProps } from '@order-flow/order-status';
import { PaymentStep, type PaymentStepProps } from '@order-flow/payment';

/** Props shared by the step stacks. */
export interface StepStackProps<P> extends StackProps {
  /**
   * Removal policy of the step's table.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Further props of the step construct (e.g. a patched `code`).
   * @default - the construct's defaults
   */
  readonly stepProps?: P;
  /**
   * Publish the step's references (live alias ARN, table name and ARN, ...) as SSM parameters
   * `/order-flow/<referenceApp>/<step>/<key>` for stacks deployed on their own to read.
   * @default - nothing published
   */
  readonly referenceApp?: string;
}

/**
 * The inventory team's stack: table, function and its `live` alias. Deployed on its own
 * (`nx run @order-flow/inventory:deploy`); the workflow stack reads the
 * alias ARN and table from the SSM parameters it publishes (`referenceApp`).
 */
export class InventoryStack extends Stack {
  public readonly step: InventoryStep;
  constructor(scope: Construct, id: string, props: StepStackProps<InventoryStepProps> = {}) {
    super(scope, id, props);
    this.step = new InventoryStep(this, 'Inventory', { ...props.stepProps, ...(props.removalPolicy && { removalPolicy: props.removalPolicy }) });
    if (props.referenceApp !== undefined) this.step.publishReference(props.referenceApp);
  }
}

/** The payment team's stack: table, function (simulated gateway) and its `live` alias. */
export class PaymentStack extends Stack {
  public readonly step: PaymentStep;
  constructor(scope: Construct, id: string, props: StepStackProps<PaymentStepProps> = {}) {
    super(scope, id, props);
    this.step = new PaymentStep(this, 'Payment', { ...props.stepProps, ...(props.removalPolicy && { removalPolicy: props.removalPolicy }) });
    if (props.referenceApp !== undefined) this.step.publishReference(props.referenceApp);
  }
}

/** The order-status team's stack: orders table, function and its `live` alias. */
export class OrderStatusStack extends Stack {
  public readonly step: OrderStatusStep;
  constructor(scope: Construct, id: string, props: StepStackProps<OrderStatusStepProps> = {}) {
    super(scope, id, props);
    this.step = new OrderStatusStep(this, 'OrderStatus', { ...props.stepProps, ...(props.removalPolicy && { removalPolicy: props.removalPolicy }) });
    if (props.referenceApp !== undefined) this.step.publishReference(props.referenceApp);
  }
}
