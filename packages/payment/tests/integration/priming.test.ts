/**
 * Module-init priming (src/priming.ts): the payment function runs a tok_visa charge as a dry run
 * with the real SDK client, down the capture path. The shared suite of @order-flow/local checks
 * that the dry run completes, no request leaves the process, the opt-in warm-up sends one read,
 * and nothing is printed.
 */
import { WARM_UP_ENV } from '@order-flow/contracts/lambda-init';
import { describePriming } from '@order-flow/local/testing/vitest';
import { createHandler } from '../../src/handler.js';
import { primePaymentFunction } from '../../src/priming.js';
import { layout } from '../support/dynamodb.js';

describePriming({
  name: 'payment priming',
  dryRuns: 'a dry charge',
  template: layout,
  prefix: 'payment',
  warmUpEnv: WARM_UP_ENV,
  // The ids the dry runs use (src/priming.ts).
  dryRunMarkers: ['order-flow-prime', 'ORDER-FLOW-PRIME'],
  functions: [(client, tableName) => primePaymentFunction(createHandler, client, tableName)],
});
