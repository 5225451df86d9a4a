import { fn, single, type ConformanceCase } from '../case.ts';

const IO = 'Step Functions Developer Guide > Processing input and output';
const RP = `${IO} > Specifying state output using ResultPath`;
const EX = `${IO} > Example: Manipulating state data with paths`;
const PASS = 'Step Functions Developer Guide > Pass workflow state > Pass state example';

const docInput = { comment: 'This is a test of the input and output of a Task state.', details: 'Default example', who: 'AWS Step Functions' };
const hello = { HelloFunction: (payload: unknown) => `Hello, ${(payload as { who: string }).who}!` };

export const pathsAndResultPath: ConformanceCase[] = [
  {
    name: 'ResultPath "$" (the default) replaces the input with the result (Lambda stand-in, mocked)',
    source: `${RP} > "Use ResultPath to replace the input with the result"`,
    definition: single({ Type: 'Task', Resource: fn('HelloFunction') }),
    input: docInput,
    functions: hello,
    expect: { status: 'SUCCEEDED', output: 'Hello, AWS Step Functions!' },
  },
  {
    name: 'ResultPath "$.taskresult" includes the result with the input (Lambda stand-in, mocked)',
    source: `${RP} > "Use ResultPath to include the result with the input"`,
    definition: single({ Type: 'Task', Resource: fn('HelloFunction'), ResultPath: '$.taskresult' }),
    input: docInput,
    functions: hello,
    expect: { status: 'SUCCEEDED', output: { ...docInput, taskresult: 'Hello, AWS Step Functions!' } },
  },
  {
    name: 'ResultPath "$.strings.lambdaresult" creates the nested node (Lambda stand-in, mocked)',
    source: `${RP} > "Use ResultPath to update a node in the input with the result"`,
    definition: single({ Type: 'Task', Resource: fn('HelloFunction'), ResultPath: '$.strings.lambdaresult' }),
    input: { who: 'AWS Step Functions', strings: { first: 'a' } },
    functions: hello,
    expect: { status: 'SUCCEEDED', output: { who: 'AWS Step Functions', strings: { first: 'a', lambdaresult: 'Hello, AWS Step Functions!' } } },
  },
  {
    name: 'ResultPath null discards the result and keeps the input (Lambda stand-in, mocked)',
    source: `${RP} > "Use ResultPath to discard the result and keep the original input"`,
    definition: single({ Type: 'Task', Resource: fn('HelloFunction'), ResultPath: null }),
    input: docInput,
    functions: hello,
    expect: { status: 'SUCCEEDED', output: docInput },
  },
  {
    name: 'ResultPath overwrites an existing field of the input',
    source: `${RP} > "Use ResultPath to update a node in the input with the result"`,
    definition: single({ Type: 'Pass', Result: 'new', ResultPath: '$.master.detail' }),
    input: { master: { detail: [1, 2, 3], other: true } },
    expect: { status: 'SUCCEEDED', output: { master: { detail: 'new', other: true } } },
  },
  {
    name: 'InputPath selects a node of the input',
    source: `${EX} > InputPath ("$.dataset2")`,
    definition: single({ Type: 'Pass', InputPath: '$.dataset2' }),
    input: { comment: 'Example for InputPath.', dataset1: { val1: 1, val2: 2, val3: 3 }, dataset2: { val1: 'a', val2: 'b', val3: 'c' } },
    expect: { status: 'SUCCEEDED', output: { val1: 'a', val2: 'b', val3: 'c' } },
  },
  {
    name: 'Parameters builds a new input from static values and paths',
    source: `${EX} > Parameters`,
    definition: single({ Type: 'Pass', Parameters: { comment: 'Selecting what I care about.', MyDetails: { 'size.$': '$.product.details.size', 'exists.$': '$.product.availability', StaticValue: 'foo' } } }),
    input: { comment: 'Example for Parameters.', product: { details: { color: 'blue', size: 'small', material: 'cotton' }, availability: 'in stock', sku: '2317', cost: '$23' } },
    expect: { status: 'SUCCEEDED', output: { comment: 'Selecting what I care about.', MyDetails: { size: 'small', exists: 'in stock', StaticValue: 'foo' } } },
  },
  {
    name: 'OutputPath selects part of the state output',
    source: `${IO} > Filtering state output using OutputPath`,
    definition: single({ Type: 'Pass', Result: { a: 1, b: { c: 2 } }, ResultPath: '$.res', OutputPath: '$.res.b' }),
    input: { keep: false },
    expect: { status: 'SUCCEEDED', output: { c: 2 } },
  },
  {
    name: 'InputPath null gives the state an empty object',
    source: `${IO} > InputPath ("If InputPath is null, the state gets {} as input")`,
    definition: single({ Type: 'Pass', InputPath: null }),
    input: { a: 1 },
    expect: { status: 'SUCCEEDED', output: {} },
  },
  {
    name: 'OutputPath null sends an empty object to the next state',
    source: `${IO} > OutputPath ("If OutputPath is null, an empty object {} is sent")`,
    definition: single({ Type: 'Pass', OutputPath: null }),
    input: { a: 1 },
    expect: { status: 'SUCCEEDED', output: {} },
  },
  {
    name: 'Pass Result placed by ResultPath "$.coords" (the guide\'s georefOf example)',
    source: PASS,
    definition: single({ Type: 'Pass', Result: { 'x-datum': 0.381018, 'y-datum': 622.2269926397355 }, ResultPath: '$.coords' }),
    input: { georefOf: 'Home' },
    expect: { status: 'SUCCEEDED', output: { georefOf: 'Home', coords: { 'x-datum': 0.381018, 'y-datum': 622.2269926397355 } } },
  },
  {
    name: 'Pass without Result passes its input to its output',
    source: 'Step Functions Developer Guide > Pass workflow state ("passes its input to its output")',
    definition: single({ Type: 'Pass' }),
    input: { x: [1, 2], y: null },
    expect: { status: 'SUCCEEDED', output: { x: [1, 2], y: null } },
  },
  {
    name: 'ResultSelector shapes the task result before ResultPath (Lambda stand-in, mocked)',
    source: `${IO} > Filtering state output using ResultSelector`,
    definition: single({
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'Echo', 'Payload.$': '$' },
      ResultSelector: { 'body.$': '$.Payload', 'code.$': '$.StatusCode' },
      ResultPath: '$.out',
    }),
    input: { v: 1 },
    functions: { Echo: (payload) => payload },
    expect: { status: 'SUCCEEDED', output: { v: 1, out: { body: { v: 1 }, code: 200 } } },
  },
  {
    name: 'InputPath that matches nothing fails with States.Runtime (no Catch can handle it)',
    source: 'localstack tests/aws/services/stepfunctions/v2/scenarios/test_base_scenarios.snapshot.json (InputPath/OutputPath no-result runtime failures); Error handling > States.Runtime',
    definition: single({ Type: 'Pass', InputPath: '$.missing' }),
    input: { a: 1 },
    expect: { status: 'FAILED', error: 'States.Runtime', causeMatches: /Invalid path '\$\.missing'/ },
  },
  {
    name: 'Parameters path that matches nothing fails with States.Runtime',
    source: 'Step Functions Developer Guide > Error handling > Error names > States.Runtime ("a reference to a nonexistent path in the input")',
    definition: single({ Type: 'Pass', Parameters: { 'x.$': '$.nope' } }),
    input: { a: 1 },
    expect: { status: 'FAILED', error: 'States.Runtime', causeMatches: /\$\.nope/ },
  },
  {
    name: 'ResultPath cannot place a result inside a scalar: States.Runtime not caught by States.ALL',
    source: 'Step Functions Developer Guide > Error handling > States.ResultPathMatchFailure / States.Runtime',
    definition: {
      StartAt: 'S',
      States: { S: { Type: 'Pass', Result: 1, ResultPath: '$.a.b', End: true } },
    },
    input: { a: 'scalar' },
    expect: { status: 'FAILED' },
  },
];
