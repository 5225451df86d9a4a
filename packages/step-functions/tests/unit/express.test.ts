/**
 * Express vs. Standard ("Choosing workflow type in Step Functions" / "Standard vs. Express
 * Workflows": Express runs at most five minutes, is at-least-once, has no name idempotency and
 * its executions are not served by DescribeExecution/GetExecutionHistory/ListExecutions;
 * Standard is exactly-once with name idempotency — "StartExecution": "If StartExecution is
 * called with the same name and input as a running execution, the call succeeds and returns the
 * same response as the original request. If the execution is closed or if the input is
 * different, it returns a 400 ExecutionAlreadyExists error").
 */
import { describe, expect, it } from 'vitest';
import { StepFunctionsEngine, VirtualClock, type StepFunctionsEngineOptions, type TaskIntegration } from '../../src/index.ts';

const waitFor = (seconds: number, timeoutSeconds?: number) => ({
  StartAt: 'Wait',
  ...(timeoutSeconds !== undefined && { TimeoutSeconds: timeoutSeconds }),
  States: { Wait: { Type: 'Wait', Seconds: seconds, End: true } },
});

function engine(options: StepFunctionsEngineOptions = {}) {
  return new StepFunctionsEngine({ clock: new VirtualClock(), ...options });
}

describe('Express workflows', () => {
  it('time out at 5 minutes even with a larger TimeoutSeconds; a Standard execution runs on (negative control)', async () => {
    const sfn = engine();
    const express = sfn.createStateMachine({ name: 'long-express', type: 'EXPRESS', definition: waitFor(400, 3600) }).stateMachineArn;
    const standard = sfn.createStateMachine({ name: 'long-standard', definition: waitFor(400, 3600) }).stateMachineArn;

    const timedOut = await sfn.waitForExecution(sfn.startExecution({ stateMachineArn: express }).executionArn);
    expect(timedOut).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    // Virtual time: the limit to the millisecond, plus the few real ms the test takes.
    expect(timedOut.stopDate.getTime() - timedOut.startDate.getTime()).toBeGreaterThanOrEqual(300_000);
    expect(timedOut.stopDate.getTime() - timedOut.startDate.getTime()).toBeLessThan(301_000);

    const succeeded = await sfn.waitForExecution(sfn.startExecution({ stateMachineArn: standard }).executionArn);
    expect(succeeded.status).toBe('SUCCEEDED');
    expect(succeeded.stopDate.getTime() - succeeded.startDate.getTime()).toBeGreaterThanOrEqual(400_000);
  });

  it('have no name idempotency: the same name twice is two executions; Standard returns the running one or ExecutionAlreadyExists', async () => {
    const sfn = engine();
    const release = sfn.clock.hold(); // keeps the Standard execution RUNNING while the test looks
    const express = sfn.createStateMachine({ name: 'e', type: 'EXPRESS', definition: waitFor(1) }).stateMachineArn;
    const a = sfn.startExecution({ stateMachineArn: express, name: 'same', input: '{}' });
    const b = sfn.startExecution({ stateMachineArn: express, name: 'same', input: '{}' });
    expect(a.created && b.created).toBe(true);
    expect(a.executionArn).not.toBe(b.executionArn);
    expect(a.executionArn).toMatch(/:express:e:same:[0-9a-f-]{36}$/);

    const standard = sfn.createStateMachine({ name: 's', definition: waitFor(1) }).stateMachineArn;
    const first = sfn.startExecution({ stateMachineArn: standard, name: 'same', input: '{"n":1}' });
    const again = sfn.startExecution({ stateMachineArn: standard, name: 'same', input: '{"n":1}' });
    expect(again).toEqual({ ...first, created: false });
    expect(() => sfn.startExecution({ stateMachineArn: standard, name: 'same', input: '{"n":2}' })).toThrow(expect.objectContaining({ name: 'ExecutionAlreadyExists' }));
    release();
    await sfn.waitForExecution(first.executionArn);
    // Closed: even the same input is refused now.
    expect(() => sfn.startExecution({ stateMachineArn: standard, name: 'same', input: '{"n":1}' })).toThrow(expect.objectContaining({ name: 'ExecutionAlreadyExists' }));
    expect(sfn.listExecutions(standard).executions).toHaveLength(1);
  });

  it('StartSyncExecution answers with status, output and billingDetails; a Standard machine is StateMachineTypeNotSupported ("StartSyncExecution")', async () => {
    const sfn = engine();
    const express = sfn.createStateMachine({
      name: 'sync',
      type: 'EXPRESS',
      definition: { StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 'doubled.$': 'States.MathAdd($.n, $.n)' }, End: true } } },
    }).stateMachineArn;
    const result = await sfn.startSyncExecution({ stateMachineArn: express, input: '{"n":21}', name: 'one' });
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: '{"doubled":42}', input: '{"n":21}', name: 'one', stateMachineArn: express });
    // No Map or Parallel: 50 MB + the definition's bytes, one 64 MB chunk; instant on the virtual clock: 100 ms.
    expect(result.billingDetails).toEqual({ billedMemoryUsedInMB: 64, billedDurationInMilliseconds: 100 });
    expect(result.stopDate).toBeInstanceOf(Date);

    const failing = sfn.createStateMachine({ name: 'sync-fail', type: 'EXPRESS', definition: { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'E', Cause: 'c' } } } }).stateMachineArn;
    expect(await sfn.startSyncExecution({ stateMachineArn: failing })).toMatchObject({ status: 'FAILED', error: 'E', cause: 'c' });

    const standard = sfn.createStateMachine({ name: 'std', definition: waitFor(1) }).stateMachineArn;
    await expect(sfn.startSyncExecution({ stateMachineArn: standard })).rejects.toMatchObject({ name: 'StateMachineTypeNotSupported' });
    expect(sfn.listExecutions(standard).executions).toEqual([]); // nothing started
  });

  it('billingDetails follow AWS Step Functions Pricing > Express Workflows: 50 MB + definition + data size x Map/Parallel steps, in 64 MB chunks; duration up to the next 100 ms', async () => {
    const sfn = engine();
    // A 1 MB string in the input, carried into every iteration; a 1 s Wait after the Map.
    const definition = {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemSelector: { 'blob.$': '$.blob' },
          ItemProcessor: { StartAt: 'Keep', States: { Keep: { Type: 'Pass', Result: 'ok', End: true } } },
          MaxConcurrency: 1,
          Next: 'Pause',
        },
        Pause: { Type: 'Wait', Seconds: 1, End: true },
      },
    };
    const machine = sfn.createStateMachine({ name: 'billing', type: 'EXPRESS', definition }).stateMachineArn;
    const input = (items: number) => JSON.stringify({ blob: 'x'.repeat(1_000_000), items: Array.from({ length: items }, (_, i) => i) });

    // 20 iterations x >1 MB of data (the execution input): 50 MB + 20+ MB = over 64 MB, billed 128 MB.
    const heavy = await sfn.startSyncExecution({ stateMachineArn: machine, input: input(20) });
    expect(heavy.status).toBe('SUCCEEDED');
    expect(heavy.billingDetails.billedMemoryUsedInMB).toBe(128);
    // The 1 s Wait on the virtual clock: 1000 ms, plus the ms of real work, rounded up to 100 ms.
    expect(heavy.billingDetails.billedDurationInMilliseconds % 100).toBe(0);
    expect(heavy.billingDetails.billedDurationInMilliseconds).toBeGreaterThanOrEqual(1000);
    expect(heavy.billingDetails.billedDurationInMilliseconds).toBe(Math.ceil((heavy.stopDate!.getTime() - heavy.startDate.getTime()) / 100) * 100);

    // Negative control: the same data over 10 iterations stays within 64 MB (50 + 10+ MB).
    const light = await sfn.startSyncExecution({ stateMachineArn: machine, input: input(10) });
    expect(light.billingDetails.billedMemoryUsedInMB).toBe(64);
  });

  it('are not served by DescribeExecution, GetExecutionHistory (InvalidArn for an express: ARN) or ListExecutions (StateMachineTypeNotSupported)', async () => {
    // DescribeExecution / GetExecutionHistory: "Executions of an EXPRESS state machine aren't supported";
    // ListExecutions errors: StateMachineTypeNotSupported. AWS names the wrong resource type:
    // "Invalid Arn: 'Resource type not valid in this context: express'".
    const sfn = engine();
    const express = sfn.createStateMachine({ name: 'hidden', type: 'EXPRESS', definition: waitFor(1) }).stateMachineArn;
    const { executionArn } = sfn.startExecution({ stateMachineArn: express });
    expect(() => sfn.describeExecution(executionArn)).toThrow(expect.objectContaining({ name: 'InvalidArn', message: expect.stringContaining('express') }));
    expect(() => sfn.getExecutionHistory(executionArn)).toThrow(expect.objectContaining({ name: 'InvalidArn' }));
    expect(() => sfn.listExecutions(express)).toThrow(expect.objectContaining({ name: 'StateMachineTypeNotSupported' }));
    // The host still sees it.
    expect((await sfn.waitForExecution(executionArn)).status).toBe('SUCCEEDED');

    // Negative control: a Standard execution is served by all three.
    const standard = sfn.createStateMachine({ name: 'shown', definition: waitFor(1) }).stateMachineArn;
    const started = sfn.startExecution({ stateMachineArn: standard });
    await sfn.waitForExecution(started.executionArn);
    expect(sfn.describeExecution(started.executionArn).status).toBe('SUCCEEDED');
    expect(sfn.getExecutionHistory(started.executionArn).events[0]!.type).toBe('ExecutionStarted');
    expect(sfn.listExecutions(standard).executions).toHaveLength(1);
  });

  describe('opt-in at-least-once delivery (expressAtLeastOnce, "Express Workflows ... at-least-once")', () => {
    // Two tasks per execution: an idempotent one (set a key to a value) and a non-idempotent one (a counter).
    function world(options: StepFunctionsEngineOptions) {
      const store = new Map<string, number>();
      let counter = 0;
      const integrations: Record<string, TaskIntegration> = {
        'arn:aws:states:::store:put': ({ parameters }) => {
          const { key, value } = parameters as { key: string; value: number };
          store.set(key, value);
          return Promise.resolve({ key });
        },
        'arn:aws:states:::counter:increment': () => Promise.resolve({ count: ++counter }),
      };
      const sfn = engine({ seed: 7, integrations, ...options });
      const definition = {
        StartAt: 'Put',
        States: {
          Put: { Type: 'Task', Resource: 'arn:aws:states:::store:put', Parameters: { 'key.$': '$.id', 'value.$': '$.value' }, ResultPath: null, Next: 'Count' },
          Count: { Type: 'Task', Resource: 'arn:aws:states:::counter:increment', End: true },
        },
      };
      return { sfn, store, definition, counter: () => counter };
    }

    async function runTwenty(sfn: StepFunctionsEngine, stateMachineArn: string) {
      for (let i = 0; i < 20; i++) {
        const result = await sfn.startSyncExecution({ stateMachineArn, input: JSON.stringify({ id: `k${i}`, value: i }) });
        expect(result.status).toBe('SUCCEEDED');
      }
    }

    it('redelivers tasks: the idempotent store stays correct, the counter shows the duplicates', async () => {
      const { sfn, store, definition, counter } = world({ expressAtLeastOnce: { taskRedelivery: 0.5 } });
      const arn = sfn.createStateMachine({ name: 'alo', type: 'EXPRESS', definition }).stateMachineArn;
      await runTwenty(sfn, arn);
      expect(sfn.redeliveries.tasks).toBeGreaterThan(0);
      expect(sfn.redeliveries.executions).toBe(0);
      // Idempotent: exactly the 20 keys with their values.
      expect([...store.entries()].sort()).toEqual(Array.from({ length: 20 }, (_, i) => [`k${i}`, i] as const).sort());
      // Non-idempotent: every redelivered Count call counted again.
      const countRedeliveries = counter() - 20;
      expect(countRedeliveries).toBeGreaterThan(0);
      expect(countRedeliveries).toBeLessThanOrEqual(sfn.redeliveries.tasks);
    });

    it('restarts executions from the start: the counter counts each run', async () => {
      const { sfn, store, definition, counter } = world({ expressAtLeastOnce: { executionRestart: 0.5 } });
      const arn = sfn.createStateMachine({ name: 'restart', type: 'EXPRESS', definition }).stateMachineArn;
      await runTwenty(sfn, arn);
      expect(sfn.redeliveries.executions).toBeGreaterThan(0);
      expect(counter()).toBe(20 + sfn.redeliveries.executions);
      expect(store.size).toBe(20);
    });

    it('negative controls: exactly once without the option, and never for Standard machines', async () => {
      const plain = world({});
      const arn = plain.sfn.createStateMachine({ name: 'once', type: 'EXPRESS', definition: plain.definition }).stateMachineArn;
      await runTwenty(plain.sfn, arn);
      expect(plain.sfn.redeliveries).toEqual({ tasks: 0, executions: 0 });
      expect(plain.counter()).toBe(20);

      const standard = world({ expressAtLeastOnce: { taskRedelivery: 1, executionRestart: 0.9 } });
      const std = standard.sfn.createStateMachine({ name: 'std', definition: standard.definition }).stateMachineArn;
      for (let i = 0; i < 5; i++) await standard.sfn.waitForExecution(standard.sfn.startExecution({ stateMachineArn: std, input: JSON.stringify({ id: `k${i}`, value: i }) }).executionArn);
      expect(standard.sfn.redeliveries).toEqual({ tasks: 0, executions: 0 });
      expect(standard.counter()).toBe(5);
    });

    it('is repeatable under the same seed', async () => {
      const runs = [];
      for (let attempt = 0; attempt < 2; attempt++) {
        const { sfn, definition, counter } = world({ expressAtLeastOnce: { taskRedelivery: 0.3, executionRestart: 0.2 } });
        const arn = sfn.createStateMachine({ name: 'seeded', type: 'EXPRESS', definition }).stateMachineArn;
        await runTwenty(sfn, arn);
        runs.push({ ...sfn.redeliveries, count: counter() });
      }
      expect(runs[0]).toEqual(runs[1]);
    });
  });
});
