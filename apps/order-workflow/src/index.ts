export * from './app.js';
export * from './dashboard.js';
export * from './order-workflow.js';
export * from './order-workflow-stack.js';
export * from './reconciler.js';
export * from './step-stacks.js';
