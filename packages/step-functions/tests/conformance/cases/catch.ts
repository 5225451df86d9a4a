import { fn, raise, type ConformanceCase } from '../case.ts';

const DOC = 'Step Functions Developer Guide > Handling errors in Step Functions workflows';
const CATCH = `${DOC} > Fallback states (Catch)`;

const cause = (errorType: string, errorMessage: string) => JSON.stringify({ errorType, errorMessage, trace: [] });

export const catchCases: ConformanceCase[] = [
  {
    name: 'Catch ResultPath "$.error-info" adds the error to the input (Lambda stand-in, mocked)',
    source: `${CATCH} > Catch ResultPath example ("ResultPath": "$.error-info")`,
    definition: {
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: fn('Broken'), Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error-info', Next: 'Recovery' }], End: true }, Recovery: { Type: 'Pass', End: true } },
    },
    input: { foo: 'bar' },
    functions: { Broken: () => raise('CustomError', 'This is a custom error!') },
    expect: { status: 'SUCCEEDED', output: { foo: 'bar', 'error-info': { Error: 'CustomError', Cause: cause('CustomError', 'This is a custom error!') } } },
  },
  {
    name: 'Without ResultPath the catcher passes {Error, Cause} alone (Lambda stand-in, mocked)',
    source: `${CATCH} ("the default ResultPath of a catcher is $: the error output replaces the input")`,
    definition: {
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: fn('Broken'), Catch: [{ ErrorEquals: ['CustomError'], Next: 'Recovery' }], End: true }, Recovery: { Type: 'Pass', End: true } },
    },
    input: { foo: 'bar' },
    functions: { Broken: () => raise('CustomError', 'x') },
    expect: { status: 'SUCCEEDED', output: { Error: 'CustomError', Cause: cause('CustomError', 'x') } },
  },
  {
    name: 'Catchers are tried in order: the first match wins (Lambda stand-in, mocked)',
    source: `${CATCH} ("the first catcher whose ErrorEquals matches")`,
    definition: {
      StartAt: 'T',
      States: {
        T: { Type: 'Task', Resource: fn('Broken'), Catch: [{ ErrorEquals: ['Other'], Next: 'A' }, { ErrorEquals: ['CustomError'], Next: 'B' }, { ErrorEquals: ['States.ALL'], Next: 'C' }], End: true },
        A: { Type: 'Pass', Result: 'A', End: true },
        B: { Type: 'Pass', Result: 'B', End: true },
        C: { Type: 'Pass', Result: 'C', End: true },
      },
    },
    functions: { Broken: () => raise('CustomError') },
    expect: { status: 'SUCCEEDED', output: 'B' },
  },
  {
    name: 'Negative control: no matching catcher, the execution fails with the task error (Lambda stand-in, mocked)',
    source: `${CATCH} ("if no catcher matches, the state fails")`,
    definition: {
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: fn('Broken'), Catch: [{ ErrorEquals: ['Other'], Next: 'A' }], End: true }, A: { Type: 'Pass', End: true } },
    },
    functions: { Broken: () => raise('CustomError', 'unhandled') },
    expect: { status: 'FAILED', error: 'CustomError', cause: cause('CustomError', 'unhandled') },
  },
  {
    name: 'Negative control: States.ALL does not catch States.Runtime',
    source: `${DOC} > Error names > States.Runtime ("can't be caught by States.ALL")`,
    definition: {
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: fn('Broken'), Parameters: { 'x.$': '$.absent' }, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'A' }], End: true }, A: { Type: 'Pass', End: true } },
    },
    functions: { Broken: () => 'never' },
    expect: { status: 'FAILED', error: 'States.Runtime' },
  },
  {
    name: 'Retries exhausted, the error goes to Catch (Lambda stand-in, mocked)',
    source: `${DOC} ("When a retrier's MaxAttempts is reached, the Catch field is applied")`,
    definition: {
      StartAt: 'T',
      States: {
        T: { Type: 'Task', Resource: fn('Broken'), Retry: [{ ErrorEquals: ['CustomError'], IntervalSeconds: 1, MaxAttempts: 2 }], Catch: [{ ErrorEquals: ['CustomError'], ResultPath: null, Next: 'A' }], End: true },
        A: { Type: 'Pass', Result: 'recovered', End: true },
      },
    },
    functions: { Broken: () => raise('CustomError') },
    expect: { status: 'SUCCEEDED', output: 'recovered', check: (_r, h) => { if (h.filter((e) => e.type === 'LambdaFunctionFailed').length !== 3) throw new Error('expected 3 failed attempts'); } },
  },
  {
    name: 'States.TaskFailed catches a function error (Lambda stand-in, mocked)',
    source: `${DOC} > Error names > States.TaskFailed`,
    definition: {
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: fn('Broken'), Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'A' }], End: true }, A: { Type: 'Pass', OutputPath: '$.Error', End: true } },
    },
    functions: { Broken: () => raise('Anything') },
    expect: { status: 'SUCCEEDED', output: 'Anything' },
  },
  {
    name: 'Catch with ResultPath null keeps the original input',
    source: `${CATCH} (ResultPath null on a catcher discards the error output)`,
    definition: {
      StartAt: 'P',
      States: {
        P: { Type: 'Parallel', Branches: [{ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'E' } } }], Catch: [{ ErrorEquals: ['E'], ResultPath: null, Next: 'A' }], End: true },
        A: { Type: 'Pass', End: true },
      },
    },
    input: { original: true },
    expect: { status: 'SUCCEEDED', output: { original: true } },
  },
  {
    name: 'A caught task error: TaskFailed, then TaskStateExited with {Error, Cause}, then the handler (Lambda stand-in, mocked)',
    source: 'localstack tests/aws/services/stepfunctions/v2/error_handling/test_states_errors.snapshot.json :: TestStatesErrors::test_service_task_lambada_catch_state_all_data_limit_exceeded_on_large_utf8_response (event sequence)',
    definition: {
      StartAt: 'InvokeLambda',
      States: {
        InvokeLambda: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'Broken', Payload: null }, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'HandleGeneralError' }], Next: 'ProcessResult' },
        ProcessResult: { Type: 'Pass', End: true },
        HandleGeneralError: { Type: 'Pass', End: true },
      },
    },
    functions: { Broken: () => raise('SomeError', 'm') },
    expect: {
      status: 'SUCCEEDED',
      output: { Error: 'SomeError', Cause: cause('SomeError', 'm') },
      events: ['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskFailed', 'TaskStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded'],
    },
  },
];
