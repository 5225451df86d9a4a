/**
 * @order-flow/local: runs a synthesized AWS CDK app (its cloud assembly) on one machine —
 * DynamoDB tables in DynamoDB Local, Lambda functions from their asset bundles in worker
 * threads, state machines on the @order-flow/step-functions engine. It knows nothing about orders.
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
export { FunctionError, LambdaAssetMissingError, LambdaHost, LocalFunction, locateFunctionCode } from './lambda/index.js';
export type {
  AliasConfig,
  DurationSummary,
  FunctionCode,
  FunctionLogs,
  FunctionStats,
  InvocationOutcome,
  InvocationReport,
  LambdaErrorPayload,
  LambdaHostOptions,
  LocalFunctionConfig,
} from './lambda/index.js';
export { startStepFunctionsApi } from './stepfunctions/api.js';
export type { StepFunctionsApi, StepFunctionsApiOptions } from './stepfunctions/api.js';
export { builtInIntegrations, MessageRecorder, putEventsIntegration, EVENTS_PUT_EVENTS_RESOURCE } from './stepfunctions/integrations/index.js';
export type { BuiltInIntegrationDeps, RecordedMessage } from './stepfunctions/integrations/index.js';
export { httpApisFromAssembly, matchRoute, parseRouteKey, responseV1, responseV2, startHttpApi, MAX_REQUEST_BYTES } from './http-api.js';
export type { HttpApiDefinition, HttpRoute, HttpRouteIntegration, LocalHttpApi, StartHttpApiOptions } from './http-api.js';
export { EventBridgeValidationError, EventRecorder, LocalEventBridge, eventBusNamesFromAssembly } from './eventbridge/index.js';
export type { EventBridgeEvent, EventFilter, LocalEventBridgeOptions, PutEventsEntry, PutEventsResponse, RecordedEvent } from './eventbridge/index.js';
export {
  compileEventPattern,
  matchesEventPattern,
  InvalidEventPatternError,
  eventRulesFromAssembly,
  InvalidEventRuleError,
  parseScheduleExpression,
  InvalidScheduleExpressionError,
  targetInput,
  InvalidTargetInputError,
  executionStatusChangeEvent,
} from './eventbridge/index.js';
export type { Delivery, DeliveryFilter, EventPattern, EventRule, ExecutionStatusSource, RuleTarget, Schedule, SchedulerSchedule, TargetHandlers, TargetInputSpec } from './eventbridge/index.js';
export type { LocalEndpoint } from './http-server.js';
export { DYNAMODB_OPERATIONS, FaultConfigError, FaultInjector, mulberry32 } from './faults.js';
export type { DynamoDbFault, DynamoDbFaults, DynamoDbFaultStats, DynamoDbThrottleError, FaultConfig, FaultStats, FunctionFaults, FunctionFaultStats } from './faults.js';
export { startDynamoDbFaultProxy } from './dynamodb-fault-proxy.js';
export type { DynamoDbFaultProxyOptions } from './dynamodb-fault-proxy.js';
export { LocalRuntime, startLocalRuntime } from './runtime.js';
export type { ExecutionResult, LocalHttpApiInfo, LocalResourceInfo, LocalRuntimeOptions, LocalStackInfo, NamedResourceInfo, RunOptions, StartExecutionOptions, StateMachineInfo } from './runtime.js';
export { summarize } from './runtime.js';
