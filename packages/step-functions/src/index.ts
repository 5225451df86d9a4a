/**
 * `@order-flow/step-functions`: an Amazon States Language interpreter. JSONPath and JSONata,
 * every state type, AWS's Retry/Catch/timeout semantics, task tokens, nested executions,
 * Standard and Express, history in AWS event shapes, and virtual time. No AWS SDK: the host
 * (e.g. `@order-flow/local`) supplies Lambda and other integrations.
 *
 * @packageDocumentation
 */
export { RealClock, VirtualClock, type Clock, type SleepOptions } from './clock.js';
export { InvalidDefinitionError, StatesError, StatesErrors } from './errors.js';
export { detailsKeyOf, withoutExecutionData, type HistoryEvent } from './history.js';
export type { ExecutionOutcome, ExecutionStatus } from './execution.js';
export type { BillingDetails } from './express-billing.js';
export { parseResource, UnsupportedIntegrationError, type ResourceInfo } from './integrations/dispatch.js';
export { invokeResponse } from './integrations/lambda.js';
export type { FunctionInvoker, LambdaOutcome, TaskIntegration, TaskRequest } from './integrations/types.js';
export { validateDefinition } from './definition/validate.js';
export {
  mulberry32,
  StepFunctionsEngine,
  StepFunctionsError,
  type ExecutionDescription,
  type ExecutionListItem,
  type ExecutionResult,
  type ExecutionState,
  type HostStartOptions,
  type StateMachineDescription,
  type StateMachineType,
  type StepFunctionsEngineOptions,
  type StepFunctionsErrorName,
} from './service.js';
export { runStateMachine, type RunOptions } from './run.js';
export { worstCaseDuration, type WorstCase, type WorstCaseOptions } from './analysis/worst-case.js';
export { testState, TestStateRequestError, type TestStateHost, type TestStateInspectionData, type TestStateRequest, type TestStateResult } from './test-state.js';
