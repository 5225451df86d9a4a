/**
 * Module-init priming (src/priming.ts): the order-status function runs a `create` as a dry run
 * with the real SDK client. The shared suite of @order-flow/local checks that the dry run
 * completes, no request leaves the process, the opt-in warm-up sends one read, and nothing is
 * printed.
 */
import { WARM_UP_ENV } from '@order-flow/contracts/lambda-init';
import { describePriming } from '@order-flow/local/testing/vitest';
import { createHandler } from '../../src/handler.js';
import { primeOrderStatusFunction } from '../../src/priming.js';
import { layout } from '../support/dynamodb.js';

describePriming({
  name: 'order-status priming',
  dryRuns: 'a dry create',
  template: layout,
  prefix: 'orders',
  warmUpEnv: WARM_UP_ENV,
  // The ids the dry runs use (src/priming.ts).
  dryRunMarkers: ['order-flow-prime', 'ORDER-FLOW-PRIME'],
  functions: [(client, tableName) => primeOrderStatusFunction(createHandler, client, tableName)],
});
