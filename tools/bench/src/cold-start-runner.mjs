// Spawned by the cold-start benchmark in a fresh Node process: import one handler module, run
// one invocation, report on fd 3 and exit. Plain JS so no loader (tsx) adds to the start time.
import { writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [file, eventJson] = process.argv.slice(2);
const context = {
  awsRequestId: 'bench',
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'bench',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:bench',
  memoryLimitInMB: '256',
  logGroupName: '/aws/lambda/bench',
  logStreamName: 'bench',
  getRemainingTimeInMillis: () => 10_000,
};
const report = (body) => writeSync(3, `${JSON.stringify(body)}\n`);
try {
  const mod = await import(pathToFileURL(file).href);
  const imported = performance.now();
  const result = await mod.handler(JSON.parse(eventJson), context);
  const invoked = performance.now();
  const failed = result && typeof result === 'object' && typeof result.statusCode === 'number' && result.statusCode >= 500;
  report({ ok: !failed, imported, invoked, node: process.version, result: failed ? result : undefined });
} catch (error) {
  report({ ok: false, error: `${error?.name}: ${error?.message}` });
}
process.exit(0);
