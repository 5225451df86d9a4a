import { machineArn, type ConformanceCase } from '../case.ts';

const DOC = 'Step Functions Developer Guide > Start a new AWS Step Functions state machine execution (states:startExecution)';

const child = { StartAt: 'Double', States: { Double: { Type: 'Pass', Parameters: { 'doubled.$': 'States.MathAdd($.n, $.n)' }, End: true } } };
const failingChild = { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'ChildError', Cause: 'child broke' } } };

const parent = (resource: string, childName: string, extra: Record<string, unknown> = {}, more: Record<string, unknown> = {}) => ({
  StartAt: 'Start child',
  States: {
    'Start child': { Type: 'Task', Resource: resource, Parameters: { StateMachineArn: machineArn(childName), 'Input.$': '$' }, ...extra, End: true },
    ...more,
  },
});

export const nestedExecutions: ConformanceCase[] = [
  {
    name: '.sync:2 waits for the child and returns its Output as JSON',
    source: `${DOC} > Response syntax (.sync:2: Output is a JSON object)`,
    machines: { Child: child },
    definition: parent('arn:aws:states:::states:startExecution.sync:2', 'Child', { OutputPath: '$.Output' }),
    input: { n: 21 },
    expect: { status: 'SUCCEEDED', output: { doubled: 42 } },
  },
  {
    name: '.sync waits for the child and returns its Output as JSON text',
    source: `${DOC} > Response syntax (.sync: Output is a string)`,
    machines: { Child: child },
    definition: parent('arn:aws:states:::states:startExecution.sync', 'Child', { ResultSelector: { 'out.$': '$.Output', 'status.$': '$.Status' } }),
    input: { n: 2 },
    expect: { status: 'SUCCEEDED', output: { out: '{"doubled":4}', status: 'SUCCEEDED' } },
  },
  {
    name: 'Request-response returns at once with ExecutionArn and StartDate',
    source: `${DOC} > Request Response ("returns ExecutionArn and StartDate without waiting")`,
    machines: { Child: { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3600, End: true } } } },
    definition: parent('arn:aws:states:::states:startExecution', 'Child'),
    input: {},
    expect: {
      status: 'SUCCEEDED',
      timestamps: [{ from: 'ExecutionStarted', to: 'ExecutionSucceeded', seconds: 0 }],
      check: (result) => {
        const output = result.output as { ExecutionArn: string; StartDate: unknown };
        if (!output.ExecutionArn.startsWith('arn:aws:states:us-east-1:123456789012:execution:Child:')) throw new Error(JSON.stringify(output));
        if (output.StartDate === undefined) throw new Error('no StartDate');
      },
    },
  },
  {
    name: 'A failed child fails the .sync task with States.TaskFailed, its description as Cause',
    source: `${DOC} ("if the child execution fails, the task fails with States.TaskFailed")`,
    machines: { Child: failingChild },
    definition: parent('arn:aws:states:::states:startExecution.sync:2', 'Child'),
    input: {},
    expect: { status: 'FAILED', error: 'States.TaskFailed', causeMatches: /"Status":"FAILED".*"Error":"ChildError"/ },
  },
  {
    name: 'The child failure can be caught in the parent',
    source: `${DOC}; Error handling > Catch (States.TaskFailed)`,
    machines: { Child: failingChild },
    definition: parent('arn:aws:states:::states:startExecution.sync:2', 'Child', { Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'Recover' }] }, { Recover: { Type: 'Pass', Result: 'recovered', End: true } }),
    input: {},
    expect: { status: 'SUCCEEDED', output: 'recovered' },
  },
  {
    name: 'The parent history shows TaskScheduled/TaskStarted/TaskSucceeded of resourceType states',
    source: 'localstack tests/aws/services/stepfunctions/v2/services/test_sfn_task_service.snapshot.json (resourceType "states", resource "startExecution.sync:2")',
    machines: { Child: child },
    definition: parent('arn:aws:states:::states:startExecution.sync:2', 'Child'),
    input: { n: 1 },
    expect: {
      status: 'SUCCEEDED',
      events: ['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded'],
      check: (_r, history) => {
        const scheduled = history.find((e) => e.type === 'TaskScheduled') as unknown as { taskScheduledEventDetails: Record<string, unknown> };
        if (scheduled.taskScheduledEventDetails.resourceType !== 'states' || scheduled.taskScheduledEventDetails.resource !== 'startExecution.sync:2') throw new Error(JSON.stringify(scheduled));
      },
    },
  },
  {
    name: 'A child that waits an hour: the .sync parent waits the hour too (virtual time)',
    source: `${DOC} (.sync "waits for the child execution to complete")`,
    machines: { Child: { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3600, End: true } } } },
    definition: parent('arn:aws:states:::states:startExecution.sync:2', 'Child'),
    input: {},
    expect: { status: 'SUCCEEDED', timestamps: [{ from: 'TaskStarted', to: 'TaskSucceeded', seconds: 3600 }] },
  },
];
