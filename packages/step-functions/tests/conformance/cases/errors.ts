import type { TaskIntegration } from '../../../src/index.ts';
import { fn, raise, type ConformanceCase } from '../case.ts';

const DOC = 'Step Functions Developer Guide > Handling errors in Step Functions workflows > Error names';
const LIMIT = 'localstack tests/aws/services/stepfunctions/v2/error_handling/test_states_errors.snapshot.json';

/** A stand-in service integration (mocked) that fails as AWS does when a result exceeds the payload quota. */
const tooLarge: Readonly<Record<string, TaskIntegration>> = {
  'arn:aws:states:::big:result': () =>
    Promise.reject(Object.assign(new Error("The state/task 'big' returned a result with a size exceeding the maximum number of bytes service limit."), { name: 'States.DataLimitExceeded' })),
};

/** The snapshots' machine: a Task on the too-large stand-in whose Catch (`errorEquals`) goes to the Pass state `handler`. */
function bigResultCaughtBy(errorEquals: string, handler: string) {
  return {
    StartAt: 'InvokeLambda',
    States: {
      InvokeLambda: { Type: 'Task', Resource: 'arn:aws:states:::big:result', Catch: [{ ErrorEquals: [errorEquals], Next: handler }], Next: 'ProcessResult' },
      ProcessResult: { Type: 'Pass', End: true },
      [handler]: { Type: 'Pass', End: true },
    },
  };
}

/** The error output a Catch hands on for States.DataLimitExceeded (the snapshots' recorded output). */
const DATA_LIMIT_ERROR = { Error: 'States.DataLimitExceeded', Cause: "The state/task 'big' returned a result with a size exceeding the maximum number of bytes service limit." };

export const errors: ConformanceCase[] = [
  {
    name: 'A custom function error keeps its name (Lambda stand-in, mocked)',
    source: `${DOC} ("Tasks can report errors with other names, such as custom errors")`,
    definition: { StartAt: 'T', States: { T: { Type: 'Task', Resource: fn('Broken'), End: true } } },
    functions: { Broken: () => raise('MyApp.OrderNotFound', 'no order 7') },
    expect: { status: 'FAILED', error: 'MyApp.OrderNotFound', causeMatches: /no order 7/ },
  },
  {
    name: 'A Fail state inside a Parallel branch surfaces with its own Error name',
    source: 'Step Functions Developer Guide > Parallel workflow state > Error handling',
    definition: { StartAt: 'P', States: { P: { Type: 'Parallel', Branches: [{ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Inner.Error', Cause: 'inner' } } }], End: true } } },
    expect: { status: 'FAILED', error: 'Inner.Error', cause: 'inner' },
  },
  {
    name: 'A Fail state inside a Map iteration surfaces with its own Error name',
    source: 'Step Functions Developer Guide > Map state in Inline mode (an iteration failure fails the Map state)',
    definition: { StartAt: 'M', States: { M: { Type: 'Map', ItemProcessor: { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Item.Error' } } }, End: true } } },
    input: [1],
    expect: { status: 'FAILED', error: 'Item.Error' },
  },
  {
    name: 'States.ALL catches States.DataLimitExceeded raised by a task (stand-in integration, mocked)',
    source: `${LIMIT} :: TestStatesErrors::test_service_task_lambada_catch_state_all_data_limit_exceeded_on_large_utf8_response (caught by "HandleGeneralError", ErrorEquals ["States.ALL"])`,
    definition: bigResultCaughtBy('States.ALL', 'HandleGeneralError'),
    integrations: tooLarge,
    expect: {
      status: 'SUCCEEDED',
      output: DATA_LIMIT_ERROR,
      eventsInOrder: ['TaskFailed', 'TaskStateExited', 'PassStateEntered', 'ExecutionSucceeded'],
    },
  },
  {
    name: 'States.DataLimitExceeded named explicitly is caught (stand-in integration, mocked)',
    source: `${LIMIT} :: TestStatesErrors::test_service_task_lambada_data_limit_exceeded_on_large_utf8_response (caught by "HandleDataLimitExceeded")`,
    definition: bigResultCaughtBy('States.DataLimitExceeded', 'HandleDataLimitExceeded'),
    integrations: tooLarge,
    expect: { status: 'SUCCEEDED', output: DATA_LIMIT_ERROR },
  },
  {
    name: 'Negative control: an error name is matched exactly, not by prefix (Lambda stand-in, mocked)',
    source: `${DOC} ("ErrorEquals ... a non-empty array of strings that match error names")`,
    definition: {
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: fn('Broken'), Catch: [{ ErrorEquals: ['MyApp'], Next: 'C' }], End: true }, C: { Type: 'Pass', End: true } },
    },
    functions: { Broken: () => raise('MyApp.Error') },
    expect: { status: 'FAILED', error: 'MyApp.Error' },
  },
  {
    name: 'The execution error of an uncaught States.Runtime names the state',
    source: 'localstack tests/aws/services/stepfunctions/v2/scenarios (States.Runtime causes: "An error occurred while executing the state \'<name>\' (entered at the event id #<n>)")',
    definition: { StartAt: 'Broken path', States: { 'Broken path': { Type: 'Pass', OutputPath: '$.nope', End: true } } },
    input: {},
    expect: { status: 'FAILED', error: 'States.Runtime', causeMatches: /An error occurred while executing the state 'Broken path' \(entered at the event id #2\)/ },
  },
  {
    name: 'A Lambda error without a message still fails with its errorType (Lambda stand-in, mocked)',
    source: `${DOC}; Invoke Lambda > function errors`,
    definition: { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'Broken' }, End: true } } },
    functions: { Broken: () => raise('TypeError', '') },
    expect: { status: 'FAILED', error: 'TypeError' },
  },
];
