import type { ConformanceCase } from '../case.ts';
import type { TaskIntegration } from '../../../src/index.ts';

const TASK = 'Step Functions Developer Guide > Task workflow state > Timeouts';
const SLOW = 'arn:aws:states:::slow:work';

/**
 * A stand-in service integration that takes `seconds` of (virtual) time, given in its
 * Parameters; mocked, since what is under test is the interpreter's timers.
 */
const slow: Readonly<Record<string, TaskIntegration>> = {
  [SLOW]: async (request) => {
    const { seconds } = request.parameters as { seconds: number };
    await request.clock.sleep(seconds * 1000, request.signal);
    return { tookSeconds: seconds };
  },
};

const slowTask = (seconds: number, extra: Record<string, unknown> = {}) => ({
  StartAt: 'Work',
  States: { Work: { Type: 'Task', Resource: SLOW, Parameters: { seconds }, ...extra, End: true }, ...(extra.Catch !== undefined ? { Handled: { Type: 'Pass', End: true } } : {}) },
});

export const timeouts: ConformanceCase[] = [
  {
    name: 'TimeoutSeconds: a task that runs too long fails with States.Timeout (stand-in integration, mocked)',
    source: `${TASK} ("TimeoutSeconds ... if the task runs longer, the state fails with States.Timeout")`,
    definition: slowTask(60, { TimeoutSeconds: 5 }),
    integrations: slow,
    expect: { status: 'FAILED', error: 'States.Timeout', eventsInOrder: ['TaskScheduled', 'TaskStarted', 'TaskTimedOut', 'ExecutionFailed'], timestamps: [{ from: 'TaskStarted', to: 'TaskTimedOut', seconds: 5 }] },
  },
  {
    name: 'Negative control: a task within its TimeoutSeconds succeeds (stand-in integration, mocked)',
    source: TASK,
    definition: slowTask(3, { TimeoutSeconds: 5 }),
    integrations: slow,
    expect: { status: 'SUCCEEDED', output: { tookSeconds: 3 } },
  },
  {
    name: 'TimeoutSecondsPath reads the timeout from the input (stand-in integration, mocked)',
    source: `${TASK} > TimeoutSecondsPath`,
    definition: slowTask(60, { TimeoutSecondsPath: '$.limit' }),
    input: { limit: 7 },
    integrations: slow,
    expect: { status: 'FAILED', error: 'States.Timeout', timestamps: [{ from: 'TaskStarted', to: 'TaskTimedOut', seconds: 7 }] },
  },
  {
    name: 'States.Timeout is caught by a catcher naming it (stand-in integration, mocked)',
    source: 'Step Functions Developer Guide > Error handling > Error names > States.Timeout',
    definition: slowTask(60, { TimeoutSeconds: 5, Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'Handled' }] }),
    integrations: slow,
    expect: { status: 'SUCCEEDED', output: { Error: 'States.Timeout' } },
  },
  {
    name: 'Negative control: States.TaskFailed does not catch States.Timeout (stand-in integration, mocked)',
    source: 'Step Functions Developer Guide > Error handling > Error names > States.TaskFailed ("matches any known error name except for States.Timeout")',
    definition: slowTask(60, { TimeoutSeconds: 5, Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'Handled' }] }),
    integrations: slow,
    expect: { status: 'FAILED', error: 'States.Timeout' },
  },
  {
    name: 'States.Timeout is retried by a retrier naming it (stand-in integration, mocked)',
    source: 'Step Functions Developer Guide > Error handling > Retry field example (ErrorEquals ["States.Timeout"])',
    definition: slowTask(60, { TimeoutSeconds: 5, Retry: [{ ErrorEquals: ['States.Timeout'], IntervalSeconds: 2, MaxAttempts: 1 }] }),
    integrations: slow,
    expect: { status: 'FAILED', error: 'States.Timeout', eventsInOrder: ['TaskTimedOut', 'TaskScheduled', 'TaskTimedOut'], timestamps: [{ from: 'TaskTimedOut#1', to: 'TaskScheduled#2', seconds: 2 }] },
  },
  {
    name: 'The state machine TimeoutSeconds ends the execution as TIMED_OUT',
    source: 'Step Functions Developer Guide > State machine structure > TimeoutSeconds ("the maximum number of seconds an execution can run; if it runs longer, the execution fails with States.Timeout")',
    definition: { StartAt: 'W', TimeoutSeconds: 10, States: { W: { Type: 'Wait', Seconds: 3600, End: true } } },
    expect: { status: 'TIMED_OUT', error: 'States.Timeout', events: ['ExecutionStarted', 'WaitStateEntered', 'ExecutionTimedOut'], timestamps: [{ from: 'ExecutionStarted', to: 'ExecutionTimedOut', seconds: 10 }] },
  },
  {
    name: 'Negative control: an execution that ends before TimeoutSeconds succeeds',
    source: 'Step Functions Developer Guide > State machine structure > TimeoutSeconds',
    definition: { StartAt: 'W', TimeoutSeconds: 10, States: { W: { Type: 'Wait', Seconds: 9, End: true } } },
    expect: { status: 'SUCCEEDED' },
  },
  {
    name: 'An Express execution is stopped at its 5-minute limit',
    source: 'Step Functions Developer Guide > Choosing workflow type > Express workflows ("up to five minutes")',
    type: 'EXPRESS',
    definition: { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 600, End: true } } },
    expect: { status: 'TIMED_OUT', timestamps: [{ from: 'ExecutionStarted', to: 'ExecutionTimedOut', seconds: 300 }] },
  },
  {
    name: 'A Standard execution may wait longer than five minutes',
    source: 'Step Functions Developer Guide > Choosing workflow type > Standard workflows ("up to one year")',
    definition: { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 600, End: true } } },
    expect: { status: 'SUCCEEDED', timestamps: [{ from: 'ExecutionStarted', to: 'ExecutionSucceeded', seconds: 600 }] },
  },
];
