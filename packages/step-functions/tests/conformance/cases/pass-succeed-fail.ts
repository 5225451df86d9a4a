import type { ConformanceCase } from '../case.ts';

const SUCCEED = 'Step Functions Developer Guide > Succeed workflow state';
const FAIL = 'Step Functions Developer Guide > Fail workflow state';

export const passSucceedFail: ConformanceCase[] = [
  {
    name: 'Succeed ends the execution with its input as output',
    source: SUCCEED,
    definition: { StartAt: 'Done', States: { Done: { Type: 'Succeed' } } },
    input: { ok: true },
    expect: { status: 'SUCCEEDED', output: { ok: true }, events: ['ExecutionStarted', 'SucceedStateEntered', 'SucceedStateExited', 'ExecutionSucceeded'] },
  },
  {
    name: 'Succeed applies InputPath and OutputPath',
    source: `${SUCCEED} ("Succeed states support InputPath and OutputPath")`,
    definition: { StartAt: 'Done', States: { Done: { Type: 'Succeed', InputPath: '$.a', OutputPath: '$.b' } } },
    input: { a: { b: 'inner' } },
    expect: { status: 'SUCCEEDED', output: 'inner' },
  },
  {
    name: 'Fail ends the execution with its Error and Cause',
    source: `${FAIL} > Fail state example ("Error": "ErrorA", "Cause": "Kaiju attack")`,
    definition: { StartAt: 'FailState', States: { FailState: { Type: 'Fail', Cause: 'Invalid response.', Error: 'ErrorA' } } },
    expect: { status: 'FAILED', error: 'ErrorA', cause: 'Invalid response.', events: ['ExecutionStarted', 'FailStateEntered', 'ExecutionFailed'] },
  },
  {
    name: 'Fail without Error or Cause fails with neither',
    source: `${FAIL} ("Error and Cause are optional")`,
    definition: { StartAt: 'F', States: { F: { Type: 'Fail' } } },
    expect: {
      status: 'FAILED',
      check: (result) => {
        if (result.error !== undefined || result.cause !== undefined) throw new Error(`expected no error/cause, got ${result.error}/${result.cause}`);
      },
    },
  },
  {
    name: 'Fail ErrorPath and CausePath read the input',
    source: `${FAIL} > ErrorPath / CausePath ("ErrorPath": "$.someError")`,
    definition: { StartAt: 'F', States: { F: { Type: 'Fail', ErrorPath: '$.someError', CausePath: '$.someCause' } } },
    input: { someError: 'CustomError', someCause: 'It broke' },
    expect: { status: 'FAILED', error: 'CustomError', cause: 'It broke' },
  },
  {
    name: 'Fail CausePath may be an intrinsic function',
    source: `${FAIL} > CausePath ("States.Format('this is the error: {}, and this is the cause: {}', $.Error, $.Cause)")`,
    definition: { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'E', CausePath: "States.Format('this is the error: {}, and this is the cause: {}', $.Error, $.Cause)" } } },
    input: { Error: 'Oops', Cause: 'Boom' },
    expect: { status: 'FAILED', error: 'E', cause: 'this is the error: Oops, and this is the cause: Boom' },
  },
  {
    name: 'JSONata Fail Error and Cause expressions',
    source: `${FAIL} (JSONata: Error and Cause accept expressions)`,
    definition: { QueryLanguage: 'JSONata', StartAt: 'F', States: { F: { Type: 'Fail', Error: '{% $states.input.code %}', Cause: "{% 'order ' & $states.input.id %}" } } },
    input: { code: 'OrderRejected', id: '17' },
    expect: { status: 'FAILED', error: 'OrderRejected', cause: 'order 17' },
  },
  {
    name: 'Pass then Succeed: events in order',
    source: 'Step Functions Developer Guide > Pass workflow state; Succeed workflow state',
    definition: { StartAt: 'P', States: { P: { Type: 'Pass', Result: { x: 1 }, Next: 'S' }, S: { Type: 'Succeed' } } },
    expect: { status: 'SUCCEEDED', output: { x: 1 }, events: ['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'SucceedStateEntered', 'SucceedStateExited', 'ExecutionSucceeded'] },
  },
  {
    name: 'Pass Parameters (JSONPath) replace the input',
    source: 'Step Functions Developer Guide > Pass workflow state > Parameters',
    definition: { StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 'id.$': '$.order.id', fixed: true }, End: true } } },
    input: { order: { id: 'o-1' } },
    expect: { status: 'SUCCEEDED', output: { id: 'o-1', fixed: true } },
  },
];
