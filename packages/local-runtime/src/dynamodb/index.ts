/** DynamoDB: DynamoDB Local (Java) and the fault proxy in front of it. */
export * from './local.js';
export { startDynamoDbFaultProxy } from './fault-proxy.js';
export type { DynamoDbFaultProxyOptions } from './fault-proxy.js';
export { PortInUseError } from '../aws-protocol/tcp-ports.js';
export type { LocalEndpoint } from '../aws-protocol/server.js';
export { startDynamoDbService } from './start.js';
export type { DynamoDbService, DynamoDbServiceOptions } from './start.js';
