/**
 * Module-init priming (src/priming.ts): both functions run their common path as a dry run with
 * the real SDK client. The shared suite of @order-flow/local checks that every dry run completes,
 * no request leaves the process, the opt-in warm-up sends one read, and nothing is printed.
 */
import { WARM_UP_ENV } from '@order-flow/contracts/lambda-init';
import { describePriming } from '@order-flow/local/testing/vitest';
import { createApiHandler } from '../../src/api-handler.js';
import { createHandler } from '../../src/handler.js';
import { primeApiFunction, primeStepFunction } from '../../src/priming.js';
import { layout } from '../support/dynamodb.js';

describePriming({
  name: 'inventory priming',
  dryRuns: 'a dry reserve and a dry stock GET',
  template: layout,
  prefix: 'inventory-test',
  warmUpEnv: WARM_UP_ENV,
  // The ids the dry runs use (src/priming.ts).
  dryRunMarkers: ['order-flow-prime', 'ORDER-FLOW-PRIME'],
  functions: [(client, tableName) => primeStepFunction(createHandler, client, tableName), (client, tableName) => primeApiFunction(createApiHandler, client, tableName)],
});
