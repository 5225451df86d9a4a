import { expect } from 'vitest';
import { raise, type ConformanceCase } from '../case.ts';

const DOC = 'Step Functions Developer Guide > Transforming data with JSONata in Step Functions';
const FN = `${DOC} > JSONata functions provided by Step Functions`;

function jsonataPass(name: string, source: string, output: unknown, input: unknown, expected: unknown): ConformanceCase {
  return {
    name,
    source,
    definition: { QueryLanguage: 'JSONata', StartAt: 'S', States: { S: { Type: 'Pass', Output: output, End: true } } },
    input,
    expect: { status: 'SUCCEEDED', output: expected },
  };
}

/** A JSONata machine whose one Task `Call` invokes Lambda (`lambda:invoke`) with `fields`, and `others` as further states. */
function lambdaCall(fields: Record<string, unknown>, others: Record<string, unknown> = {}) {
  return { QueryLanguage: 'JSONata', StartAt: 'Call', States: { Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', ...fields, End: true }, ...others } };
}

export const jsonata: ConformanceCase[] = [
  jsonataPass('Output computes from $states.input', `${DOC} > Output field`, { total: '{% $states.input.price * $states.input.qty %}' }, { price: 5, qty: 3 }, { total: 15 }),
  jsonataPass('A whole-string expression returns its JSON value, not a string', `${DOC} > Writing JSONata expressions ("{% %}")`, '{% $states.input.items %}', { items: [1, 2] }, [1, 2]),
  jsonataPass('A string without {% %} is a literal', `${DOC} > Writing JSONata expressions`, { msg: 'hello $states.input' }, {}, { msg: 'hello $states.input' }),
  jsonataPass('JSONata Pass without Output passes its input', 'Step Functions Developer Guide > Pass workflow state (JSONata: "Output ... defaults to the state input")', undefined, { a: 1 }, { a: 1 }),
  jsonataPass('$partition chunks an array', `${FN} > $partition`, '{% $partition([1,2,3,4], 2) %}', {}, [[1, 2], [3, 4]]),
  jsonataPass('$range(0, 10, 2)', `${FN} > $range`, '{% $range(0, 10, 2) %}', {}, [0, 2, 4, 6, 8, 10]),
  jsonataPass('$hash SHA-256 (same digest as States.Hash of "input data")', `${FN} > $hash; localstack intrinsic_functions/test_hash_calculations.snapshot.json :: test_hash (exec_hist_resp_2)`, "{% $hash('input data', 'SHA-256') %}", {}, 'b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3'),
  jsonataPass('$parse deserializes a JSON string', `${FN} > $parse`, "{% $parse($states.input.json) %}", { json: '{"foo":"bar"}' }, { foo: 'bar' }),
  jsonataPass('Standard JSONata functions: $sum and $uppercase', `${DOC} (JSONata 2.0 function library)`, { s: '{% $sum($states.input.n) %}', u: "{% $uppercase('abc') %}" }, { n: [1, 2, 3] }, { s: 6, u: 'ABC' }),
  jsonataPass('$states.context.Execution.Input is the execution input', `${DOC} > Reserved variable: $states (context)`, '{% $states.context.Execution.Input %}', { z: true }, { z: true }),
  {
    name: '$uuid returns a v4 UUID',
    source: `${FN} > $uuid`,
    definition: { QueryLanguage: 'JSONata', StartAt: 'S', States: { S: { Type: 'Pass', Output: { id: '{% $uuid() %}' }, End: true } } },
    expect: { status: 'SUCCEEDED', check: (result) => expect((result.output as { id: string }).id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/) },
  },
  {
    name: '$random() is in [0, 1)',
    source: `${FN} > $random`,
    definition: { QueryLanguage: 'JSONata', StartAt: 'S', States: { S: { Type: 'Pass', Output: { r: '{% $random() %}' }, End: true } } },
    expect: {
      status: 'SUCCEEDED',
      check: (result) => {
        const r = (result.output as { r: number }).r;
        expect(r >= 0 && r < 1).toBe(true);
      },
    },
  },
  {
    name: 'Task Arguments and Output over $states.result (Lambda stand-in, mocked)',
    source: `${DOC} > Task state: Arguments and Output ($states.result)`,
    definition: lambdaCall({
      Arguments: { FunctionName: 'Double', Payload: { n: '{% $states.input.n %}' } },
      Output: { doubled: '{% $states.result.Payload %}', input: '{% $states.input %}' },
    }),
    input: { n: 21 },
    functions: { Double: (payload) => (payload as { n: number }).n * 2 },
    expect: { status: 'SUCCEEDED', output: { doubled: 42, input: { n: 21 } } },
  },
  {
    name: 'Catch Output over $states.errorOutput (Lambda stand-in, mocked)',
    source: `${DOC} > Catch: Output with $states.errorOutput`,
    definition: lambdaCall(
      {
        Arguments: { FunctionName: 'Broken' },
        Catch: [{ ErrorEquals: ['States.ALL'], Output: { err: '{% $states.errorOutput.Error %}', from: '{% $states.input.id %}' }, Next: 'Done' }],
      },
      { Done: { Type: 'Succeed' } },
    ),
    input: { id: 'x1' },
    functions: { Broken: () => raise('CustomError', 'nope') },
    expect: { status: 'SUCCEEDED', output: { err: 'CustomError', from: 'x1' } },
  },
  {
    name: 'An expression that fails to evaluate is States.QueryEvaluationError',
    source: `${DOC} > Errors: States.QueryEvaluationError; Error handling > Error names`,
    definition: { QueryLanguage: 'JSONata', StartAt: 'S', States: { S: { Type: 'Pass', Output: "{% $states.input.a + 'text' %}", End: true } } },
    input: { a: 1 },
    expect: { status: 'FAILED', error: 'States.QueryEvaluationError' },
  },
  {
    name: 'States.QueryEvaluationError is caught by States.ALL (it is not States.Runtime)',
    source: 'Step Functions Developer Guide > Error handling > Error names (States.QueryEvaluationError is a retriable/catchable States error)',
    definition: {
      QueryLanguage: 'JSONata',
      StartAt: 'P',
      States: {
        P: { Type: 'Parallel', Branches: [{ StartAt: 'Bad', States: { Bad: { Type: 'Pass', Output: "{% $states.input.a + 'x' %}", End: true } } }], Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }], End: true },
        Caught: { Type: 'Pass', Output: '{% $states.input.Error %}', End: true },
      },
    },
    input: { a: 1 },
    expect: { status: 'SUCCEEDED', output: 'States.QueryEvaluationError' },
  },
  {
    name: '$eval is not supported',
    source: `${DOC} > "Step Functions supports every JSONata function except $eval"`,
    definition: { QueryLanguage: 'JSONata', StartAt: 'S', States: { S: { Type: 'Pass', Output: "{% $eval('1+1') %}", End: true } } },
    expect: { status: 'FAILED', error: 'States.QueryEvaluationError' },
  },
  {
    name: 'A JSONata state in a JSONPath machine: QueryLanguage per state',
    source: `${DOC} > QueryLanguage per state ("a JSONPath state machine may set QueryLanguage JSONata on individual states")`,
    definition: {
      StartAt: 'Path',
      States: {
        Path: { Type: 'Pass', Parameters: { 'v.$': '$.v' }, Next: 'Ata' },
        Ata: { Type: 'Pass', QueryLanguage: 'JSONata', Output: { w: '{% $states.input.v * 10 %}' }, End: true },
      },
    },
    input: { v: 4, other: true },
    expect: { status: 'SUCCEEDED', output: { w: 40 } },
  },
  {
    name: 'JSONata fields are refused in a JSONPath state (Parameters in a JSONata state)',
    source: `${DOC} > "JSONPath fields (InputPath, Parameters, ResultSelector, ResultPath, OutputPath) are not allowed in JSONata states"`,
    definition: { QueryLanguage: 'JSONata', StartAt: 'S', States: { S: { Type: 'Pass', Parameters: { a: 1 }, End: true } } },
    expect: { refused: 'InvalidDefinition' },
  },
  {
    name: 'Choice Condition picks the first true rule',
    source: 'Step Functions Developer Guide > Choice workflow state > JSONata Condition',
    definition: {
      QueryLanguage: 'JSONata',
      StartAt: 'C',
      States: {
        C: { Type: 'Choice', Choices: [{ Condition: '{% $states.input.n > 10 %}', Next: 'Big' }, { Condition: '{% $states.input.n > 0 %}', Next: 'Small' }], Default: 'Zero' },
        Big: { Type: 'Pass', Output: { to: 'big' }, End: true },
        Small: { Type: 'Pass', Output: { to: 'small' }, End: true },
        Zero: { Type: 'Pass', Output: { to: 'zero' }, End: true },
      },
    },
    input: { n: 5 },
    expect: { status: 'SUCCEEDED', output: { to: 'small' } },
  },
  {
    name: 'Map Items and ItemSelector with $states.context.Map.Item',
    source: 'Step Functions Developer Guide > Map state in Inline mode (JSONata: Items, ItemSelector)',
    definition: {
      QueryLanguage: 'JSONata',
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          Items: '{% $states.input.list %}',
          ItemSelector: { i: '{% $states.context.Map.Item.Index %}', v: '{% $states.context.Map.Item.Value %}' },
          ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
          End: true,
        },
      },
    },
    input: { list: ['x', 'y'] },
    expect: { status: 'SUCCEEDED', output: [{ i: 0, v: 'x' }, { i: 1, v: 'y' }] },
  },
];
