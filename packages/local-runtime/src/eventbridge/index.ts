/**
 * The local EventBridge: the bus (PutEvents, rules, targets, schedules), event patterns, target
 * input transformation, schedule expressions and Step Functions status change events.
 */
export * from './bus.js';
export { compileEventPattern, matchesEventPattern, InvalidEventPatternError } from './pattern.js';
export type { EventPattern } from './pattern.js';
export { eventRulesFromAssembly, targetKindOf, busNameOf, InvalidEventRuleError } from './rules.js';
export type { EventRule, RuleResolver, RuleTarget, SchedulerSchedule, TargetKind } from './rules.js';
export { parseScheduleExpression, zonedToEpoch, InvalidScheduleExpressionError } from './schedule.js';
export type { Schedule } from './schedule.js';
export { readPath, renderTemplate, targetInput, validateTargetInput, InvalidTargetInputError } from './transform.js';
export type { TargetInputSpec, TransformContext } from './transform.js';
export { executionStatusChangeEvent } from './sfn-events.js';
export type { ExecutionStatusChangeDetail, ExecutionStatusSource } from './sfn-events.js';
export { connectToEngine, eventBridgeFromAssembly } from './assembly.js';
export { ReservedPort, type PortOption } from '../aws-protocol/tcp-ports.js';
