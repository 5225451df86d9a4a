/**
 * The child-process side of the restart scenario (restart.test.ts): runs a LocalOrderStack in its
 * own process so the test can kill it for real, with SIGKILL — no `stop()`, no exit handler, no
 * flush. DynamoDB Local's Java process is a separate process the test kills by pid too.
 *
 *   node --import tsx --conditions=@order-flow/source stack-process.ts <assemblyDir> <dynamodbDataDir>
 *
 * Prints one JSON line once the stack answers: `{ apiUrl, pid, dynamodbPid }`.
 */
import { LocalOrderStack } from '../../../src/local/stack.js';
import { reliabilityOptions } from './workflow-type.js';

/** The line the child prints once its stack is up. */
export interface StackProcessReady {
  readonly apiUrl: string;
  readonly pid: number;
  readonly dynamodbPid: number;
}

// SIGTERM (the test gave up waiting for start-up) ends through process.exit, so the runtime's exit
// handler still kills DynamoDB Local. SIGKILL, the point of the scenario, runs nothing.
process.once('SIGTERM', () => process.exit(143));

const [assemblyDir, dynamodbDataDir] = process.argv.slice(2);
if (!assemblyDir || !dynamodbDataDir) {
  console.error('Usage: stack-process.ts <assemblyDir> <dynamodbDataDir>');
  process.exit(2);
}
const stack = await LocalOrderStack.start(reliabilityOptions({ assemblyDir, dynamodbDataDir, apiPort: 0, stepFunctionsPort: 0, log: () => undefined }));
const { pid: dynamodbPid } = stack.runtime.dynamodb;
if (dynamodbPid === undefined) throw new Error('DynamoDB Local started without a pid');
const ready: StackProcessReady = { apiUrl: stack.apiUrl, pid: process.pid, dynamodbPid };
process.stdout.write(`${JSON.stringify(ready)}\n`);
// The test holds our stdin. If the test runner dies without killing us, stdin ends: stop
// cleanly (DynamoDB Local included) instead of lingering.
process.stdin.on('end', () => void stack.stop().finally(() => process.exit(0)));
process.stdin.resume();
