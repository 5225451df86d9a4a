/**
 * @order-flow/local: runs a synthesized AWS CDK app (its cloud assembly) on one machine —
 * DynamoDB tables in DynamoDB Local, Lambda functions from their asset bundles in worker
 * threads, state machines on the @order-flow/step-functions engine, EventBridge and API Gateway
 * HTTP APIs. It knows nothing about orders.
 *
 * The root export is the runtime; each emulated service has its own entry point
 * (`@order-flow/local/lambda`, `/stepfunctions`, `/eventbridge`, `/apigateway`, `/dynamodb`,
 * `/cloudformation`, `/codedeploy`, `/cloudwatch`, `/faults`, `/testing`).
 */
export { LocalRuntime, startLocalRuntime } from './runtime.js';
export type { LocalRuntimeOptions, RunOptions, StartExecutionOptions } from './options.js';
export type { ExecutionResult, StateMachineInfo } from './stepfunctions/plan.js';
export type { LocalResourceInfo, LocalStackInfo, NamedResourceInfo } from './cloudformation/resources.js';
export type { LocalHttpApiInfo } from './apigateway/serve.js';
export type { UnsupportedItem } from './cloudformation/unsupported.js';
export { ConsoleAssetsMissingError } from './console/server.js';
export type { ConsoleOptions, LocalConsole } from './console/server.js';
export type { FunctionStats, DurationSummary } from './lambda/function.js';
export { LOCAL_CREDENTIALS, JavaUnavailableError } from './dynamodb/local.js';
export { PortInUseError, ReservedPort, type PortOption } from './aws-protocol/tcp-ports.js';
export { AssemblyNotFoundError } from './cloudformation/assembly.js';
export { UnresolvableError } from './cloudformation/intrinsics.js';
export { ParameterNotFoundError } from './ssm/parameter-store.js';
export { FunctionError, LambdaAssetMissingError } from './lambda/function.js';
export type { AliasConfig, InvocationOutcome, InvocationRecord, InvocationReport, LambdaErrorPayload } from './lambda/function.js';
export type { DeploymentChange, DeploymentOverrides, DeploymentResult, LocalDeployment, TrafficRouting } from './codedeploy/deployment.js';
export { FaultConfigError } from './faults/injector.js';
export type { FaultConfig, FaultStats } from './faults/injector.js';
export { InvalidEventRuleError } from './eventbridge/rules.js';
export type { EventBridgeEvent } from './eventbridge/bus.js';
export { StepFunctionsError } from '@order-flow/step-functions';
