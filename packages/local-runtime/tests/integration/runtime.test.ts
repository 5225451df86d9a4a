import { execFileSync } from 'node:child_process';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FunctionError, LOCAL_CREDENTIALS, LocalRuntime } from '@order-flow/local';
import { STACK } from '../app/test-app.ts';

describe('LocalRuntime against the synthesized test app', () => {
  let runtime: LocalRuntime;
  const logLines: string[] = [];

  beforeAll(async () => {
    runtime = await LocalRuntime.start({
      assemblyDir: inject('assemblyDir'),
      clock: 'virtual',
      functionLogs: (fn, line) => logLines.push(`${fn}: ${line}`),
    });
  });
  afterAll(() => runtime?.stop());

  describe('tables', () => {
    it('creates every template table with its keys and GSIs', async () => {
      const client = new DynamoDBClient({ endpoint: runtime.dynamodb.endpoint, region: runtime.dynamodb.region, credentials: LOCAL_CREDENTIALS });
      try {
        const items = await client.send(new DescribeTableCommand({ TableName: runtime.physicalId(`${STACK}/Items`) }));
        expect(items.Table?.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }]);
        expect(items.Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');

        const indexed = await client.send(new DescribeTableCommand({ TableName: runtime.physicalId(`${STACK}/Indexed`) }));
        expect(indexed.Table?.KeySchema).toEqual([
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ]);
        expect(indexed.Table?.GlobalSecondaryIndexes?.map((gsi) => ({ name: gsi.IndexName, keys: gsi.KeySchema }))).toEqual([
          { name: 'byStatus', keys: [{ AttributeName: 'status', KeyType: 'HASH' }, { AttributeName: 'createdAt', KeyType: 'RANGE' }] },
        ]);
      } finally {
        client.destroy();
      }
    });

    it('lists the tables with their local names and ARNs', () => {
      expect(runtime.tables.map((t) => [t.path, t.type])).toEqual([
        [`${STACK}/Items/Resource`, 'AWS::DynamoDB::GlobalTable'],
        [`${STACK}/Indexed/Resource`, 'AWS::DynamoDB::Table'],
      ]);
      expect(runtime.tables[0]!.arn).toBe(`arn:aws:dynamodb:us-east-1:000000000000:table/${runtime.tables[0]!.name}`);
    });
  });

  describe('outputs and physical ids', () => {
    it('resolves outputs per stack and merged, including cross-stack imports', () => {
      const tableName = runtime.physicalId(`${STACK}/Items`);
      const flowArn = runtime.stateMachines[0]!.arn;
      expect(runtime.outputs(STACK)).toEqual({ ItemsTableName: tableName, FlowArn: flowArn, Where: `us-east-1/000000000000/${tableName}` });
      expect(runtime.outputs()).toMatchObject({ ItemsTableName: tableName, ImportedFlowArn: flowArn });
    });

    it('finds a resource by construct path or logical id', () => {
      const byPath = runtime.physicalId(`${STACK}/Items`);
      const logicalId = runtime.tables[0]!.logicalId;
      expect(byPath).toMatch(new RegExp(`^${STACK}-Items[0-9A-F]+-[A-Z0-9]{6}$`));
      expect(runtime.physicalId(logicalId)).toBe(byPath);
      expect(runtime.physicalId(`/${STACK}/Items/Resource`)).toBe(byPath);
      expect(runtime.physicalId(`${STACK}/Flow`)).toBe(runtime.stateMachines[0]!.arn);
      expect(() => runtime.physicalId(`${STACK}/Nope`)).toThrow(/No resource at path or with logical id/);
      expect(() => runtime.physicalId(STACK)).toThrow(/matches several resources/);
    });
  });

  describe('functions', () => {
    it('gives each function its own resolved environment and a Lambda context', async () => {
      const store = runtime.functions.find((f) => f.path === `${STACK}/Store/Resource`)!;
      const env = (await runtime.invoke(`${STACK}/Store`, { action: 'env' })) as Record<string, unknown>;
      expect(env).toEqual({
        TABLE_NAME: runtime.physicalId(`${STACK}/Items`),
        INDEX_TABLE_ARN: runtime.tables[1]!.arn,
        ROLE: 'store',
        AWS_LAMBDA_FUNCTION_NAME: store.name,
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL_DYNAMODB: runtime.dynamodb.functionEndpoint, // the fault proxy in front of DynamoDB Local
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
        context: { functionName: store.name, invokedFunctionArn: store.arn, memoryLimitInMB: '256', hasRequestId: true, remaining: expect.any(Number) },
      });
      expect((env.context as { remaining: number }).remaining).toBeGreaterThan(8_000);

      const chaos = runtime.functions.find((f) => f.path === `${STACK}/Chaos/Resource`)!;
      await expect(runtime.invoke(chaos.arn, { action: 'env' })).resolves.toEqual({ ROLE: 'chaos', TABLE_NAME: null, AWS_LAMBDA_FUNCTION_NAME: chaos.name });
    });

    it('accepts a qualified ARN and reports it as the invoked ARN', async () => {
      const store = runtime.functions[0]!;
      const env = (await runtime.invoke(`${store.arn}:live`, { action: 'env' })) as { context: { invokedFunctionArn: string } };
      expect(env.context.invokedFunctionArn).toBe(`${store.arn}:live`);
    });

    it('reports a function error as errorType/errorMessage', async () => {
      const error = await runtime.invoke(`${STACK}/Chaos`, { action: 'boom', id: 'x1' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FunctionError);
      expect(error).toMatchObject({ name: 'Boom', errorType: 'Boom', errorMessage: 'boom for x1' });
      expect((error as FunctionError).trace[0]).toBe('Boom: boom for x1');
    });

    it('ends an invocation that outlives the template Timeout with Sandbox.Timedout', async () => {
      const started = Date.now();
      const error = await runtime.invoke(`${STACK}/Chaos`, { action: 'sleep', ms: 5_000 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 1.00 seconds' });
      expect(Date.now() - started).toBeLessThan(2_500);
      // The environment is replaced: the next invocation works (cold start).
      await expect(runtime.invoke(`${STACK}/Chaos`, { action: 'sleep', ms: 1 })).resolves.toEqual({ slept: 1 });
    });

    it('routes function output to the functionLogs callback', async () => {
      await runtime.invoke(`${STACK}/Chaos`, { action: 'log' });
      await expect.poll(() => logLines).toContainEqual(expect.stringMatching(/Chaos.*: hello from chaos$/));
    });

    it('invokeOutcome: simultaneous calls run in different environments, each with its REPORT; an error is returned, not thrown', async () => {
      const outcomes = await Promise.all([1, 2].map(() => runtime.invokeOutcome(`${STACK}/Chaos`, { action: 'sleep', ms: 200 })));

      expect(outcomes.map((o) => o.ok && o.result)).toEqual([{ slept: 200 }, { slept: 200 }]);
      const streams = outcomes.map((o) => o.report?.logStreamName);
      expect(streams.every((stream) => typeof stream === 'string')).toBe(true);
      expect(new Set(streams).size).toBe(2);
      // One after the other, a warm environment serves again (the negative control of the above).
      const first = await runtime.invokeOutcome(`${STACK}/Chaos`, { action: 'sleep', ms: 1 });
      const again = await runtime.invokeOutcome(`${STACK}/Chaos`, { action: 'sleep', ms: 1 });
      expect(again.report?.logStreamName).toBe(first.report?.logStreamName);
      expect(again.report?.initDurationMs).toBeUndefined();
      await expect(runtime.invokeOutcome(`${STACK}/Chaos`, { action: 'boom', id: 'x2' })).resolves.toMatchObject({ ok: false, error: { errorType: 'Boom', errorMessage: 'boom for x2' } });
    });

    it('rejects an unknown function clearly', async () => {
      await expect(runtime.invoke('nope', {})).rejects.toThrow(/No function 'nope' in the assembly/);
    });
  });

  describe('state machine', () => {
    it('runs the happy path through DynamoDB and returns output and visited states', async () => {
      const result = await runtime.run({ id: 'happy-1', mode: 'ok' }, { name: 'happy-1' });
      expect(result).toMatchObject({
        status: 'SUCCEEDED',
        name: 'happy-1',
        executionArn: `${runtime.stateMachines[0]!.arn.replace(':stateMachine:', ':execution:')}:happy-1`,
        output: { id: 'happy-1', item: { id: 'happy-1', mode: 'ok' }, status: 200, version: '$LATEST' },
        statesVisited: ['Save', 'Load', 'Route', 'Shape', 'Done'],
      });
      expect(result.stopDate.getTime()).toBeGreaterThanOrEqual(result.startDate.getTime());
      expect(result.history[0]).toMatchObject({ type: 'ExecutionStarted' });
      expect(result.history.at(-1)).toMatchObject({ type: 'ExecutionSucceeded' });
    });

    it('ends FAILED with the caught Boom: the Catch ResultPath saw {Error, Cause} like AWS', async () => {
      const result = await runtime.run({ id: 'boom-1', mode: 'boom' });
      expect(result.status).toBe('FAILED');
      expect(result.error).toBe('Boom');
      expect(result.statesVisited).toEqual(['Save', 'Load', 'Route', 'Explode', 'Failed']);
      const failEntered = result.history.find((e) => e.type === 'FailStateEntered')!.stateEnteredEventDetails as { input: string };
      const failInput = { input: JSON.parse(failEntered.input) as { error: { Error: string; Cause: string } } };
      expect(Object.keys(failInput.input.error)).toEqual(['Error', 'Cause']);
      expect(failInput.input.error.Error).toBe('Boom');
      expect(JSON.parse(failInput.input.error.Cause)).toMatchObject({ errorType: 'Boom', errorMessage: 'boom for boom-1', trace: expect.any(Array) });
      expect(result.cause).toBe(failInput.input.error.Cause);
    });

    it('retries with the definition\'s real intervals on virtual time, and does not re-enter the retried state', async () => {
      const wallStart = Date.now();
      const result = await runtime.run({ id: 'flaky-1', mode: 'flaky' });
      expect(result.status).toBe('SUCCEEDED');
      expect(result.retries).toBe(2);
      expect(result.statesVisited).toEqual(['Save', 'Load', 'Route', 'Shape', 'Done']);
      // The definition waits up to 5 s then 10 s (FULL jitter): the history's timestamps keep the
      // waits between the failed attempt and the next one, the wall clock does not pay them.
      const scheduled = result.history.filter((e) => e.type === 'TaskScheduled').map((e) => e.timestamp.getTime());
      const failed = result.history.filter((e) => e.type === 'TaskFailed').map((e) => e.timestamp.getTime());
      expect(scheduled[1]! - failed[0]!).toBeLessThanOrEqual(5_000);
      expect(scheduled[2]! - failed[1]!).toBeLessThanOrEqual(10_000);
      expect(Date.now() - wallStart).toBeLessThan(5_000);
    });

    it('waits a Wait state\'s full 30 s on virtual time, in well under that of wall time', async () => {
      const wallStart = Date.now();
      const result = await runtime.run({ id: 'slow-1', mode: 'slow' });
      expect(result.status).toBe('SUCCEEDED');
      expect(result.statesVisited).toEqual(['Save', 'Load', 'Route', 'Pause', 'Shape', 'Done']);
      const entered = result.history.find((e) => e.type === 'WaitStateEntered')!.timestamp.getTime();
      const exited = result.history.find((e) => e.type === 'WaitStateExited')!.timestamp.getTime();
      expect(exited - entered).toBeGreaterThanOrEqual(30_000);
      expect(result.durationMs).toBeGreaterThanOrEqual(30_000);
      expect(Date.now() - wallStart).toBeLessThan(5_000);
    });

    it('aborts an execution on signal', async () => {
      const controller = new AbortController();
      const running = runtime.run({ id: 'abort-1', mode: 'slow' }, { signal: controller.signal });
      controller.abort();
      await expect(running).resolves.toMatchObject({ status: 'ABORTED' });
    });

    it('runs 200 executions concurrently', async () => {
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) => runtime.run({ id: `many-${i}`, mode: i % 10 === 0 ? 'boom' : 'ok' })),
      );
      expect(results.filter((r) => r.status === 'SUCCEEDED')).toHaveLength(180);
      expect(results.filter((r) => r.status === 'FAILED' && r.error === 'Boom')).toHaveLength(20);
      expect(new Set(results.map((r) => r.executionArn)).size).toBe(200);
      expect(results[1]!.output).toMatchObject({ id: 'many-1', item: { id: 'many-1', mode: 'ok' } });
    });

    it('selects a state machine by name, ARN or path and rejects an unknown one', async () => {
      const machine = runtime.stateMachines[0]!;
      for (const ref of [machine.name, machine.arn, `${STACK}/Flow`]) {
        await expect(runtime.run({ id: `sel-${ref.length}`, mode: 'ok' }, { stateMachine: ref })).resolves.toMatchObject({ status: 'SUCCEEDED' });
      }
      await expect(runtime.run({}, { stateMachine: 'Nope' })).rejects.toThrow(/No resource of type AWS::StepFunctions::StateMachine/);
    });
  });

  it('stop() terminates DynamoDB Local and is idempotent', async () => {
    const { port, pid } = runtime.dynamodb;
    const javaFor = () => execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n').filter((line) => line.includes('DynamoDBLocal.jar') && line.includes(`-port ${port}`));
    expect(javaFor()).toHaveLength(1);
    // `dynamodb.pid` is that Java process.
    expect(Number(javaFor()[0]!.trim().split(/\s+/)[0])).toBe(pid);
    await Promise.all([runtime.stop(), runtime.stop()]);
    await runtime.stop();
    expect(javaFor()).toEqual([]);
    await expect(runtime.run({})).rejects.toThrow(/stopped/);
  });
});
