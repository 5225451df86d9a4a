import { App } from 'aws-cdk-lib';
import { OrderWorkflowStack } from './order-workflow-stack.js';

/** Name of the stack `cdk synth` produces; the local runtime and tests look it up by this name. */
export const WORKFLOW_STACK_NAME = 'OrderWorkflow';

/**
 * Builds the CDK app. `bin/app.ts` (the `cdk synth` entry) and the demo/tests share it, so what
 * runs locally is exactly what deploys.
 */
export function buildApp(options: { outdir?: string } = {}): App {
  const app = new App(options.outdir ? { outdir: options.outdir } : {});
  new OrderWorkflowStack(app, WORKFLOW_STACK_NAME, {
    description: 'Order Flow: order workflow (inventory, payment, order status) on Step Functions',
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  return app;
}
