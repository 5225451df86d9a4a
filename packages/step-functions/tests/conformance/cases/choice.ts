import type { ConformanceCase } from '../case.ts';

const DOC = 'Step Functions Developer Guide > Choice workflow state';
const LS = 'localstack tests/aws/services/stepfunctions/v2/choice_operators';

const NUM = `${LS}/test_numeric.snapshot.json :: TestNumerics::test_numeric_equals`;

const target = (name: string) => ({ Type: 'Pass', Result: name, End: true });

/** One rule, a Default: the output says which way it went. */
function rule(name: string, source: string, choiceRule: Record<string, unknown>, input: unknown, matched: boolean): ConformanceCase {
  return {
    name,
    source,
    definition: { StartAt: 'C', States: { C: { Type: 'Choice', Choices: [{ ...choiceRule, Next: 'Yes' }], Default: 'No' }, Yes: target('Yes'), No: target('No') } },
    input,
    expect: { status: 'SUCCEEDED', output: matched ? 'Yes' : 'No' },
  };
}

const docChoices = {
  StartAt: 'C',
  States: {
    C: {
      Type: 'Choice',
      Choices: [
        { Not: { Variable: '$.type', StringEquals: 'Private' }, Next: 'Public' },
        { Variable: '$.value', NumericEquals: 0, Next: 'ValueIsZero' },
        { And: [{ Variable: '$.value', NumericGreaterThanEquals: 20 }, { Variable: '$.value', NumericLessThan: 30 }], Next: 'ValueInTwenties' },
      ],
      Default: 'DefaultState',
    },
    Public: target('Public'),
    ValueIsZero: target('ValueIsZero'),
    ValueInTwenties: target('ValueInTwenties'),
    DefaultState: target('DefaultState'),
  },
};

export const choice: ConformanceCase[] = [
  { name: 'Doc example: And of two numeric bounds matches 22', source: `${DOC} > Choice state example`, definition: docChoices, input: { type: 'Private', value: 22 }, expect: { status: 'SUCCEEDED', output: 'ValueInTwenties' } },
  { name: 'Doc example: Not StringEquals routes a public type first', source: `${DOC} > Choice state example`, definition: docChoices, input: { type: 'Public', value: 22 }, expect: { status: 'SUCCEEDED', output: 'Public' } },
  { name: 'Doc example: NumericEquals 0', source: `${DOC} > Choice state example`, definition: docChoices, input: { type: 'Private', value: 0 }, expect: { status: 'SUCCEEDED', output: 'ValueIsZero' } },
  { name: 'Doc example negative control: no rule matches, falls to Default', source: `${DOC} > Choice state example ("Default")`, definition: docChoices, input: { type: 'Private', value: 35 }, expect: { status: 'SUCCEEDED', output: 'DefaultState' } },
  {
    name: 'No rule matches and no Default: States.NoChoiceMatched',
    source: `${DOC} > "If no Choices match and no Default is given, the execution fails with States.NoChoiceMatched"`,
    definition: { StartAt: 'C', States: { C: { Type: 'Choice', Choices: [{ Variable: '$.x', NumericEquals: 1, Next: 'Yes' }] }, Yes: target('Yes') } },
    input: { x: 2 },
    expect: { status: 'FAILED', error: 'States.NoChoiceMatched' },
  },
  {
    name: 'The Choice state passes its input through unchanged',
    source: `${DOC} ("a Choice state's output is its input, filtered by InputPath/OutputPath")`,
    definition: { StartAt: 'C', States: { C: { Type: 'Choice', Choices: [{ Variable: '$.x', NumericEquals: 1, Next: 'Done' }] }, Done: { Type: 'Succeed' } } },
    input: { x: 1, keep: 'me' },
    expect: { status: 'SUCCEEDED', output: { x: 1, keep: 'me' }, events: ['ExecutionStarted', 'ChoiceStateEntered', 'ChoiceStateExited', 'SucceedStateEntered', 'SucceedStateExited', 'ExecutionSucceeded'] },
  },
  {
    name: 'A missing Variable fails with States.Runtime',
    source: 'Step Functions Developer Guide > Error handling > States.Runtime (a path that does not exist in the input)',
    definition: { StartAt: 'C', States: { C: { Type: 'Choice', Choices: [{ Variable: '$.missing', NumericEquals: 1, Next: 'Yes' }], Default: 'No' }, Yes: target('Yes'), No: target('No') } },
    input: { x: 1 },
    expect: { status: 'FAILED', error: 'States.Runtime', causeMatches: /Invalid path '\$\.missing'/ },
  },
  rule('IsPresent true on an existing field', `${DOC} > Choice Rules > IsPresent`, { Variable: '$.a', IsPresent: true }, { a: null }, true),
  rule('IsPresent negative control: missing field', `${DOC} > Choice Rules > IsPresent`, { Variable: '$.b', IsPresent: true }, { a: 1 }, false),
  rule('IsNull on null', `${DOC} > Choice Rules > IsNull`, { Variable: '$.a', IsNull: true }, { a: null }, true),
  rule('IsNull negative control on 0', `${DOC} > Choice Rules > IsNull`, { Variable: '$.a', IsNull: true }, { a: 0 }, false),
  rule('IsNumeric on a number', `${DOC} > Choice Rules > IsNumeric`, { Variable: '$.a', IsNumeric: true }, { a: 1.5 }, true),
  rule('IsNumeric negative control on "1"', `${DOC} > Choice Rules > IsNumeric`, { Variable: '$.a', IsNumeric: true }, { a: '1' }, false),
  rule('IsString on a string', `${DOC} > Choice Rules > IsString`, { Variable: '$.a', IsString: true }, { a: '' }, true),
  rule('IsBoolean on false', `${DOC} > Choice Rules > IsBoolean`, { Variable: '$.a', IsBoolean: true }, { a: false }, true),
  rule('IsTimestamp on an RFC3339 timestamp', `${DOC} > Choice Rules > IsTimestamp`, { Variable: '$.a', IsTimestamp: true }, { a: '2016-03-14T01:59:00Z' }, true),
  rule('IsTimestamp negative control on a date without time', `${DOC} > Choice Rules > IsTimestamp`, { Variable: '$.a', IsTimestamp: true }, { a: '2016-03-14' }, false),
  rule('StringMatches with a * wildcard', `${DOC} > Choice Rules > StringMatches ("log-*.txt")`, { Variable: '$.file', StringMatches: 'log-*.txt' }, { file: 'log-2024-01.txt' }, true),
  rule('StringMatches negative control', `${DOC} > Choice Rules > StringMatches`, { Variable: '$.file', StringMatches: 'log-*.txt' }, { file: 'log-2024-01.csv' }, false),
  rule('StringEquals is exact', `${DOC} > Choice Rules > StringEquals`, { Variable: '$.s', StringEquals: 'abc' }, { s: 'abc' }, true),
  rule('StringLessThan compares lexically', `${DOC} > Choice Rules > StringLessThan`, { Variable: '$.s', StringLessThan: 'b' }, { s: 'abc' }, true),
  rule('NumericEquals on "" is false, not an error', `${NUM} (Variable "", Value 0: ConditionFalse)`, { Variable: '$.n', NumericEquals: 0 }, { n: '' }, false),
  rule('NumericEquals on null is false', `${NUM} (Variable null, Value 0: ConditionFalse)`, { Variable: '$.n', NumericEquals: 0 }, { n: null }, false),
  rule('NumericEquals 1 equals 1.0', `${NUM} (Variable 1, Value 1.0: ConditionTrue)`, { Variable: '$.n', NumericEquals: 1.0 }, { n: 1 }, true),
  rule('NumericEquals 1.1 is not 1', `${NUM} (Variable 1.1, Value 1: ConditionFalse)`, { Variable: '$.n', NumericEquals: 1 }, { n: 1.1 }, false),
  rule('NumericEquals on true is false', `${NUM} (Variable true, Value 1: ConditionFalse)`, { Variable: '$.n', NumericEquals: 1 }, { n: true }, false),
  rule('NumericEquals on {"A": 0} is false', `${NUM} (Variable {"A":0}, Value 0: ConditionFalse)`, { Variable: '$.n', NumericEquals: 0 }, { n: { A: 0 } }, false),
  rule('NumericEquals 2.22 equals 2.22', `${NUM} (Variable 2.22, Value 2.22: ConditionTrue)`, { Variable: '$.n', NumericEquals: 2.22 }, { n: 2.22 }, true),
  rule('NumericGreaterThanPath compares two paths', `${DOC} > Choice Rules > ...Path comparators`, { Variable: '$.a', NumericGreaterThanPath: '$.b' }, { a: 3, b: 2 }, true),
  rule('BooleanEquals true', `${DOC} > Choice Rules > BooleanEquals`, { Variable: '$.b', BooleanEquals: true }, { b: true }, true),
  rule('BooleanEquals negative control on "true" (a string)', `${DOC} > Choice Rules > BooleanEquals`, { Variable: '$.b', BooleanEquals: true }, { b: 'true' }, false),
  rule('TimestampEquals compares instants across offsets', `${DOC} > Choice Rules > TimestampEquals (RFC3339 instants)`, { Variable: '$.t', TimestampEquals: '2016-03-14T01:59:00Z' }, { t: '2016-03-14T02:59:00+01:00' }, true),
  rule('TimestampLessThan', `${DOC} > Choice Rules > TimestampLessThan (RFC3339 instants)`, { Variable: '$.t', TimestampLessThan: '2016-03-14T01:59:00Z' }, { t: '2016-03-14T01:58:59Z' }, true),
  rule('Or of two rules', `${DOC} > Choice Rules > Or`, { Or: [{ Variable: '$.a', NumericEquals: 1 }, { Variable: '$.a', NumericEquals: 2 }] }, { a: 2 }, true),
  rule('Not of a false rule is true', `${DOC} > Choice Rules > Not`, { Not: { Variable: '$.a', StringEquals: 'x' } }, { a: 'y' }, true),
];
