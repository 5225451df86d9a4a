import { raise, type ConformanceCase } from '../case.ts';

const DOC = 'Step Functions Developer Guide > Parallel workflow state';

const branch = (name: string, state: Record<string, unknown>) => ({ StartAt: name, States: { [name]: { End: true, ...state } } });

export const parallel: ConformanceCase[] = [
  {
    name: 'Outputs of the branches form an array in branch order',
    source: `${DOC} > Parallel state output ("an array with one element per branch, in order")`,
    definition: { StartAt: 'P', States: { P: { Type: 'Parallel', Branches: [branch('A', { Type: 'Wait', Seconds: 5, OutputPath: '$.a' }), branch('B', { Type: 'Pass', InputPath: '$.b' })], End: true } } },
    input: { a: 'first', b: 'second' },
    expect: { status: 'SUCCEEDED', output: ['first', 'second'] },
  },
  {
    name: 'Every branch gets the same (effective) input',
    source: `${DOC} ("each branch receives a copy of the Parallel state's input")`,
    definition: { StartAt: 'P', States: { P: { Type: 'Parallel', Parameters: { 'v.$': '$.v' }, Branches: [branch('A', { Type: 'Pass' }), branch('B', { Type: 'Pass' })], End: true } } },
    input: { v: 3, other: 0 },
    expect: { status: 'SUCCEEDED', output: [{ v: 3 }, { v: 3 }] },
  },
  {
    name: 'ResultPath places the branch outputs into the input',
    source: `${DOC} (ResultPath applies to the array of branch outputs)`,
    definition: { StartAt: 'P', States: { P: { Type: 'Parallel', ResultPath: '$.results', Branches: [branch('A', { Type: 'Pass', Result: 1 }), branch('B', { Type: 'Pass', Result: 2 })], End: true } } },
    input: { id: 'x' },
    expect: { status: 'SUCCEEDED', output: { id: 'x', results: [1, 2] } },
  },
  {
    name: 'ResultSelector reshapes the branch outputs',
    source: `${DOC} (ResultSelector)`,
    definition: { StartAt: 'P', States: { P: { Type: 'Parallel', ResultSelector: { 'first.$': '$[0]', 'second.$': '$[1].v' }, Branches: [branch('A', { Type: 'Pass', Result: 'a' }), branch('B', { Type: 'Pass', Result: { v: 'b' } })], End: true } } },
    expect: { status: 'SUCCEEDED', output: { first: 'a', second: 'b' } },
  },
  {
    name: 'A failing branch fails the Parallel state with the branch error',
    source: `${DOC} > Error handling ("If any branch fails ... the entire Parallel state fails")`,
    definition: { StartAt: 'P', States: { P: { Type: 'Parallel', Branches: [branch('Ok', { Type: 'Pass' }), { StartAt: 'Bad', States: { Bad: { Type: 'Fail', Error: 'BranchError', Cause: 'bad branch' } } }], End: true } } },
    expect: { status: 'FAILED', error: 'BranchError', cause: 'bad branch', eventsInOrder: ['ParallelStateEntered', 'ParallelStateStarted', 'FailStateEntered', 'ParallelStateFailed', 'ExecutionFailed'] },
  },
  {
    name: 'A failing branch stops the other branches (a long Wait does not finish)',
    source: `${DOC} > Error handling ("all other branches are stopped")`,
    definition: {
      StartAt: 'P',
      States: { P: { Type: 'Parallel', Branches: [branch('Slow', { Type: 'Wait', Seconds: 3600 }), { StartAt: 'Bad', States: { Bad: { Type: 'Fail', Error: 'E' } } }], End: true } },
    },
    expect: { status: 'FAILED', error: 'E', eventsAbsent: ['WaitStateExited'], timestamps: [{ from: 'ExecutionStarted', to: 'ExecutionFailed', seconds: 0 }] },
  },
  {
    name: 'Catch on a Parallel state handles a branch error',
    source: `${DOC} > Error handling (Catch on the Parallel state)`,
    definition: {
      StartAt: 'P',
      States: {
        P: { Type: 'Parallel', Branches: [{ StartAt: 'Bad', States: { Bad: { Type: 'Fail', Error: 'BranchError', Cause: 'c' } } }], Catch: [{ ErrorEquals: ['BranchError'], ResultPath: '$.err', Next: 'Handled' }], End: true },
        Handled: { Type: 'Pass', End: true },
      },
    },
    input: { id: 1 },
    expect: { status: 'SUCCEEDED', output: { id: 1, err: { Error: 'BranchError', Cause: 'c' } } },
  },
  {
    name: 'Retry on a Parallel state reruns every branch (Lambda stand-in, mocked)',
    source: `${DOC} ("Retry ... on a Parallel state retries the whole state"); Error handling > Retrying after an error`,
    definition: {
      StartAt: 'P',
      States: {
        P: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'Call', States: { Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'FlakyOnce' }, OutputPath: '$.Payload', End: true } } }],
          Retry: [{ ErrorEquals: ['Flake'], IntervalSeconds: 2, MaxAttempts: 1 }],
          End: true,
        },
      },
    },
    functions: { FlakyOnce: (_p, { calls }) => (calls === 0 ? raise('Flake') : 'ok') },
    expect: { status: 'SUCCEEDED', output: ['ok'], eventsInOrder: ['ParallelStateStarted', 'ParallelStateFailed', 'ParallelStateStarted', 'ParallelStateSucceeded'], timestamps: [{ from: 'ParallelStateFailed', to: 'ParallelStateStarted#2', seconds: 2 }] },
  },
  {
    name: 'History of a successful Parallel state',
    source: 'Step Functions API Reference > HistoryEvent types (ParallelStateEntered, ParallelStateStarted, ParallelStateSucceeded, ParallelStateExited)',
    definition: { StartAt: 'P', States: { P: { Type: 'Parallel', Branches: [branch('A', { Type: 'Pass' })], End: true } } },
    expect: { status: 'SUCCEEDED', events: ['ExecutionStarted', 'ParallelStateEntered', 'ParallelStateStarted', 'PassStateEntered', 'PassStateExited', 'ParallelStateSucceeded', 'ParallelStateExited', 'ExecutionSucceeded'] },
  },
  {
    name: 'Branches run concurrently: two 10-second waits take 10 seconds',
    source: `${DOC} ("branches run in parallel")`,
    definition: { StartAt: 'P', States: { P: { Type: 'Parallel', Branches: [branch('A', { Type: 'Wait', Seconds: 10 }), branch('B', { Type: 'Wait', Seconds: 10 })], End: true } } },
    expect: { status: 'SUCCEEDED', timestamps: [{ from: 'ParallelStateEntered', to: 'ParallelStateExited', seconds: 10 }] },
  },
];
