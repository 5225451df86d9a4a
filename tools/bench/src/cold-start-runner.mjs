// Spawned by the cold-start benchmark in a fresh Node process: import one handler module, run
// one invocation and report on fd 3, then run a second (warm) invocation in the same process,
// report again and exit. Plain JS so no loader (tsx) adds to the start time.
// argv: <handler file> <JSON [firstEvent, warmEvent]> <name of the handler's init measure>
import { writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

// Ready: Node has started and this module is evaluated; everything before is bootstrap.
const ready = performance.now();
const [file, eventsJson, initMeasure] = process.argv.slice(2);
const [firstEvent, warmEvent] = JSON.parse(eventsJson);
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
// A 5xx answer, or the floor's GetItem missing its item, is a failed measurement, not a result.
const failed = (result) =>
  result && typeof result === 'object' && ((typeof result.statusCode === 'number' && result.statusCode >= 500) || result.found === false);
try {
  const mod = await import(pathToFileURL(file).href);
  const imported = performance.now();
  // Explicit module-init work (top-level await in the handler) reports itself as a measure,
  // with what it did as the measure's detail (dry runs that failed, the warm-up request).
  const measures = performance.getEntriesByName(initMeasure, 'measure');
  const initMs = measures.reduce((sum, entry) => sum + entry.duration, 0);
  const prime = measures.map((entry) => entry.detail);
  const result = await mod.handler(firstEvent, context);
  const invoked = performance.now();
  report({ ok: !failed(result), ready, imported, initMs, prime, invoked, node: process.version, result: failed(result) ? result : undefined });
  const warmStarted = performance.now();
  const warmResult = await mod.handler(warmEvent, { ...context, awsRequestId: 'bench-warm' });
  const warmMs = performance.now() - warmStarted;
  report({ ok: !failed(warmResult), warmMs, result: failed(warmResult) ? warmResult : undefined });
} catch (error) {
  report({ ok: false, error: `${error?.name}: ${error?.message}` });
}
process.exit(0);
