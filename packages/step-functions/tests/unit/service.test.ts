/**
 * The Step Functions API semantics of the engine: nothing half-started ("CreateStateMachine",
 * "UpdateStateMachine", "StartExecution" error lists) and callback tasks ("Wait for a Callback
 * with Task Token": HeartbeatSeconds -> States.HeartbeatTimeout; SendTaskSuccess on an ended task
 * -> TaskTimedOut; a token never issued -> InvalidToken).
 */
import { describe, expect, it } from 'vitest';
import { StepFunctionsEngine, VirtualClock } from '../../src/index.ts';

const pass = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };

describe('StepFunctionsEngine API semantics', () => {
  it('a refused CreateStateMachine registers nothing; the error names the problem', () => {
    const sfn = new StepFunctionsEngine({ clock: new VirtualClock() });
    expect(() => sfn.createStateMachine({ name: 'bad', definition: { StartAt: 'Missing', States: { P: { Type: 'Pass', End: true } } } })).toThrow(
      expect.objectContaining({ name: 'InvalidDefinition', message: expect.stringContaining('Missing') }),
    );
    expect(() => sfn.createStateMachine({ name: 'bad', definition: { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', End: true } } } })).toThrow(
      expect.objectContaining({ name: 'InvalidDefinition', message: expect.stringContaining("'T'") }),
    );
    expect(() => sfn.createStateMachine({ name: 'bad name!', definition: pass })).toThrow(expect.objectContaining({ name: 'InvalidName' }));
    expect(sfn.listStateMachines()).toEqual([]);
    // Positive control: the same name with a good definition is created.
    sfn.createStateMachine({ name: 'bad', definition: pass });
    expect(sfn.listStateMachines().map((m) => m.name)).toEqual(['bad']);
  });

  it('a refused UpdateStateMachine keeps the old definition; a refused StartExecution starts nothing', () => {
    const sfn = new StepFunctionsEngine({ clock: new VirtualClock() });
    const { stateMachineArn } = sfn.createStateMachine({ name: 'm', definition: pass });
    expect(() => sfn.updateStateMachine({ stateMachineArn, definition: '{"StartAt":"X","States":{}}' })).toThrow(expect.objectContaining({ name: 'InvalidDefinition' }));
    expect(JSON.parse(sfn.describeStateMachine(stateMachineArn).definition)).toEqual(pass);

    expect(() => sfn.startExecution({ stateMachineArn, input: '{nope' })).toThrow(expect.objectContaining({ name: 'InvalidExecutionInput' }));
    expect(() => sfn.startExecution({ stateMachineArn, name: 'x y' })).toThrow(expect.objectContaining({ name: 'InvalidName' }));
    expect(() => sfn.startExecution({ stateMachineArn: `${stateMachineArn}-gone` })).toThrow(expect.objectContaining({ name: 'StateMachineDoesNotExist' }));
    expect(sfn.listExecutions(stateMachineArn).executions).toEqual([]);
    // Positive control.
    sfn.startExecution({ stateMachineArn, input: '{}' });
    expect(sfn.listExecutions(stateMachineArn).executions).toHaveLength(1);
  });

  it('callback tasks: SendTaskSuccess completes, a missed heartbeat is States.HeartbeatTimeout, a late token TaskTimedOut, an unknown one InvalidToken', async () => {
    const clock = new VirtualClock();
    const tokens: string[] = [];
    const sfn = new StepFunctionsEngine({
      clock,
      integrations: {
        'arn:aws:states:::worker:call': ({ taskToken }) => {
          tokens.push(taskToken!);
          return Promise.resolve({});
        },
      },
    });
    const definition = {
      StartAt: 'Wait',
      States: { Wait: { Type: 'Task', Resource: 'arn:aws:states:::worker:call.waitForTaskToken', HeartbeatSeconds: 60, End: true } },
    };
    const { stateMachineArn } = sfn.createStateMachine({ name: 'cb', definition });

    const release = clock.hold(); // the test plays the worker
    const ok = sfn.startExecution({ stateMachineArn, input: '{}' });
    await expect.poll(() => tokens.length).toBe(1);
    sfn.sendTaskHeartbeat(tokens[0]!);
    sfn.sendTaskSuccess(tokens[0]!, '{"done":1}');
    release();
    expect(await sfn.waitForExecution(ok.executionArn)).toMatchObject({ status: 'SUCCEEDED', output: { done: 1 } });

    const late = sfn.startExecution({ stateMachineArn, input: '{}' });
    const result = await sfn.waitForExecution(late.executionArn);
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.HeartbeatTimeout' });
    expect(() => sfn.sendTaskSuccess(tokens[1]!, '{}')).toThrow(expect.objectContaining({ name: 'TaskTimedOut' }));
    expect(() => sfn.sendTaskHeartbeat(tokens[1]!)).toThrow(expect.objectContaining({ name: 'TaskTimedOut' }));
    expect(() => sfn.sendTaskFailure('never-issued')).toThrow(expect.objectContaining({ name: 'InvalidToken' }));
    expect(() => sfn.sendTaskSuccess(tokens[0]!, 'not json')).toThrow(expect.objectContaining({ name: 'InvalidOutput' }));
  });
});

describe('execution status changes (for EventBridge "Step Functions Execution Status Change" events)', () => {
  it('reports RUNNING at start and the final status at the end, with the machine type', async () => {
    // Prepare
    const engine = new StepFunctionsEngine({ clock: new VirtualClock() });
    const seen: string[] = [];
    engine.onExecutionStatusChange((description, type) => seen.push(`${type}:${description.status}`));
    const { stateMachineArn } = engine.createStateMachine({ name: 'status', definition: { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Nope' } } } });

    // Act
    const { executionArn } = engine.startExecution({ stateMachineArn });
    await engine.waitForExecution(executionArn);

    // Assess
    expect(seen).toEqual(['STANDARD:RUNNING', 'STANDARD:FAILED']);
  });
});
