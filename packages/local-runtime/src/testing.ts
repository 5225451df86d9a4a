/**
 * Vitest global setup that starts one DynamoDB Local for a test project and hands its endpoint
 * to the tests (`inject('dynamodbEndpoint')`). Each test creates its own uniquely named tables.
 *
 * @example
 * // vitest.config.ts
 * test: { globalSetup: ['./tests/global-setup.ts'] }
 * // tests/global-setup.ts
 * export { default } from '@order-flow/local/testing';
 */
import type {} from 'vitest';
import { startDynamoDbLocal } from './dynamodb-local.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}

interface Provider {
  provide(key: 'dynamodbEndpoint', value: string): void;
}

export default async function setup(project: Provider): Promise<() => Promise<void>> {
  const ddb = await startDynamoDbLocal();
  project.provide('dynamodbEndpoint', ddb.endpoint);
  return () => ddb.stop();
}
