import { App, type Environment } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
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

/**
 * The app namespace of the step references: each step stack publishes its SSM parameters under
 * `/order-flow/orders/<step>/<key>` (`inventory`, `payment`, `order-status`; keys
 * `live-alias-arn`, `table-name`, `table-arn`, and `stock-api-function-arn` for inventory) and
 * the workflow stack reads them at deploy.
 */
export const STEP_REFERENCE_APP = 'orders';

/** The order workflow's Step Functions type: see the README's "Standard or Express". */
export type WorkflowType = 'STANDARD' | 'EXPRESS';

/** The CDK context key that chooses the workflow type: `cdk synth -c workflowType=EXPRESS`. */
export const WORKFLOW_TYPE_CONTEXT = 'workflowType';

/** Options of {@link buildApp}. */
export interface BuildAppOptions {
  /** Cloud assembly directory. @default 'cdk.out' (CDK's default) */
  readonly outdir?: string;
  /**
   * Standard or Express order workflow.
   * @default - the CDK context value `workflowType` (`-c workflowType=EXPRESS`, or cdk.json), else 'STANDARD'
   */
  readonly workflowType?: WorkflowType;
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
  const workflowType = options.workflowType ?? workflowTypeFromContext(app.node.tryGetContext(WORKFLOW_TYPE_CONTEXT));
  const env: Environment = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  const stepStack = <P>(stepProps: P | undefined, description: string): StepStackProps<P> => ({
    env,
    description,
    referenceApp: STEP_REFERENCE_APP,
    ...(stepProps && { stepProps }),
  });
  const inventory = new InventoryStack(app, STACK_NAMES.inventory, stepStack(options.inventory, 'Order Flow: inventory step'));
  const payment = new PaymentStack(app, STACK_NAMES.payment, stepStack(options.payment, 'Order Flow: payment step'));
  const orderStatus = new OrderStatusStack(app, STACK_NAMES.orderStatus, stepStack(options.orderStatus, 'Order Flow: order-status step'));
  const workflow = new OrderWorkflowStack(app, STACK_NAMES.workflow, {
    env,
    description: 'Order Flow: order workflow (state machine, API, events)',
    // Weak references: SSM parameters resolved at deploy, no Fn::ImportValue between the stacks.
    publishedSteps: { app: STEP_REFERENCE_APP },
    workflowType: workflowType === 'EXPRESS' ? sfn.StateMachineType.EXPRESS : sfn.StateMachineType.STANDARD,
  });
  // The parameters must exist before the workflow stack's first deploy: `cdk deploy --all` and the
  // local runtime start the step stacks first. Ordering only: the templates do not change.
  for (const step of [inventory, payment, orderStatus]) workflow.addStackDependency(step, 'reads the SSM parameters the step stack publishes');
  return app;
}

/** The context value as a {@link WorkflowType}; anything else is an error naming the key and the values it takes. */
function workflowTypeFromContext(value: unknown): WorkflowType {
  if (value === undefined) return 'STANDARD';
  const type = typeof value === 'string' ? value.toUpperCase() : value;
  if (type === 'STANDARD' || type === 'EXPRESS') return type;
  throw new Error(`CDK context ${WORKFLOW_TYPE_CONTEXT}: must be STANDARD or EXPRESS, got ${JSON.stringify(value)}`);
}
