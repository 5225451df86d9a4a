/**
 * The write/callback/test operations of the Step Functions endpoint, through the real
 * `@aws-sdk/client-sfn` (Step Functions API Reference: CreateStateMachine, UpdateStateMachine,
 * DeleteStateMachine, StartSyncExecution, SendTaskSuccess/Failure/Heartbeat, TestState). The
 * endpoint serves an engine of its own here, so any ASL runs, created through the API.
 */
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  TestStateCommand,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import { StepFunctionsEngine, VirtualClock } from '@order-flow/step-functions';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { startStepFunctionsApi, type StepFunctionsApi } from '@order-flow/local/stepfunctions';
import { closedExecution, errorOf } from '../support/sfn-client.ts';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const ROLE = 'arn:aws:iam::123456789012:role/local';

describe('Step Functions API operations with the real @aws-sdk/client-sfn', () => {
  let engine: StepFunctionsEngine;
  let api: StepFunctionsApi;
  let sfn: SFNClient;
  /** Task tokens handed to the "worker" by `.waitForTaskToken` tasks. */
  const tokens: string[] = [];
  const uid = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;

  beforeAll(async () => {
    engine = new StepFunctionsEngine({
      clock: new VirtualClock(),
      integrations: {
        'arn:aws:states:::worker:call': ({ taskToken }) => {
          if (taskToken !== undefined) tokens.push(taskToken);
          return Promise.resolve({ accepted: true });
        },
      },
    });
    api = await startStepFunctionsApi(engine);
    // StartSyncExecution and TestState carry the `sync-` host prefix: disableHostPrefix keeps them on the endpoint.
    sfn = new SFNClient({ endpoint: api.endpoint, region: 'us-east-1', credentials, disableHostPrefix: true });
  });
  afterAll(async () => {
    sfn?.destroy();
    await engine?.stopAll();
    await api?.close();
  });

  const create = (name: string, definition: unknown, type?: 'STANDARD' | 'EXPRESS') =>
    sfn.send(new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: ROLE, ...(type !== undefined && { type }) }));
  const passing = (result: unknown) => ({ StartAt: 'P', States: { P: { Type: 'Pass', Result: result, End: true } } });
  const closed = (executionArn: string) => closedExecution(sfn, executionArn, { intervalMs: 10, attempts: 300 });

  it('CreateStateMachine: created and described; same request again is the same machine; other definition is StateMachineAlreadyExists', async () => {
    const name = uid('create');
    const created = await create(name, passing('v1'));
    expect(created.stateMachineArn).toBe(`arn:aws:states:us-east-1:123456789012:stateMachine:${name}`);
    expect(created.creationDate).toBeInstanceOf(Date);
    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn }));
    expect(described).toMatchObject({ name, type: 'STANDARD', status: 'ACTIVE', roleArn: ROLE });
    expect(JSON.parse(described.definition!)).toEqual(passing('v1'));

    // "CreateStateMachine is an idempotent API ... if a state machine with the same name and
    // definition exists it returns it"; a different definition is StateMachineAlreadyExists.
    expect((await create(name, passing('v1'))).stateMachineArn).toBe(created.stateMachineArn);
    expect((await errorOf(create(name, passing('v2'))))?.name).toBe('StateMachineAlreadyExists');
  });

  it('CreateStateMachine: InvalidDefinition names the problem and registers nothing', async () => {
    const name = uid('invalid');
    const error = await errorOf(create(name, { StartAt: 'Nowhere', States: { P: { Type: 'Pass', End: true } } }));
    expect(error?.name).toBe('InvalidDefinition');
    expect(error?.$metadata?.httpStatusCode).toBe(400);
    expect(error?.message).toContain('Nowhere');
    const unsupported = await errorOf(create(name, { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::batch:submitJob.sync', End: true } } }));
    expect(unsupported?.name).toBe('InvalidDefinition');
    expect(unsupported?.message).toContain("'T'");
    const listed = await sfn.send(new ListStateMachinesCommand({}));
    expect(listed.stateMachines!.map((machine) => machine.name)).not.toContain(name);
    // Positive control: a good definition under the same name is listed.
    await create(name, passing(1));
    expect((await sfn.send(new ListStateMachinesCommand({}))).stateMachines!.map((machine) => machine.name)).toContain(name);
  });

  it('UpdateStateMachine: new executions use the new definition; a refused update keeps the old one', async () => {
    const { stateMachineArn } = await create(uid('update'), passing('old'));
    const updated = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn, definition: JSON.stringify(passing('new')) }));
    expect(updated.updateDate).toBeInstanceOf(Date);
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{}' }));
    expect((await closed(executionArn!)).output).toBe('"new"');

    const refused = await errorOf(sfn.send(new UpdateStateMachineCommand({ stateMachineArn, definition: '{"StartAt":"X","States":{}}' })));
    expect(refused?.name).toBe('InvalidDefinition');
    expect(JSON.parse((await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }))).definition!)).toEqual(passing('new'));
    expect((await errorOf(sfn.send(new UpdateStateMachineCommand({ stateMachineArn: `${stateMachineArn}Gone`, definition: JSON.stringify(passing(1)) }))))?.name).toBe('StateMachineDoesNotExist');
  });

  it('DeleteStateMachine: gone from the list and from Describe; its running execution is stopped', async () => {
    onTestFinished(engine.clock.hold()); // keeps the 1-hour Wait RUNNING until the delete
    const name = uid('delete');
    const { stateMachineArn } = await create(name, { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3600, End: true } } });
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{}' }));
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');

    await sfn.send(new DeleteStateMachineCommand({ stateMachineArn }));

    expect((await sfn.send(new ListStateMachinesCommand({}))).stateMachines!.map((machine) => machine.name)).not.toContain(name);
    expect((await errorOf(sfn.send(new DescribeStateMachineCommand({ stateMachineArn }))))?.name).toBe('StateMachineDoesNotExist');
    expect((await closed(executionArn!)).status).toBe('ABORTED');
    // Deleting again is not an error; a malformed ARN is InvalidArn.
    await sfn.send(new DeleteStateMachineCommand({ stateMachineArn }));
    expect((await errorOf(sfn.send(new DeleteStateMachineCommand({ stateMachineArn: 'nope' }))))?.name).toBe('InvalidArn');
  });

  it('StartExecution with bad input starts nothing (InvalidExecutionInput)', async () => {
    const { stateMachineArn } = await create(uid('input'), passing(1));
    expect((await errorOf(sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{not json' }))))?.name).toBe('InvalidExecutionInput');
    expect((await sfn.send(new ListExecutionsCommand({ stateMachineArn }))).executions).toEqual([]);
  });

  it('StartSyncExecution: an Express machine answers with status, output and billingDetails; Standard is StateMachineTypeNotSupported', async () => {
    const express = await create(uid('sync'), { StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 'greeting.$': "States.Format('hi {}', $.who)" }, End: true } } }, 'EXPRESS');
    const result = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn: express.stateMachineArn, input: '{"who":"you"}', name: 'sync-one' }));
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: '{"greeting":"hi you"}', name: 'sync-one', stateMachineArn: express.stateMachineArn });
    expect(result.executionArn).toMatch(/:express:/);
    expect(result.billingDetails).toMatchObject({ billedMemoryUsedInMB: 64, billedDurationInMilliseconds: 100 });
    expect(result.startDate).toBeInstanceOf(Date);
    // Express executions are not served by DescribeExecution (AWS refuses the express: ARN).
    expect((await errorOf(sfn.send(new DescribeExecutionCommand({ executionArn: result.executionArn }))))?.name).toBe('InvalidArn');
    expect((await errorOf(sfn.send(new ListExecutionsCommand({ stateMachineArn: express.stateMachineArn }))))?.name).toBe('StateMachineTypeNotSupported');

    const standard = await create(uid('std'), passing(1));
    expect((await errorOf(sfn.send(new StartSyncExecutionCommand({ stateMachineArn: standard.stateMachineArn }))))?.name).toBe('StateMachineTypeNotSupported');
    expect((await sfn.send(new ListExecutionsCommand({ stateMachineArn: standard.stateMachineArn }))).executions).toEqual([]);
  });

  it('without disableHostPrefix the SDK sends StartSyncExecution and TestState to sync-127.0.0.1, and nothing reaches the endpoint', async () => {
    const express = await create(uid('prefix'), passing(1), 'EXPRESS');
    const prefixed = new SFNClient({ endpoint: api.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    onTestFinished(() => prefixed.destroy());
    const syncCalls = vi.spyOn(engine, 'startSyncExecution');
    const testCalls = vi.spyOn(engine, 'testState');
    onTestFinished(() => {
      syncCalls.mockRestore();
      testCalls.mockRestore();
    });

    const sync = await errorOf(prefixed.send(new StartSyncExecutionCommand({ stateMachineArn: express.stateMachineArn })));
    const test = await errorOf(prefixed.send(new TestStateCommand({ definition: '{"Type":"Pass","End":true}' })));
    expect(sync).toBeDefined();
    expect(test).toBeDefined();
    expect(`${sync?.message} ${(sync as { code?: string } | undefined)?.code}`).toMatch(/sync-127\.0\.0\.1|ENOTFOUND|EAI_AGAIN/);
    expect(syncCalls).not.toHaveBeenCalled();
    expect(testCalls).not.toHaveBeenCalled();

    // Control: the same commands through the client with disableHostPrefix reach the engine.
    await sfn.send(new StartSyncExecutionCommand({ stateMachineArn: express.stateMachineArn }));
    await sfn.send(new TestStateCommand({ definition: '{"Type":"Pass","End":true}' }));
    expect(syncCalls).toHaveBeenCalledTimes(1);
    expect(testCalls).toHaveBeenCalledTimes(1);
  });

  describe('callback tasks (.waitForTaskToken; "Wait for a Callback with Task Token")', () => {
    const callback = (heartbeatSeconds?: number) => ({
      StartAt: 'Ask',
      States: {
        Ask: {
          Type: 'Task',
          Resource: 'arn:aws:states:::worker:call.waitForTaskToken',
          Parameters: { 'token.$': '$$.Task.Token' },
          ...(heartbeatSeconds !== undefined && { HeartbeatSeconds: heartbeatSeconds }),
          End: true,
        },
      },
    });
    async function nextToken(before: number): Promise<string> {
      await expect.poll(() => tokens.length, { timeout: 5000 }).toBeGreaterThan(before);
      return tokens.at(-1)!;
    }

    it('SendTaskHeartbeat then SendTaskSuccess: the execution succeeds with the sent output', async () => {
      onTestFinished(engine.clock.hold()); // the test plays the worker
      const { stateMachineArn } = await create(uid('cb-ok'), callback(600));
      const before = tokens.length;
      const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{}' }));
      const token = await nextToken(before);
      await sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }));
      await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"approved":true}' }));
      expect(await closed(executionArn!)).toMatchObject({ status: 'SUCCEEDED', output: '{"approved":true}' });
      // The token is spent: a second answer is TaskTimedOut.
      expect((await errorOf(sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))))?.name).toBe('TaskTimedOut');
    });

    it('SendTaskFailure fails the task with the given error and cause', async () => {
      onTestFinished(engine.clock.hold());
      const { stateMachineArn } = await create(uid('cb-fail'), callback());
      const before = tokens.length;
      const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{}' }));
      const token = await nextToken(before);
      await sfn.send(new SendTaskFailureCommand({ taskToken: token, error: 'Rejected', cause: 'no stock' }));
      expect(await closed(executionArn!)).toMatchObject({ status: 'FAILED', error: 'Rejected', cause: 'no stock' });
    });

    it('a missed heartbeat is States.HeartbeatTimeout; a late SendTaskSuccess is TaskTimedOut; an unknown token InvalidToken', async () => {
      const { stateMachineArn } = await create(uid('cb-late'), callback(60));
      const before = tokens.length;
      // Nobody holds the clock: the 60 s heartbeat passes in virtual time.
      const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{}' }));
      const token = await nextToken(before);
      expect(await closed(executionArn!)).toMatchObject({ status: 'FAILED', error: 'States.HeartbeatTimeout' });
      expect((await errorOf(sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))))?.name).toBe('TaskTimedOut');
      expect((await errorOf(sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }))))?.name).toBe('TaskTimedOut');
      expect((await errorOf(sfn.send(new SendTaskSuccessCommand({ taskToken: 'never-issued', output: '{}' }))))?.name).toBe('InvalidToken');
      expect((await errorOf(sfn.send(new SendTaskFailureCommand({ taskToken: 'never-issued' }))))?.name).toBe('InvalidToken');
    });
  });

  describe('TestState (snapshot test_test_state_scenarios / test_test_state_mock_scenarios)', () => {
    it('runs one state with a mocked result and DEBUG inspection data', async () => {
      const definition = {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: 'fn', 'Payload.$': '$' },
        ResultSelector: { 'value.$': '$.Payload' },
        ResultPath: '$.result',
        Next: 'Done',
      };
      const result = await sfn.send(
        new TestStateCommand({ definition: JSON.stringify(definition), roleArn: ROLE, input: '{"a":1}', inspectionLevel: 'DEBUG', mock: { result: '{"Payload":"function output"}' } }),
      );
      expect(result).toMatchObject({ status: 'SUCCEEDED', nextState: 'Done', output: '{"a":1,"result":{"value":"function output"}}' });
      expect(result.inspectionData).toMatchObject({
        input: '{"a":1}',
        afterInputPath: '{"a":1}',
        afterParameters: '{"FunctionName":"fn","Payload":{"a":1}}',
        result: '{"Payload":"function output"}',
        afterResultSelector: '{"value":"function output"}',
        afterResultPath: '{"a":1,"result":{"value":"function output"}}',
      });
      // Negative control: INFO leaves the inspection data out.
      const info = await sfn.send(new TestStateCommand({ definition: JSON.stringify(definition), input: '{"a":1}', mock: { result: '{"Payload":1}' } }));
      expect(info.inspectionData).toBeUndefined();
    });

    it('reports a mocked error as CAUGHT_ERROR with the catcher Next, and refuses bad definitions', async () => {
      const definition = { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'fn' }, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Handle' }], End: true };
      const caught = await sfn.send(new TestStateCommand({ definition: JSON.stringify(definition), inspectionLevel: 'DEBUG', mock: { errorOutput: { error: 'Boom', cause: 'bad' } } }));
      expect(caught).toMatchObject({ status: 'CAUGHT_ERROR', nextState: 'Handle', error: 'Boom', cause: 'bad', output: '{"Error":"Boom","Cause":"bad"}', inspectionData: { errorDetails: { catchIndex: 0 } } });
      expect((await errorOf(sfn.send(new TestStateCommand({ definition: '{"Type":"Pass","Next":5}' }))))?.name).toBe('InvalidDefinition');
      expect((await errorOf(sfn.send(new TestStateCommand({ definition: '{"Type":"Pass","End":true}', input: '{x' }))))?.name).toBe('InvalidExecutionInput');
    });
  });
});
