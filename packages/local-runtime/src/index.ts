/**
 * @order-flow/local: runs a synthesized AWS CDK app (its cloud assembly) on one machine —
 * DynamoDB tables in DynamoDB Local, Lambda functions from their asset bundles in worker
 * threads, Standard state machines in aws-local-stepfunctions. It knows nothing about orders.
 */
export * from './dynamodb-local.js';
export * from './ports.js';
export { AssemblyNotFoundError, readCloudAssembly } from './cloud-assembly.js';
export type { AssemblyStack, CfnTemplate, CloudAssembly, FileAsset, TemplateResource } from './cloud-assembly.js';
export { NO_VALUE, UnresolvableError, resolveIntrinsics, evaluateCondition } from './intrinsics.js';
export type { IntrinsicScope } from './intrinsics.js';
export { AssemblyResolver, DEFAULT_ENVIRONMENT } from './resolver.js';
export type { Environment } from './resolver.js';
export { TABLE_TYPES, toCreateTableInput } from './tables.js';
export { FunctionError, LambdaAssetMissingError, LocalFunction, locateFunctionCode } from './lambda.js';
export type { FunctionCode, FunctionLogs, InvocationOutcome, LambdaErrorPayload, LocalFunctionConfig } from './lambda.js';
export { LocalStateMachine, UnsupportedIntegrationError, lambdaError, lambdaInvokeResponse } from './state-machine.js';
export type {
  ExecuteOptions,
  ExecutionEvent,
  ExecutionResult,
  ExecutionStatus,
  FunctionInvoker,
  IntegrationContext,
  LocalStateMachineOptions,
  TaskIntegration,
} from './state-machine.js';
export { LocalRuntime, startLocalRuntime } from './runtime.js';
export type { LocalResourceInfo, LocalRuntimeOptions, LocalStackInfo, NamedResourceInfo, RunOptions } from './runtime.js';
