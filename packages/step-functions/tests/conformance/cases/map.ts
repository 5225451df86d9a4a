import { raise, type ConformanceCase } from '../case.ts';

const DOC = 'Step Functions Developer Guide > Map state in Inline mode';

const processor = (states: Record<string, unknown>, startAt = Object.keys(states)[0]!) => ({ ProcessorConfig: { Mode: 'INLINE' }, StartAt: startAt, States: states });

const shipInput = {
  'ship-date': '2016-03-14T01:59:00Z',
  detail: {
    'delivery-partner': 'UQS',
    shipped: [
      { prod: 'R31', 'dest-code': 9511, quantity: 1344 },
      { prod: 'S39', 'dest-code': 9511, quantity: 40 },
    ],
  },
};

export const map: ConformanceCase[] = [
  {
    name: 'ItemsPath and ItemSelector with $$.Map.Item.Value (the guide\'s shipping example)',
    source: `${DOC} > Inline Map state example with ItemSelector`,
    definition: {
      StartAt: 'Validate-All',
      States: {
        'Validate-All': {
          Type: 'Map',
          ItemsPath: '$.detail.shipped',
          ItemSelector: { 'parcel.$': '$$.Map.Item.Value', 'courier.$': '$.detail.delivery-partner' },
          ItemProcessor: processor({ Validate: { Type: 'Pass', End: true } }),
          End: true,
        },
      },
    },
    input: shipInput,
    expect: {
      status: 'SUCCEEDED',
      output: [
        { parcel: { prod: 'R31', 'dest-code': 9511, quantity: 1344 }, courier: 'UQS' },
        { parcel: { prod: 'S39', 'dest-code': 9511, quantity: 40 }, courier: 'UQS' },
      ],
    },
  },
  {
    name: 'The result is the iteration outputs in item order, whatever order they finish in',
    source: `${DOC} ("the output is an array of the results, in the order of the input items")`,
    definition: { StartAt: 'M', States: { M: { Type: 'Map', ItemProcessor: processor({ W: { Type: 'Wait', SecondsPath: '$.s', Next: 'Out' }, Out: { Type: 'Pass', InputPath: '$.id', End: true } }), End: true } } },
    input: [{ id: 'a', s: 30 }, { id: 'b', s: 10 }, { id: 'c', s: 20 }],
    expect: { status: 'SUCCEEDED', output: ['a', 'b', 'c'] },
  },
  {
    name: 'An empty array gives []',
    source: `${DOC} (empty input array)`,
    definition: { StartAt: 'M', States: { M: { Type: 'Map', ItemProcessor: processor({ P: { Type: 'Pass', End: true } }), End: true } } },
    input: [],
    expect: { status: 'SUCCEEDED', output: [], eventsInOrder: ['MapStateEntered', 'MapStateStarted', 'MapStateSucceeded', 'MapStateExited'] },
  },
  {
    name: 'MaxConcurrency 1 runs the iterations one after another',
    source: `${DOC} > MaxConcurrency ("1 ... iterations run one at a time, in order")`,
    definition: { StartAt: 'M', States: { M: { Type: 'Map', MaxConcurrency: 1, ItemProcessor: processor({ W: { Type: 'Wait', Seconds: 10, End: true } }), End: true } } },
    input: [1, 2, 3],
    expect: { status: 'SUCCEEDED', output: [1, 2, 3], timestamps: [{ from: 'MapStateEntered', to: 'MapStateExited', seconds: 30 }] },
  },
  {
    name: 'Negative control: MaxConcurrency 0 (no limit) runs them together',
    source: `${DOC} > MaxConcurrency ("0 ... as many as possible in parallel")`,
    definition: { StartAt: 'M', States: { M: { Type: 'Map', MaxConcurrency: 0, ItemProcessor: processor({ W: { Type: 'Wait', Seconds: 10, End: true } }), End: true } } },
    input: [1, 2, 3],
    expect: { status: 'SUCCEEDED', timestamps: [{ from: 'MapStateEntered', to: 'MapStateExited', seconds: 10 }] },
  },
  {
    name: 'ResultPath places the results beside the input',
    source: `${DOC} (ResultPath)`,
    definition: { StartAt: 'M', States: { M: { Type: 'Map', ItemsPath: '$.items', ResultPath: '$.results', ItemProcessor: processor({ P: { Type: 'Pass', Result: 'done', End: true } }), End: true } } },
    input: { items: [1, 2] },
    expect: { status: 'SUCCEEDED', output: { items: [1, 2], results: ['done', 'done'] } },
  },
  {
    name: 'A failed iteration fails the Map state with its error',
    source: `${DOC} ("if any iteration fails, the Map state fails")`,
    definition: { StartAt: 'M', States: { M: { Type: 'Map', ItemProcessor: processor({ C: { Type: 'Choice', Choices: [{ Variable: '$', NumericEquals: 2, Next: 'Bad' }], Default: 'Good' }, Bad: { Type: 'Fail', Error: 'ItemError', Cause: 'two' }, Good: { Type: 'Pass', End: true } }), End: true } } },
    input: [1, 2, 3],
    expect: { status: 'FAILED', error: 'ItemError', cause: 'two', eventsInOrder: ['MapStateStarted', 'MapIterationFailed', 'MapStateFailed', 'ExecutionFailed'] },
  },
  {
    name: 'Catch on a Map state handles an iteration error (Lambda stand-in, mocked)',
    source: `${DOC}; Error handling > Catch`,
    definition: {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemsPath: '$.list',
          ItemProcessor: processor({ Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'Check', 'Payload.$': '$' }, End: true } }),
          Catch: [{ ErrorEquals: ['States.TaskFailed'], ResultPath: '$.error', Next: 'Handled' }],
          ResultPath: '$.out',
          End: true,
        },
        Handled: { Type: 'Pass', OutputPath: '$.error.Error', End: true },
      },
    },
    input: { list: [1] },
    functions: { Check: () => raise('InvalidItem', 'bad item') },
    expect: { status: 'SUCCEEDED', output: 'InvalidItem' },
  },
  {
    name: 'Items that are not an array fail the execution',
    source: `${DOC} > ItemsPath ("must select a JSON array")`,
    definition: { StartAt: 'M', States: { M: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: processor({ P: { Type: 'Pass', End: true } }), End: true } } },
    input: { items: 'not an array' },
    expect: { status: 'FAILED', error: 'States.Runtime' },
  },
  {
    name: 'Legacy Iterator and Parameters still work',
    source: `${DOC} ("Iterator and Parameters are the deprecated names of ItemProcessor and ItemSelector")`,
    definition: { StartAt: 'M', States: { M: { Type: 'Map', Parameters: { 'i.$': '$$.Map.Item.Index' }, Iterator: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true } } },
    input: ['x', 'y'],
    expect: { status: 'SUCCEEDED', output: [{ i: 0 }, { i: 1 }] },
  },
  {
    name: 'History of an inline Map with two items',
    source: 'Step Functions API Reference > HistoryEvent types (MapStateStarted, MapIterationStarted, MapIterationSucceeded, MapStateSucceeded)',
    definition: { StartAt: 'M', States: { M: { Type: 'Map', MaxConcurrency: 1, ItemProcessor: processor({ P: { Type: 'Pass', End: true } }), End: true } } },
    input: [1, 2],
    expect: {
      status: 'SUCCEEDED',
      events: [
        'ExecutionStarted', 'MapStateEntered', 'MapStateStarted',
        'MapIterationStarted', 'PassStateEntered', 'PassStateExited', 'MapIterationSucceeded',
        'MapIterationStarted', 'PassStateEntered', 'PassStateExited', 'MapIterationSucceeded',
        'MapStateSucceeded', 'MapStateExited', 'ExecutionSucceeded',
      ],
    },
  },
  {
    name: 'ItemSelector can read the Map state input with "$"',
    source: `${DOC} > ItemSelector ("$ refers to the Map state input")`,
    definition: { StartAt: 'M', States: { M: { Type: 'Map', ItemsPath: '$.ids', ItemSelector: { 'id.$': '$$.Map.Item.Value', 'batch.$': '$.batch' }, ItemProcessor: processor({ P: { Type: 'Pass', End: true } }), End: true } } },
    input: { ids: [7], batch: 'B1' },
    expect: { status: 'SUCCEEDED', output: [{ id: 7, batch: 'B1' }] },
  },
];
