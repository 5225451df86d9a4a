/** Step Functions: the JSON-protocol endpoint over the engine, the built-in Task integrations and execution summaries. */
export { startStepFunctionsApi } from './endpoint.js';
export type { StepFunctionsApi, StepFunctionsApiOptions } from './endpoint.js';
export * from './integrations/index.js';
export { summarize } from './plan.js';
export type { ExecutionResult, StateMachineInfo } from './plan.js';
export { ReservedPort, type PortOption } from '../aws-protocol/tcp-ports.js';
