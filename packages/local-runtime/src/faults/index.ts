/** Fault injection: function crashes, timeouts and errors, and DynamoDB throttling and transaction conflicts. */
export { DYNAMODB_OPERATIONS, FaultConfigError, FaultInjector, mulberry32 } from './injector.js';
export type { DynamoDbFault, DynamoDbFaults, DynamoDbFaultStats, DynamoDbThrottleError, FaultConfig, FaultStats, FunctionFaults, FunctionFaultStats } from './injector.js';
export { validateFaults } from './validate.js';
