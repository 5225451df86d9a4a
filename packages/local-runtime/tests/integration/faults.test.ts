import { randomUUID } from 'node:crypto';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { FaultConfigError, FunctionError, LOCAL_CREDENTIALS, LocalRuntime, type FaultConfig, type FaultStats } from '@order-flow/local';
import { STACK } from '../app/test-app.ts';

const STORE = `${STACK}/Store`;
const CHAOS = `${STACK}/Chaos`;

describe('fault injection driven by configuration', () => {
  let runtime: LocalRuntime;
  let client: DynamoDBClient;
  let tableName: string;

  beforeAll(async () => {
    runtime = await LocalRuntime.start({ assemblyDir: inject('assemblyDir'), clock: 'virtual' });
    // Straight to DynamoDB Local: the test's own reads are never faulted.
    client = new DynamoDBClient({ endpoint: runtime.dynamodb.endpoint, region: runtime.dynamodb.region, credentials: LOCAL_CREDENTIALS });
    tableName = runtime.physicalId(`${STACK}/Items`);
  });
  afterEach(() => runtime.setFaults({}));
  afterAll(async () => {
    client?.destroy();
    await runtime?.stop();
  });

  const stored = async (id: string) => {
    const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: id } }, ConsistentRead: true }));
    return Item !== undefined;
  };
  const failureOf = async (promise: Promise<unknown>): Promise<FunctionError> => {
    const error = await promise.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(FunctionError);
    return error as FunctionError;
  };

  describe('functions', () => {
    // Each fault on a direct invoke: the error the caller sees, whether the side effect happened, and the counters.
    it.each<{ title: string; faults: FaultConfig['functions']; error: Partial<Error>; sideEffect: boolean; stats: (stats: FaultStats) => void }>([
      {
        title: 'crashAfterSuccessRate 1: the side effect happens, the caller sees Runtime.ExitError',
        faults: { [STORE]: { crashAfterSuccessRate: 1 } },
        error: { name: 'Runtime.ExitError' },
        sideEffect: true,
        stats: (stats) => expect(stats.functions[STORE]).toEqual({ invocations: 1, crashAfterSuccess: 1, timeoutAfterSuccess: 0, throttle: 0 }),
      },
      {
        title: 'timeoutAfterSuccessRate 1: the side effect happens, the caller sees Sandbox.Timedout with the function timeout',
        faults: { Store: { timeoutAfterSuccessRate: 1 } }, // a path suffix names the function too
        error: { name: 'Sandbox.Timedout', message: 'Task timed out after 10.00 seconds' },
        sideEffect: true,
        stats: (stats) => expect(stats.functions.Store?.timeoutAfterSuccess).toBe(1),
      },
      {
        title: 'throttleRate 1: fails before running, with no side effect',
        faults: { [STORE]: { throttleRate: 1 } },
        error: { name: 'Lambda.TooManyRequestsException' },
        sideEffect: false,
        stats: (stats) => expect(stats).toMatchObject({ functions: { [STORE]: { throttle: 1 } }, total: 1 }),
      },
    ])('$title', async ({ faults, error: expected, sideEffect, stats }) => {
      runtime.setFaults({ functions: faults });
      const id = `fault-${randomUUID()}`;

      const error = await failureOf(runtime.invoke(STORE, { action: 'put', id, mode: 'plain' }));

      expect(error).toMatchObject(expected);
      expect(await stored(id)).toBe(sideEffect);
      stats(runtime.faultStats());
    });

    it('a crash at a Task state fails the execution after the function wrote its item', async () => {
      runtime.setFaults({ functions: { [STORE]: { crashAfterSuccessRate: 1 } } });
      const id = `sfn-crash-${randomUUID()}`;

      const result = await runtime.run({ id, mode: 'plain' });

      expect(result).toMatchObject({ status: 'FAILED', error: 'Runtime.ExitError' });
      expect(await stored(id)).toBe(true);
    });

    it('a function error is reported as is, not replaced by a fault', async () => {
      runtime.setFaults({ functions: { [CHAOS]: { crashAfterSuccessRate: 1 } } });

      const error = await failureOf(runtime.invoke(CHAOS, { action: 'boom', id: 'x' }));

      expect(error.name).toBe('Boom');
      expect(runtime.faultStats().functions[CHAOS]).toMatchObject({ invocations: 1, crashAfterSuccess: 0 });
    });

    it('rate 0.5 with a seed gives the same sequence twice, another seed a different one', async () => {
      const sequence = async (faults: FaultConfig) => {
        runtime.setFaults(faults);
        const outcomes: string[] = [];
        for (let i = 0; i < 24; i++) {
          outcomes.push(await runtime.invoke(CHAOS, { i }).then(
            () => 'ok',
            (error: Error) => error.name,
          ));
        }
        return outcomes;
      };
      const faults = { seed: 1234, functions: { [CHAOS]: { crashAfterSuccessRate: 0.5, throttleRate: 0.2 } } };

      const first = await sequence(faults);
      const stats = runtime.faultStats();
      const second = await sequence(faults);
      const other = await sequence({ ...faults, seed: 4321 });

      expect(second).toEqual(first);
      expect(other).not.toEqual(first);
      expect(new Set(first)).toEqual(new Set(['ok', 'Runtime.ExitError', 'Lambda.TooManyRequestsException']));
      expect(stats.seed).toBe(1234);
      expect(stats.functions[CHAOS]!.crashAfterSuccess).toBe(first.filter((o) => o === 'Runtime.ExitError').length);
      expect(stats.functions[CHAOS]!.throttle).toBe(first.filter((o) => o === 'Lambda.TooManyRequestsException').length);
    });
  });

  describe('DynamoDB through the fault proxy', () => {
    it('gives the functions the proxy and keeps runtime.dynamodb.endpoint direct', async () => {
      const env = (await runtime.invoke(STORE, { action: 'env' })) as { AWS_ENDPOINT_URL_DYNAMODB: string };

      expect(env.AWS_ENDPOINT_URL_DYNAMODB).toBe(runtime.dynamodb.functionEndpoint);
      expect(runtime.dynamodb.functionEndpoint).not.toBe(runtime.dynamodb.endpoint);
    });

    it('throttleRate 1: the function gets the SDK error after the SDK retried, and nothing is written', async () => {
      runtime.setFaults({ dynamodb: { throttleRate: 1 } });
      const id = `ddb-throttle-${randomUUID()}`;

      const error = await failureOf(runtime.invoke(STORE, { action: 'put', id, mode: 'plain' }));

      expect(error.name).toBe('ProvisionedThroughputExceededException');
      expect(error.message).toMatch(/level of configured provisioned throughput/);
      // The DynamoDB client of SDK v3 makes 4 attempts for throttling errors.
      expect(runtime.faultStats().dynamodb).toEqual({ requests: 4, throttle: 4, transactionConflict: 0 });
      expect(await stored(id)).toBe(false);
    });

    it('throttleRate 0.3: the SDK retries absorb the throttling, so the function mostly succeeds', async () => {
      runtime.setFaults({ seed: 7, dynamodb: { throttleRate: 0.3, operations: ['PutItem'] } });
      const ids = Array.from({ length: 8 }, (_, i) => `ddb-flaky-${i}-${randomUUID()}`);

      const outcomes: string[] = [];
      for (const id of ids) {
        outcomes.push(await runtime.invoke(STORE, { action: 'put', id, mode: 'plain' }).then(
          () => 'ok',
          (error: Error) => error.name,
        ));
      }

      const stats = runtime.faultStats().dynamodb;
      expect(stats.throttle).toBeGreaterThan(0);
      expect(outcomes.filter((outcome) => outcome === 'ok').length).toBeGreaterThanOrEqual(7);
      // Every attempt beyond the first was a retry of a throttled one.
      expect(stats.requests).toBe(ids.length + stats.throttle - outcomes.filter((outcome) => outcome !== 'ok').length);
      for (const [i, id] of ids.entries()) expect(await stored(id)).toBe(outcomes[i] === 'ok');
    });

    it('transactionConflictRate 1: TransactionConflict reasons, one per item, reach the function and nothing is written', async () => {
      runtime.setFaults({ dynamodb: { transactionConflictRate: 1 } });
      const ids = [`tx-a-${randomUUID()}`, `tx-b-${randomUUID()}`, `tx-c-${randomUUID()}`];

      const result = await runtime.invoke(STORE, { action: 'transact', ids });

      expect(result).toEqual({
        cancelled: true,
        reasons: ids.map(() => ({ Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' })),
        attempts: 1, // not retried by the SDK
      });
      expect(await Promise.all(ids.map(stored))).toEqual([false, false, false]);
      expect(runtime.faultStats().dynamodb).toMatchObject({ transactionConflict: 1 });
    });

    it('operations limits the faults to the listed operations', async () => {
      runtime.setFaults({ dynamodb: { transactionConflictRate: 1, operations: ['PutItem'] } });
      const ids = [`tx-only-${randomUUID()}`];

      expect(await runtime.invoke(STORE, { action: 'transact', ids })).toEqual({ written: 1 });
      expect(await stored(ids[0]!)).toBe(true);
      expect(runtime.faultStats().total).toBe(0);
    });
  });

  it('setFaults({}) turns every fault off and resets the counters', async () => {
    runtime.setFaults({ functions: { [STORE]: { crashAfterSuccessRate: 1, throttleRate: 1 } }, dynamodb: { throttleRate: 1, transactionConflictRate: 1 } });
    await failureOf(runtime.invoke(STORE, { action: 'get', id: 'x' }));
    expect(runtime.faultStats().total).toBe(1);

    runtime.setFaults({});
    const id = `all-off-${randomUUID()}`;

    expect(await runtime.invoke(STORE, { action: 'put', id, mode: 'plain' })).toEqual({ id, stored: true });
    expect(await runtime.invoke(STORE, { action: 'transact', ids: [`${id}-tx`] })).toEqual({ written: 1 });
    expect(runtime.faultStats()).toMatchObject({ functions: {}, dynamodb: { throttle: 0, transactionConflict: 0 }, total: 0 });
    expect(runtime.faultStats().dynamodb.requests).toBeGreaterThanOrEqual(2);
  });

  it('rejects a bad faults option at start, before DynamoDB Local starts', async () => {
    const started = performance.now();

    await expect(LocalRuntime.start({ assemblyDir: inject('assemblyDir'), faults: { dynamodb: { throttleRate: 2 } } })).rejects.toThrow(FaultConfigError);
    await expect(
      LocalRuntime.start({ assemblyDir: inject('assemblyDir'), dynamodbFaultProxy: false, faults: { dynamodb: { throttleRate: 0.1 } } }),
    ).rejects.toThrow(/needs the DynamoDB fault proxy/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('rejects invalid fault configuration with FaultConfigError and keeps the faults in force', () => {
    runtime.setFaults({ functions: { [CHAOS]: { throttleRate: 1 } } });

    expect(() => runtime.setFaults({ functions: { Nope: { throttleRate: 1 } } })).toThrow(FaultConfigError);
    expect(() => runtime.setFaults({ functions: { [CHAOS]: { crashAfterSuccessRate: 1.5 } } })).toThrow(/must be a number from 0 to 1/);
    expect(() => runtime.setFaults({ dynamodb: { operations: ['TransactWriteItem'] } })).toThrow(/unknown operation\(s\) TransactWriteItem/);
    expect(() => runtime.setFaults({ functions: { [CHAOS]: {}, Chaos: {} } })).toThrow(/name the same function/);
    expect(() => runtime.setFaults({ seed: 1.5 })).toThrow(/seed must be an integer/);

    expect(Object.keys(runtime.faultStats().functions)).toEqual([CHAOS]);
  });
});
