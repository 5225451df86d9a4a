import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { LOCAL_CREDENTIALS, LocalRuntime, PortInUseError } from '@order-flow/local';
import { STACK } from '../app/test-app.ts';
import { closedExecution, errorOf } from '../support/sfn-client.ts';

describe('Step Functions API with the real @aws-sdk/client-sfn', () => {
  let runtime: LocalRuntime;
  let sfn: SFNClient;
  let machineArn: string;
  const uid = () => `t-${Math.random().toString(36).slice(2, 10)}`;

  beforeAll(async () => {
    // Virtual time, held while a test needs a 'slow' execution (30 s Wait state) to stay RUNNING.
    runtime = await LocalRuntime.start({ assemblyDir: inject('assemblyDir'), clock: 'virtual', stepFunctionsPort: 0 });
    sfn = new SFNClient({ endpoint: runtime.stepFunctionsApi!.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
    machineArn = runtime.stateMachines[0]!.arn;
  });
  afterAll(async () => {
    sfn?.destroy();
    await runtime?.stop();
  });

  const start = (input: unknown, name?: string) =>
    sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn, input: JSON.stringify(input), ...(name !== undefined && { name }) }));

  const closed = (executionArn: string) => closedExecution(sfn, executionArn, { intervalMs: 20, attempts: 200 });


  async function fullHistory(executionArn: string): Promise<HistoryEvent[]> {
    return (await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }))).events ?? [];
  }

  it('starts in the background and describes the execution until SUCCEEDED with its output', async () => {
    const name = uid();
    const started = await start({ id: name, mode: 'ok' }, name);
    expect(started.executionArn).toBe(`${machineArn.replace(':stateMachine:', ':execution:')}:${name}`);
    expect(started.startDate).toBeInstanceOf(Date);

    const description = await closed(started.executionArn!);

    expect(description).toMatchObject({ status: 'SUCCEEDED', name, stateMachineArn: machineArn, input: JSON.stringify({ id: name, mode: 'ok' }) });
    expect(JSON.parse(description.output!)).toEqual({ id: name, item: { id: name, mode: 'ok' }, status: 200, version: '$LATEST' });
    expect(description.stopDate!.getTime()).toBeGreaterThanOrEqual(description.startDate!.getTime());
  });

  it('reports a failed execution as FAILED with the Fail state error and cause', async () => {
    const { executionArn } = await start({ id: 'api-boom', mode: 'boom' });

    const description = await closed(executionArn!);

    expect(description.status).toBe('FAILED');
    expect(description.error).toBe('Boom');
    expect(JSON.parse(description.cause!)).toMatchObject({ errorType: 'Boom', errorMessage: 'boom for api-boom' });
    expect(description.output).toBeUndefined();
  });

  it('gives an AWS-shaped history: ExecutionStarted first, task events, ExecutionSucceeded last', async () => {
    const { executionArn } = await start({ id: 'api-history', mode: 'ok' });
    await closed(executionArn!);

    const events = await fullHistory(executionArn!);

    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    // AWS links the first state's Entered event to 0, not to ExecutionStarted (localstack snapshots
    // recorded against AWS, e.g. v2/intrinsic_functions/test_array.snapshot.json); every later event to the one before.
    expect(events.map((e) => e.previousEventId)).toEqual(events.map((e) => (e.id! <= 2 ? 0 : e.id! - 1)));
    expect(events.every((e) => e.timestamp instanceof Date)).toBe(true);
    expect(events[0]).toMatchObject({
      type: 'ExecutionStarted',
      previousEventId: 0,
      executionStartedEventDetails: { input: JSON.stringify({ id: 'api-history', mode: 'ok' }), roleArn: runtime.stateMachines[0]!.roleArn },
    });
    expect(events.slice(1, 6)).toMatchObject([
      { type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'Save' } },
      { type: 'TaskScheduled', taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', region: 'us-east-1' } },
      { type: 'TaskStarted', taskStartedEventDetails: { resourceType: 'lambda', resource: 'invoke' } },
      { type: 'TaskSucceeded', taskSucceededEventDetails: { resourceType: 'lambda', resource: 'invoke' } },
      { type: 'TaskStateExited', stateExitedEventDetails: { name: 'Save' } },
    ]);
    expect(JSON.parse(events[2]!.taskScheduledEventDetails!.parameters!)).toMatchObject({ Payload: { action: 'put', id: 'api-history', mode: 'ok' } });
    expect(JSON.parse(events[4]!.taskSucceededEventDetails!.output!)).toMatchObject({ StatusCode: 200, Payload: { id: 'api-history' } });
    expect(events.map((e) => e.type).filter((type) => type!.endsWith('StateEntered'))).toEqual([
      'TaskStateEntered',
      'TaskStateEntered',
      'ChoiceStateEntered',
      'PassStateEntered',
      'SucceedStateEntered',
    ]);
    const last = events.at(-1)!;
    expect(last.type).toBe('ExecutionSucceeded');
    expect(JSON.parse(last.executionSucceededEventDetails!.output!)).toMatchObject({ id: 'api-history' });
  });

  it('records task failures, retries and the Fail state in the history of a failed execution', async () => {
    const { executionArn } = await start({ id: 'api-history-boom', mode: 'flaky' });
    await closed(executionArn!);
    const flaky = await fullHistory(executionArn!);
    // Two transient failures then success, each attempt scheduled again as on AWS.
    expect(flaky.filter((e) => e.type === 'TaskFailed').map((e) => e.taskFailedEventDetails!.error)).toEqual(['Flaky', 'Flaky']);
    expect(flaky.filter((e) => e.type === 'TaskScheduled')).toHaveLength(4);
    const saveEvents = flaky.slice(1, flaky.findIndex((e) => e.type === 'TaskStateExited') + 1).map((e) => e.type);
    expect(saveEvents).toEqual([
      'TaskStateEntered',
      ...['TaskScheduled', 'TaskStarted', 'TaskFailed'],
      ...['TaskScheduled', 'TaskStarted', 'TaskFailed'],
      ...['TaskScheduled', 'TaskStarted', 'TaskSucceeded'],
      'TaskStateExited',
    ]);

    const boom = await start({ id: 'api-history-boom', mode: 'boom' });
    await closed(boom.executionArn!);
    const events = await fullHistory(boom.executionArn!);
    expect(events.slice(-4).map((e) => e.type)).toEqual(['TaskFailed', 'TaskStateExited', 'FailStateEntered', 'ExecutionFailed']);
    expect(events.at(-1)!.executionFailedEventDetails).toMatchObject({ error: 'Boom', cause: expect.stringContaining('boom for api-history-boom') });
  });

  it('pages the history, in reverse too, and leaves execution data out on request', async () => {
    const { executionArn } = await start({ id: 'api-pages', mode: 'ok' });
    await closed(executionArn!);
    const all = await fullHistory(executionArn!);

    const reversed: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 4, reverseOrder: true, nextToken }));
      expect(page.events!.length).toBeLessThanOrEqual(4);
      reversed.push(...page.events!);
      nextToken = page.nextToken;
    } while (nextToken);
    expect(reversed.map((e) => e.id)).toEqual(all.map((e) => e.id).reverse());

    const lean = await sfn.send(new GetExecutionHistoryCommand({ executionArn, includeExecutionData: false }));
    expect(lean.events![0]!.executionStartedEventDetails).not.toHaveProperty('input');
    expect(lean.events![0]!.executionStartedEventDetails!.roleArn).toBeDefined();
  });

  it('returns the same execution for the same name and input while RUNNING; other input is ExecutionAlreadyExists', async () => {
    // Real work in flight for the virtual clock: the 30 s Wait stays RUNNING while the test looks.
    onTestFinished(runtime.clock.hold());
    const name = uid();
    const first = await start({ id: name, mode: 'slow' }, name);
    const again = await start({ id: name, mode: 'slow' }, name);
    expect(again.executionArn).toBe(first.executionArn);
    expect(again.startDate).toEqual(first.startDate);

    const error = await errorOf(start({ id: name, mode: 'ok' }, name));
    expect(error?.name).toBe('ExecutionAlreadyExists');
    expect(error?.$metadata?.httpStatusCode).toBe(400);

    // History is readable while the execution runs.
    const running = await fullHistory(first.executionArn!);
    expect(running[0]!.type).toBe('ExecutionStarted');
    await expect.poll(async () => (await fullHistory(first.executionArn!)).at(-1)?.type).toBe('WaitStateEntered');
  });

  it('rejects reusing the name of a closed execution', async () => {
    const name = uid();
    const { executionArn } = await start({ id: name, mode: 'ok' }, name);
    await closed(executionArn!);
    expect((await errorOf(start({ id: name, mode: 'ok' }, name)))?.name).toBe('ExecutionAlreadyExists');
  });

  it('stops a RUNNING execution: ABORTED with the given error and cause', async () => {
    // Real work in flight for the virtual clock: the 30 s Wait stays RUNNING while the test looks.
    onTestFinished(runtime.clock.hold());
    const { executionArn } = await start({ id: 'api-stop', mode: 'slow' });
    await expect.poll(async () => (await fullHistory(executionArn!)).at(-1)?.type).toBe('WaitStateEntered');

    const stopped = await sfn.send(new StopExecutionCommand({ executionArn, error: 'Operator', cause: 'changed my mind' }));

    expect(stopped.stopDate).toBeInstanceOf(Date);
    const description = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(description).toMatchObject({ status: 'ABORTED', error: 'Operator', cause: 'changed my mind' });
    await expect.poll(async () => (await fullHistory(executionArn!)).at(-1)).toMatchObject({
      type: 'ExecutionAborted',
      executionAbortedEventDetails: { error: 'Operator', cause: 'changed my mind' },
    });
  });

  it('lists executions newest first, by status, in pages; run() executions included', async () => {
    // Real work in flight for the virtual clock: the 30 s Wait stays RUNNING while the test looks.
    onTestFinished(runtime.clock.hold());
    const viaRun = await runtime.run({ id: 'api-list-run', mode: 'ok' });
    const slow = await start({ id: 'api-list-slow', mode: 'slow' });

    const all: { executionArn?: string; status?: string; startDate?: Date }[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn, maxResults: 2, nextToken }));
      expect(page.executions!.length).toBeLessThanOrEqual(2);
      all.push(...page.executions!);
      nextToken = page.nextToken;
    } while (nextToken);
    expect(all[0]!.executionArn).toBe(slow.executionArn);
    expect(all.map((e) => e.executionArn)).toContain(viaRun.executionArn);
    expect(new Set(all.map((e) => e.executionArn)).size).toBe(all.length);
    const starts = all.map((e) => e.startDate!.getTime());
    expect(starts).toEqual([...starts].sort((a, b) => b - a));

    const running = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn, statusFilter: 'RUNNING' }));
    expect(running.executions!.map((e) => e.executionArn)).toContain(slow.executionArn);
    expect(running.executions!.every((e) => e.status === 'RUNNING' && e.stopDate === undefined)).toBe(true);
    const succeeded = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn, statusFilter: 'SUCCEEDED' }));
    expect(succeeded.executions!.map((e) => e.executionArn)).toContain(viaRun.executionArn);
    expect(succeeded.executions!.map((e) => e.executionArn)).not.toContain(slow.executionArn);
  });

  it('describes and lists the state machines', async () => {
    const info = runtime.stateMachines[0]!;
    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: machineArn }));
    expect(described).toMatchObject({ stateMachineArn: machineArn, name: info.name, status: 'ACTIVE', type: 'STANDARD' });
    expect(described.roleArn).toMatch(/^arn:aws:iam::000000000000:role\//);
    expect(described.creationDate).toBeInstanceOf(Date);
    expect(Object.keys((JSON.parse(described.definition!) as { States: object }).States)).toContain('Save');

    const listed = await sfn.send(new ListStateMachinesCommand({}));
    expect(listed.stateMachines).toEqual([{ stateMachineArn: machineArn, name: info.name, type: 'STANDARD', creationDate: described.creationDate }]);
  });

  it('answers AWS error names for bad requests', async () => {
    expect((await errorOf(start({}, 'not valid!')))?.name).toBe('InvalidName');
    expect((await errorOf(sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn, input: '{nope' }))))?.name).toBe('InvalidExecutionInput');
    expect((await errorOf(sfn.send(new StartExecutionCommand({ stateMachineArn: `${machineArn}Nope` }))))?.name).toBe('StateMachineDoesNotExist');
    expect((await errorOf(sfn.send(new StartExecutionCommand({ stateMachineArn: 'not-an-arn' }))))?.name).toBe('InvalidArn');
    const unknown = `${machineArn.replace(':stateMachine:', ':execution:')}:nope`;
    expect((await errorOf(sfn.send(new DescribeExecutionCommand({ executionArn: unknown }))))?.name).toBe('ExecutionDoesNotExist');
    expect((await errorOf(sfn.send(new GetExecutionHistoryCommand({ executionArn: unknown }))))?.name).toBe('ExecutionDoesNotExist');
    expect((await errorOf(sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn, nextToken: 'garbage' }))))?.name).toBe('InvalidToken');

    const raw = await fetch(runtime.stepFunctionsApi!.endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'AWSStepFunctions.CreateActivity' },
      body: '{}',
    });
    expect(raw.status).toBe(400);
    expect(raw.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(await raw.json()).toMatchObject({ __type: 'UnknownOperationException', message: expect.stringContaining('CreateActivity') });
  });

  it('starts, describes and waits for executions programmatically', async () => {
    const { executionArn } = runtime.startExecution({ id: 'api-prog', mode: 'ok' }, { name: 'api-prog', stateMachine: `${STACK}/Flow` });
    expect(runtime.describeExecution(executionArn).status).toBe('RUNNING');

    const result = await runtime.waitForExecution(executionArn);

    expect(result.status).toBe('SUCCEEDED');
    expect(runtime.describeExecution(executionArn)).toMatchObject({ status: 'SUCCEEDED', name: 'api-prog' });
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('SUCCEEDED');
    expect(() => runtime.describeExecution(`${executionArn}x`)).toThrow(expect.objectContaining({ name: 'ExecutionDoesNotExist' }));
  });

  it('refuses a taken port with PortInUseError', async () => {
    const taken = runtime.stepFunctionsApi!.port;
    await expect(runtime.startStepFunctionsApi({ port: taken })).rejects.toBeInstanceOf(PortInUseError);
    await expect(LocalRuntime.start({ assemblyDir: inject('assemblyDir'), stepFunctionsPort: taken })).rejects.toThrow(/Step Functions API/);
  });
});
