/**
 * Shared CDK building blocks of the Order Flow packages. Every step ships a prebuilt Lambda
 * bundle and creates its function the same way; this package holds that one way, so a change to
 * the runtime, the defaults or the cdk-nag reasoning is made once.
 */

export * from './deployment.js';
export * from './function.js';
export * from './operability.js';
export * from './retry.js';
export * from './step.js';
export * from './step-base.js';
export * from './step-reference.js';
export * from './table.js';
