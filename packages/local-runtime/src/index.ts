export * from './dynamodb-local.js';
export * from './ports.js';
