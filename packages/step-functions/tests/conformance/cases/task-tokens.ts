import type { ConformanceCase, FunctionContext, FunctionStandIn } from '../case.ts';

const DOC = 'Step Functions Developer Guide > Wait for a Callback with Task Token';
const API = 'Step Functions API Reference';

type Token = { token: string };

/**
 * A Lambda stand-in (mocked) that hands the token to an external worker, played here: after
 * `afterSeconds` of virtual time the worker does `act` (SendTaskSuccess, Failure, Heartbeat).
 */
function worker(steps: Array<{ afterSeconds: number; act: (context: FunctionContext, token: string) => void }>): FunctionStandIn {
  return (payload, context) => {
    const { token } = payload as Token;
    let at = 0;
    for (const step of steps) {
      at += step.afterSeconds;
      void context.clock.sleep(at * 1000).then(() => step.act(context, token));
    }
    return { accepted: true };
  };
}

const callback = (extra: Record<string, unknown> = {}, next: Record<string, unknown> = {}) => ({
  StartAt: 'Wait for approval',
  States: {
    'Wait for approval': {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: 'Approver', Payload: { 'token.$': '$$.Task.Token', 'order.$': '$.order' } },
      ...extra,
      End: true,
    },
    ...next,
  },
});

const tokenErrors: string[] = [];

export const taskTokens: ConformanceCase[] = [
  {
    name: 'SendTaskSuccess resumes the task with the sent output (worker played by the test)',
    source: `${DOC} ("the task pauses until SendTaskSuccess ... with the task token; its output is the state's result")`,
    definition: callback(),
    input: { order: 'o-1' },
    functions: { Approver: worker([{ afterSeconds: 30, act: ({ engine }, token) => engine.sendTaskSuccess(token, JSON.stringify({ approved: true })) }]) },
    expect: {
      status: 'SUCCEEDED',
      output: { approved: true },
      events: ['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded'],
      timestamps: [{ from: 'TaskSubmitted', to: 'TaskSucceeded', seconds: 30 }],
    },
  },
  {
    name: 'SendTaskFailure fails the task with the sent error and cause',
    source: `${DOC}; ${API} > SendTaskFailure (error, cause)`,
    definition: callback(),
    input: { order: 'o-2' },
    functions: { Approver: worker([{ afterSeconds: 1, act: ({ engine }, token) => engine.sendTaskFailure(token, 'Rejected', 'The manager said no') }]) },
    expect: { status: 'FAILED', error: 'Rejected', cause: 'The manager said no', eventsInOrder: ['TaskSubmitted', 'TaskFailed', 'ExecutionFailed'] },
  },
  {
    name: 'SendTaskFailure error is caught like any task error',
    source: `${DOC}; Error handling > Catch`,
    definition: callback({ Catch: [{ ErrorEquals: ['Rejected'], ResultPath: '$.rejection', Next: 'Handle' }] }, { Handle: { Type: 'Pass', End: true } }),
    input: { order: 'o-3' },
    functions: { Approver: worker([{ afterSeconds: 1, act: ({ engine }, token) => engine.sendTaskFailure(token, 'Rejected', 'no') }]) },
    expect: { status: 'SUCCEEDED', output: { order: 'o-3', rejection: { Error: 'Rejected', Cause: 'no' } } },
  },
  {
    name: 'HeartbeatSeconds without a heartbeat: States.HeartbeatTimeout',
    source: `${DOC} > Configure a Heartbeat Timeout for a Waiting Task ("fails with States.HeartbeatTimeout")`,
    definition: callback({ HeartbeatSeconds: 60 }),
    input: { order: 'o-4' },
    functions: { Approver: worker([]) },
    expect: { status: 'FAILED', error: 'States.HeartbeatTimeout', eventsInOrder: ['TaskSubmitted', 'TaskTimedOut', 'ExecutionFailed'], timestamps: [{ from: 'TaskStarted', to: 'TaskTimedOut', seconds: 60 }] },
  },
  {
    name: 'Negative control: heartbeats within HeartbeatSeconds keep the task alive',
    source: `${DOC} > Configure a Heartbeat Timeout; ${API} > SendTaskHeartbeat`,
    definition: callback({ HeartbeatSeconds: 60 }),
    input: { order: 'o-5' },
    functions: {
      Approver: worker([
        { afterSeconds: 50, act: ({ engine }, token) => engine.sendTaskHeartbeat(token) },
        { afterSeconds: 50, act: ({ engine }, token) => engine.sendTaskHeartbeat(token) },
        { afterSeconds: 50, act: ({ engine }, token) => engine.sendTaskSuccess(token, '"done"') },
      ]),
    },
    expect: { status: 'SUCCEEDED', output: 'done', timestamps: [{ from: 'TaskStarted', to: 'TaskSucceeded', seconds: 150 }] },
  },
  {
    name: 'TimeoutSeconds bounds the wait for the callback: States.Timeout',
    source: `${DOC} ("set a TimeoutSeconds ... otherwise the task waits up to the execution limit")`,
    definition: callback({ TimeoutSeconds: 3600 }),
    input: { order: 'o-6' },
    functions: { Approver: worker([]) },
    expect: { status: 'FAILED', error: 'States.Timeout', timestamps: [{ from: 'TaskStarted', to: 'TaskTimedOut', seconds: 3600 }] },
  },
  {
    name: 'A token of a closed task is TaskTimedOut; a made-up token is InvalidToken',
    source: `${API} > SendTaskSuccess > Errors (InvalidToken; TaskTimedOut "the task associated with the token has already been closed")`,
    definition: callback(),
    input: { order: 'o-7' },
    functions: {
      Approver: worker([
        {
          afterSeconds: 1,
          act: ({ engine }, token) => {
            engine.sendTaskSuccess(token, '{}');
            for (const send of [() => engine.sendTaskSuccess(token, '{}'), () => engine.sendTaskSuccess('not-a-token', '{}')]) {
              try {
                send();
                tokenErrors.push('none');
              } catch (error) {
                tokenErrors.push((error as Error).name);
              }
            }
          },
        },
      ]),
    },
    expect: {
      status: 'SUCCEEDED',
      check: () => {
        if (JSON.stringify(tokenErrors) !== JSON.stringify(['TaskTimedOut', 'InvalidToken'])) throw new Error(JSON.stringify(tokenErrors));
      },
    },
  },
  {
    name: 'The token is in $$.Task.Token only for the waiting task',
    source: `${DOC} ("pass the task token with $$.Task.Token in Parameters"); Context object > Task.Token`,
    definition: callback(),
    input: { order: 'o-8' },
    functions: {
      Approver: worker([{ afterSeconds: 1, act: ({ engine }, token) => engine.sendTaskSuccess(token, JSON.stringify({ tokenLength: token.length })) }]),
    },
    expect: {
      status: 'SUCCEEDED',
      check: (result) => {
        if (!((result.output as { tokenLength: number }).tokenLength > 0)) throw new Error('no token');
      },
    },
  },
];
