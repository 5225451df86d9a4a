import { App, type Environment } from 'aws-cdk-lib';
import { OrderWorkflowStack } from './order-workflow-stack.js';
import { InventoryStack, OrderStatusStack, PaymentStack, type StepStackProps } from './step-stacks.js';
import type { InventoryStepProps } from '@order-flow/inventory';
import type { OrderStatusStepProps } from '@order-flow/order-status';
import type { PaymentStepProps } from '@order-flow/payment';

/** The workflow stack's name; the local runtime and tests read its outputs by this name. */
export const WORKFLOW_STACK_NAME = 'OrderWorkflow';

/**
 * Stack names, one per independently deployable unit. Each step package's `deploy` target deploys
 * its own stack; the app's deploys the workflow stack.
 */
export const STACK_NAMES = {
  inventory: 'OrderFlow-Inventory',
  payment: 'OrderFlow-Payment',
  orderStatus: 'OrderFlow-OrderStatus',
  workflow: WORKFLOW_STACK_NAME,
} as const;

/** Options of {@link buildApp}. */
export interface BuildAppOptions {
  /** Cloud assembly directory. @default 'cdk.out' (CDK's default) */
  readonly outdir?: string;
  /** Per-step construct props, e.g. a patched `code` (used by the stack-isolation test). */
  readonly inventory?: InventoryStepProps;
  readonly payment?: PaymentStepProps;
  readonly orderStatus?: OrderStatusStepProps;
}

/**
 * Builds the CDK app: one stack per step plus the workflow stack. `bin/app.ts` (the `cdk synth`
 * entry) and the demo/tests share it, so what runs locally is exactly what deploys.
 */
export function buildApp(options: BuildAppOptions = {}): App {
  const app = new App(options.outdir ? { outdir: options.outdir } : {});
  const env: Environment = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  const stepStack = <P>(stepProps: P | undefined, description: string): StepStackProps<P> => ({
    env,
    description,
    ...(stepProps && { stepProps }),
  });
  const inventory = new InventoryStack(app, STACK_NAMES.inventory, stepStack(options.inventory, 'Order Flow: inventory step'));
  const payment = new PaymentStack(app, STACK_NAMES.payment, stepStack(options.payment, 'Order Flow: payment step'));
  const orderStatus = new OrderStatusStack(app, STACK_NAMES.orderStatus, stepStack(options.orderStatus, 'Order Flow: order-status step'));
  new OrderWorkflowStack(app, STACK_NAMES.workflow, {
    env,
    description: 'Order Flow: order workflow (state machine, API, events)',
    steps: { inventory: inventory.step, payment: payment.step, orderStatus: orderStatus.step },
  });
  return app;
}
