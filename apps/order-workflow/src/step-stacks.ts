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

/** A step construct class, as the step stacks create it. */
type StepConstruct<S, P> = new (scope: Construct, id: string, props: P) => S;

/**
 * One step in a stack of its own: the step construct with the stack's removal policy (over the
 * step props), publishing its references when `referenceApp` is set. The step stacks differ only
 * in the construct and its id.
 */
abstract class StepStack<S extends { publishReference(app: string): unknown }, P extends { readonly removalPolicy?: RemovalPolicy }> extends Stack {
  public readonly step: S;
  protected constructor(scope: Construct, id: string, props: StepStackProps<P>, construct: StepConstruct<S, P>, stepId: string) {
    super(scope, id, props);
    this.step = new construct(this, stepId, { ...props.stepProps, ...(props.removalPolicy && { removalPolicy: props.removalPolicy }) } as P);
    if (props.referenceApp !== undefined) this.step.publishReference(props.referenceApp);
  }
}

/**
 * The inventory team's stack: table, function and its `live` alias. Deployed on its own
 * (`nx run @order-flow/inventory:deploy`); the workflow stack reads the
 * alias ARN and table from the SSM parameters it publishes (`referenceApp`).
 */
export class InventoryStack extends StepStack<InventoryStep, InventoryStepProps> {
  constructor(scope: Construct, id: string, props: StepStackProps<InventoryStepProps> = {}) {
    super(scope, id, props, InventoryStep, 'Inventory');
  }
}

/** The payment team's stack: table, function (simulated gateway) and its `live` alias. */
export class PaymentStack extends StepStack<PaymentStep, PaymentStepProps> {
  constructor(scope: Construct, id: string, props: StepStackProps<PaymentStepProps> = {}) {
    super(scope, id, props, PaymentStep, 'Payment');
  }
}

/** The order-status team's stack: orders table, function and its `live` alias. */
export class OrderStatusStack extends StepStack<OrderStatusStep, OrderStatusStepProps> {
  constructor(scope: Construct, id: string, props: StepStackProps<OrderStatusStepProps> = {}) {
    super(scope, id, props, OrderStatusStep, 'OrderStatus');
  }
}
