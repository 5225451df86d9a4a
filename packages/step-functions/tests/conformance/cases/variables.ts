import { raise, type ConformanceCase } from '../case.ts';

const DOC = 'Step Functions Developer Guide > Passing data between states with variables';

/** A Choice whose rule assigns `path: 'yes'` and whose own Assign (taken with Default) assigns `'default'`; the next state outputs `$path`. */
const CHOICE_ASSIGN = {
  QueryLanguage: 'JSONata',
  StartAt: 'C',
  States: {
    C: { Type: 'Choice', Choices: [{ Condition: '{% $states.input.ok %}', Assign: { path: 'yes' }, Next: 'End' }], Default: 'End', Assign: { path: 'default' } },
    End: { Type: 'Pass', Output: '{% $path %}', End: true },
  },
};

/** A JSONata machine whose Pass state `Set` assigns `assign`, then goes on to the first of `states`. */
function assignThen(assign: Record<string, unknown>, states: Record<string, unknown>) {
  return { QueryLanguage: 'JSONata', StartAt: 'Set', States: { Set: { Type: 'Pass', Assign: assign, Next: Object.keys(states)[0] }, ...states } };
}

export const variables: ConformanceCase[] = [
  {
    name: 'A variable assigned in one state is read by a later state (JSONPath "$name")',
    source: `${DOC} > Assigning variables / Referencing variables (JSONPath)`,
    definition: {
      StartAt: 'Set',
      States: {
        Set: { Type: 'Pass', Assign: { productName: 'product1', 'count.$': '$.count' }, Next: 'Skip' },
        Skip: { Type: 'Pass', Result: { unrelated: true }, Next: 'Use' },
        Use: { Type: 'Pass', Parameters: { 'name.$': '$productName', 'count.$': '$count' }, End: true },
      },
    },
    input: { count: 3 },
    expect: { status: 'SUCCEEDED', output: { name: 'product1', count: 3 } },
  },
  {
    name: 'A variable assigned in one state is read by a later state (JSONata "$name")',
    source: `${DOC} > Assigning variables / Referencing variables (JSONata)`,
    definition: assignThen({ total: '{% $states.input.a + $states.input.b %}' }, {
      Use: { Type: 'Pass', Output: { total: '{% $total %}' }, End: true },
    }),
    input: { a: 2, b: 5 },
    expect: { status: 'SUCCEEDED', output: { total: 7 } },
  },
  {
    name: 'All of a state\'s Assign expressions see the variables as they were before the state',
    source: `${DOC} > Evaluation order of Assign ("assignments are evaluated with the values before the state, then applied together")`,
    definition: {
      QueryLanguage: 'JSONata',
      StartAt: 'Init',
      States: {
        Init: { Type: 'Pass', Assign: { x: 1 }, Next: 'Swap' },
        Swap: { Type: 'Pass', Assign: { x: 2, y: '{% $x %}' }, Next: 'Read' },
        Read: { Type: 'Pass', Output: { x: '{% $x %}', y: '{% $y %}' }, End: true },
      },
    },
    expect: { status: 'SUCCEEDED', output: { x: 2, y: 1 } },
  },
  {
    name: 'Output of the assigning state sees the old value, the next state the new one',
    source: `${DOC} > Evaluation order ("Output is evaluated with the variable values from before the Assign")`,
    definition: {
      QueryLanguage: 'JSONata',
      StartAt: 'Init',
      States: {
        Init: { Type: 'Pass', Assign: { n: 1 }, Next: 'Inc' },
        Inc: { Type: 'Pass', Assign: { n: '{% $n + 1 %}' }, Output: { during: '{% $n %}' }, Next: 'After' },
        After: { Type: 'Pass', Output: { during: '{% $states.input.during %}', after: '{% $n %}' }, End: true },
      },
    },
    expect: { status: 'SUCCEEDED', output: { during: 1, after: 2 } },
  },
  {
    name: 'StateExited records assignedVariables as JSON text',
    source: 'Step Functions API Reference > StateExitedEventDetails (assignedVariables, assignedVariablesDetails); localstack v2/assign/test_assign_base.snapshot.json',
    definition: { StartAt: 'Set', States: { Set: { Type: 'Pass', Assign: { a: 1, b: 'two' }, End: true } } },
    expect: {
      status: 'SUCCEEDED',
      check: (_result, history) => {
        const exited = history.find((event) => event.type === 'PassStateExited') as unknown as { stateExitedEventDetails: Record<string, unknown> };
        if (JSON.stringify(exited.stateExitedEventDetails.assignedVariables) !== JSON.stringify({ a: '1', b: '"two"' })) throw new Error(JSON.stringify(exited));
        if (JSON.stringify(exited.stateExitedEventDetails.assignedVariablesDetails) !== JSON.stringify({ truncated: false })) throw new Error(JSON.stringify(exited));
      },
    },
  },
  {
    name: 'A Parallel branch reads an outer variable',
    source: `${DOC} > Variable scope ("nested states can access variables of outer scopes")`,
    definition: assignThen({ greeting: 'hi' }, {
      Par: { Type: 'Parallel', Branches: [{ StartAt: 'B', States: { B: { Type: 'Pass', Output: '{% $greeting %}', End: true } } }], End: true },
    }),
    expect: { status: 'SUCCEEDED', output: ['hi'] },
  },
  {
    name: 'A Map iteration reads an outer variable',
    source: `${DOC} > Variable scope (Map ItemProcessor)`,
    definition: assignThen({ factor: 10 }, {
      M: { Type: 'Map', Items: '{% [1, 2, 3] %}', ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'P', States: { P: { Type: 'Pass', Output: '{% $states.input * $factor %}', End: true } } }, End: true },
    }),
    expect: { status: 'SUCCEEDED', output: [10, 20, 30] },
  },
  {
    name: 'Variables assigned inside a branch do not leak out: a Parallel exposes only its output',
    source: `${DOC} > Variable scope ("variables assigned in a nested scope are not visible outside it; pass data out through Output")`,
    definition: assignThen({ v: 'outer' }, {
      Par: { Type: 'Parallel', Branches: [{ StartAt: 'B', States: { B: { Type: 'Pass', Assign: { inner: 'x' }, Output: { b: 'branch' }, End: true } } }], Next: 'Read' },
      Read: { Type: 'Pass', Output: { v: '{% $v %}', out: '{% $states.input %}' }, End: true },
    }),
    expect: { status: 'SUCCEEDED', output: { v: 'outer', out: [{ b: 'branch' }] } },
  },
  {
    name: 'Catch Assign records the error in a variable (Lambda stand-in, mocked)',
    source: `${DOC} > Assign in Catch; Error handling > Catch fields (Assign)`,
    definition: {
      QueryLanguage: 'JSONata',
      StartAt: 'Call',
      States: {
        Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { FunctionName: 'Broken' }, Catch: [{ ErrorEquals: ['States.ALL'], Assign: { lastError: '{% $states.errorOutput.Error %}' }, Next: 'Report' }], End: true },
        Report: { Type: 'Pass', Output: '{% $lastError %}', End: true },
      },
    },
    functions: { Broken: () => raise('PaymentDeclined') },
    expect: { status: 'SUCCEEDED', output: 'PaymentDeclined' },
  },
  {
    name: 'A Choice rule\'s Assign applies when that rule matches',
    source: `${DOC} > Assign in Choice rules`,
    definition: CHOICE_ASSIGN,
    input: { ok: true },
    expect: { status: 'SUCCEEDED', output: 'yes' },
  },
  {
    name: 'Negative control: the Choice state\'s own Assign applies on Default',
    source: `${DOC} > Assign in Choice rules (state-level Assign when Default is taken)`,
    definition: CHOICE_ASSIGN,
    input: { ok: false },
    expect: { status: 'SUCCEEDED', output: 'default' },
  },
  {
    name: 'JSONPath Task Assign reads the (selected) result as "$" (Lambda stand-in, mocked)',
    source: `${DOC} > Assign in JSONPath states ("Assign ... can use the state result, after ResultSelector")`,
    definition: {
      StartAt: 'Call',
      States: {
        Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'Answer' }, ResultSelector: { 'v.$': '$.Payload' }, Assign: { 'answer.$': '$.v' }, ResultPath: null, Next: 'Use' },
        Use: { Type: 'Pass', Parameters: { 'answer.$': '$answer', 'input.$': '$' }, End: true },
      },
    },
    input: { q: 'life' },
    functions: { Answer: () => 42 },
    expect: { status: 'SUCCEEDED', output: { answer: 42, input: { q: 'life' } } },
  },
];
