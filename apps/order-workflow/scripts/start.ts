/**
 * `pnpm start`: the order workflow as a long-running local stack. Synthesizes the CDK app and
 * serves it on this machine: the HTTP API (API Gateway emulation in front of the real Lambda
 * bundles), a Step Functions endpoint for @aws-sdk/client-sfn and the AWS CLI, and DynamoDB Local.
 *
 *   pnpm start [--api-port 3000] [--sfn-port 8083] [--dynamodb-port 8000] [--console-port 8090] [--no-seed] [--logs]
 *
 * Ctrl-C (SIGINT) or SIGTERM stops everything, DynamoDB Local's Java process included.
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { LocalOrderStack } from '../src/local/stack.js';
import { DEMO_STOCK } from './demo-orders.js';

const { values } = parseArgs({
  options: {
    'api-port': { type: 'string', default: process.env.API_PORT ?? '3000' },
    'sfn-port': { type: 'string', default: process.env.SFN_PORT ?? '8083' },
    'dynamodb-port': { type: 'string', default: process.env.DYNAMODB_PORT ?? '8000' },
    'console-port': { type: 'string', default: process.env.CONSOLE_PORT ?? '8090' },
    'no-seed': { type: 'boolean', default: false },
    logs: { type: 'boolean', default: false },
  },
});
const port = (name: string, value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    console.error(`--${name} must be a port number 0-65535, got "${value}"`);
    process.exit(2);
  }
  return n;
};

console.log('Synthesizing the CDK app and starting the local stack ...');
let stack: LocalOrderStack;
try {
  stack = await LocalOrderStack.start({
    assemblyDir: fileURLToPath(new URL('../cdk.out', import.meta.url)),
    apiPort: port('api-port', values['api-port']),
    stepFunctionsPort: port('sfn-port', values['sfn-port']),
    dynamodbPort: port('dynamodb-port', values['dynamodb-port']),
    console: { port: port('console-port', values['console-port']) },
    functionLogs: values.logs ? 'inherit' : 'silent',
    // A long-running stack for people: wall-clock time, every wait as the template says.
    clock: 'real',
  });
} catch (error) {
  console.error(`Could not start: ${(error as Error).message}`);
  process.exit(1);
}

if (!values['no-seed']) await stack.seedStock(DEMO_STOCK);

const api = stack.apiUrl;
console.log(`
Order Flow is running locally.

  Local console      ${stack.runtime.console!.url}     state machines, executions live, tables, functions, events
  Order API          ${api}            POST /orders, GET /orders/{orderId}
  Stock API          ${api}/inventory/{sku}   GET, PUT {"available":n,"unitPrice":m}
  Order events       ${api}/events     (what EventBridge would deliver)
  Step Functions     ${stack.stepFunctionsEndpoint}
  DynamoDB Local     ${stack.runtime.dynamodb.endpoint}
  State machine      ${stack.stateMachineArn}
${values['no-seed'] ? '' : `  Seeded stock       ${DEMO_STOCK.map((s) => `${s.sku}=${s.available}`).join(', ')}\n`}
Try:
  curl -s -X POST ${api}/orders -H 'content-type: application/json' \\
    -d '{"orderId":"ord_hello","customerId":"cus_42","items":[{"sku":"SKU-RED-MUG","quantity":2}],"payment":{"token":"tok_visa"},"currency":"USD"}'
  curl -s ${api}/orders/ord_hello
  AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local aws stepfunctions list-executions \\
    --endpoint-url ${stack.stepFunctionsEndpoint} --region us-east-1 --state-machine-arn ${stack.stateMachineArn}

Ctrl-C stops everything.`);

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping ...`);
  stack.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
