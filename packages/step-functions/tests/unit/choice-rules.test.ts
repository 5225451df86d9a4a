import { describe, expect, it } from 'vitest';
import { StatesError } from '../../src/errors.js';
import type { ContextObject, QueryScope } from '../../src/query/types.js';
import type { JsonPathChoiceRule } from '../../src/definition/types.js';
import { evaluateChoiceRule, parseTimestamp, stringMatches } from '../../src/states/choice-rules.js';

// A stand-in for the JSONPath module: reads `$`, `$.a.b`, `$$.a.b` and `$name.a`; throws on a
// missing path as a JSONPath reader does.
function readPath(path: string, scope: QueryScope): unknown {
  const [root, ...keys] = path.split('.');
  let value: unknown =
    root === '$$' ? scope.context : root === '$' ? scope.input : scope.variables[(root ?? '').slice(1)];
  for (const key of keys) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) throw new Error(`missing ${path}`);
    value = (value as Record<string, unknown>)[key];
  }
  if (value === undefined) throw new Error(`missing ${path}`);
  return value;
}

const context = {
  Execution: { Id: 'arn:exec', Input: {}, Name: 'exec', StartTime: '2026-01-01T00:00:00Z', RedriveCount: 0 },
  State: { EnteredTime: '2026-01-01T00:00:00Z', Name: 'Choose', RetryCount: 0 },
  StateMachine: { Id: 'arn:sm', Name: 'sm' },
} satisfies ContextObject;

function scopeOf(input: unknown, variables: Record<string, unknown> = {}): QueryScope {
  return { input, context, variables };
}

function evaluate(rule: JsonPathChoiceRule, input: unknown, variables: Record<string, unknown> = {}): boolean {
  return evaluateChoiceRule(rule, scopeOf(input, variables), readPath);
}

/**
 * Asserts a comparison operator twice: with the literal `value`, and as its `...Path` form
 * reading the same value from `$.w` (the snapshots record both forms alike).
 */
function expectComparison(operator: string, variable: unknown, value: unknown, expected: boolean): void {
  // Prepare
  const rule = { Variable: '$.v', [operator]: value, Next: 'X' } as JsonPathChoiceRule;
  const pathRule = { Variable: '$.v', [`${operator}Path`]: '$.w', Next: 'X' } as JsonPathChoiceRule;

  // Act / Assess
  expect(evaluate(rule, { v: variable })).toBe(expected);
  expect(evaluate(pathRule, { v: variable, w: value })).toBe(expected);
}

// Values used by localstack's choice_operators snapshots (recorded against AWS).
const ALL_KINDS: readonly unknown[] = [null, 0, 0.0, 1, 1.1, '', ' ', 'HelloWorld', '2012-10-09T19:00:55', [], [''], {}, { A: 0 }, true, false];

describe('evaluateChoiceRule: Is* operators (localstack choice_operators/test_is_operators.snapshot.json)', () => {
  const kinds: [operator: keyof JsonPathChoiceRule, test: (value: unknown) => boolean][] = [
    ['IsNull', (value) => value === null],
    ['IsNumeric', (value) => typeof value === 'number'],
    ['IsString', (value) => typeof value === 'string'],
    ['IsBoolean', (value) => typeof value === 'boolean'],
  ];
  for (const [operator, test] of kinds) {
    it(`${operator}: true exactly for its type, and ${operator}: false is its negation`, () => {
      // Prepare
      const positive = { Variable: '$.v', [operator]: true, Next: 'X' } as JsonPathChoiceRule;
      const negative = { Variable: '$.v', [operator]: false, Next: 'X' } as JsonPathChoiceRule;

      // Act
      const results = ALL_KINDS.map((value) => [evaluate(positive, { v: value }), evaluate(negative, { v: value })]);

      // Assess: e.g. IsNull on 0 is ConditionFalse, IsNull:false on 0 is ConditionTrue.
      expect(results).toEqual(ALL_KINDS.map((value) => [test(value), !test(value)]));
      expect(results.some(([positiveResult]) => positiveResult)).toBe(true); // negative control: not constantly false
    });
  }

  it('IsTimestamp: true for an RFC3339 string with zone, false for "2012-10-09T19:00:55" (no zone) and non-strings', () => {
    // Prepare ("Choice workflow state" > "Choice Rules": IsTimestamp)
    const rule: JsonPathChoiceRule = { Variable: '$.v', IsTimestamp: true, Next: 'X' };

    // Act
    const valid = evaluate(rule, { v: '2016-08-18T17:33:00Z' });
    const invalid = ['2012-10-09T19:00:55', 'date', 42, null].map((value) => evaluate(rule, { v: value }));

    // Assess
    expect(valid).toBe(true);
    expect(invalid).toEqual([false, false, false, false]);
  });

  it('IsPresent: false (not an error) for a missing path, true for a present one, even when null', () => {
    // Prepare ("Choice workflow state" > "Choice Rules": IsPresent)
    const present: JsonPathChoiceRule = { Variable: '$.a.b', IsPresent: true, Next: 'X' };
    const absent: JsonPathChoiceRule = { Variable: '$.a.b', IsPresent: false, Next: 'X' };

    // Act / Assess
    expect(evaluate(present, { a: {} })).toBe(false);
    expect(evaluate(absent, { a: {} })).toBe(true);
    expect(evaluate(present, { a: { b: null } })).toBe(true);
    expect(evaluate(absent, { a: { b: 0 } })).toBe(false);
  });

  it('IsPresent: false also when the path reader returns undefined instead of throwing', () => {
    // Prepare
    const rule: JsonPathChoiceRule = { Variable: '$.x', IsPresent: true, Next: 'X' };

    // Act
    const result = evaluateChoiceRule(rule, scopeOf({}), () => undefined);

    // Assess
    expect(result).toBe(false);
    expect(evaluateChoiceRule(rule, scopeOf({}), () => 1)).toBe(true); // negative control
  });
});

describe('evaluateChoiceRule: missing Variable (AWS: States.Runtime "Invalid path ... references an invalid value.")', () => {
  it('throws States.Runtime with AWS\'s message for a comparison on a missing path', () => {
    // Prepare ("Choice workflow state" > "Choice Rules": a path that does not exist fails the execution)
    const rule: JsonPathChoiceRule = { Variable: '$.x', StringEquals: 'a', Next: 'X' };

    // Act
    const act = () => evaluate(rule, { y: 1 });

    // Assess
    expect(act).toThrow(StatesError);
    expect(act).toThrow("Invalid path '$.x': The choice state's condition path references an invalid value.");
    try {
      act();
    } catch (error) {
      expect((error as StatesError).error).toBe('States.Runtime');
    }
    expect(evaluate(rule, { x: 'a' })).toBe(true); // negative control: present path compares
  });

  it('throws for an Is* type test (other than IsPresent) on a missing path', () => {
    // Prepare
    const rule: JsonPathChoiceRule = { Variable: '$.x', IsNull: true, Next: 'X' };

    // Act / Assess
    expect(() => evaluate(rule, {})).toThrow(/Invalid path '\$\.x'/);
    expect(evaluate(rule, { x: null })).toBe(true);
  });

  it('throws when the operand path of a ...Path operator is missing', () => {
    // Prepare
    const rule: JsonPathChoiceRule = { Variable: '$.a', NumericEqualsPath: '$.b', Next: 'X' };

    // Act / Assess
    expect(() => evaluate(rule, { a: 1 })).toThrow(/Invalid path '\$\.b'/);
    expect(evaluate(rule, { a: 1, b: 1 })).toBe(true);
  });
});

describe('evaluateChoiceRule: string operators (localstack choice_operators/test_string_operators.snapshot.json)', () => {
  it.each([
    ['StringEquals', 'abc', 'abc', true],
    ['StringEquals', 'abc', 'abd', false],
    ['StringLessThan', 'abc', 'abd', true],
    ['StringLessThan', 'abd', 'abc', false],
    ['StringGreaterThan', 'b', 'a', true],
    ['StringGreaterThan', 'a', 'a', false],
    ['StringLessThanEquals', 'a', 'a', true],
    ['StringLessThanEquals', 'b', 'a', false],
    ['StringGreaterThanEquals', 'a', 'a', true],
    ['StringGreaterThanEquals', 'a', 'b', false],
  ] as const)('%s: %j vs %j is %s', expectComparison);

  it('a non-string Variable or Path operand makes the comparison false, not an error', () => {
    // Prepare
    const rule: JsonPathChoiceRule = { Variable: '$.v', StringEquals: '1', Next: 'X' };
    const pathRule: JsonPathChoiceRule = { Variable: '$.v', StringEqualsPath: '$.w', Next: 'X' };

    // Act / Assess
    for (const value of [1, null, true, ['1'], { a: '1' }]) expect(evaluate(rule, { v: value })).toBe(false);
    expect(evaluate(pathRule, { v: '1', w: 1 })).toBe(false);
    expect(evaluate(rule, { v: '1' })).toBe(true); // negative control
  });

  it('StringMatches: * matches any run of characters, \\* a literal asterisk ("Choice Rules": StringMatches)', () => {
    // Prepare: the JSON text "log-\\*.txt" is the string log-\*.txt
    const wildcard: JsonPathChoiceRule = { Variable: '$.v', StringMatches: 'log-*.txt', Next: 'X' };
    const escaped: JsonPathChoiceRule = { Variable: '$.v', StringMatches: 'log-\\*.txt', Next: 'X' };

    // Act / Assess
    expect(evaluate(wildcard, { v: 'log-2026.txt' })).toBe(true);
    expect(evaluate(wildcard, { v: 'log-.txt' })).toBe(true);
    expect(evaluate(wildcard, { v: 'log-2026.txt.gz' })).toBe(false);
    expect(evaluate(escaped, { v: 'log-*.txt' })).toBe(true);
    expect(evaluate(escaped, { v: 'log-2026.txt' })).toBe(false);
    expect(evaluate(wildcard, { v: 7 })).toBe(false);
  });

  it('StringMatches treats regular-expression characters literally', () => {
    // Act / Assess
    expect(stringMatches('a.b(c)', 'a.b(c)')).toBe(true);
    expect(stringMatches('axb(c)', 'a.b(c)')).toBe(false);
    expect(stringMatches('a\\b', 'a\\\\b')).toBe(true);
    expect(stringMatches('*', '*')).toBe(true);
    expect(stringMatches('line1\nline2', 'line1*')).toBe(true);
  });
});

describe('evaluateChoiceRule: numeric operators (localstack choice_operators/test_numeric.snapshot.json)', () => {
  it.each([
    ['NumericEquals', 1, 1.0, true],
    ['NumericEquals', 1, 2, false],
    ['NumericLessThan', 1, 2, true],
    ['NumericLessThan', 2, 2, false],
    ['NumericGreaterThan', 3, 2, true],
    ['NumericGreaterThan', 2, 2, false],
    ['NumericLessThanEquals', 2, 2, true],
    ['NumericLessThanEquals', 3, 2, false],
    ['NumericGreaterThanEquals', 2, 2, true],
    ['NumericGreaterThanEquals', 1.5, 2, false],
  ] as const)('%s: %d vs %d is %s', expectComparison);

  it('a numeric string is not a number: the comparison is false', () => {
    // Prepare
    const rule: JsonPathChoiceRule = { Variable: '$.v', NumericEquals: 1, Next: 'X' };

    // Act / Assess
    for (const value of ['1', null, true, [1]]) expect(evaluate(rule, { v: value })).toBe(false);
    expect(evaluate(rule, { v: 1 })).toBe(true);
  });
});

describe('evaluateChoiceRule: BooleanEquals (localstack choice_operators/test_boolean_equals.snapshot.json)', () => {
  it('matches booleans only; "true", 1 and null are false', () => {
    // Prepare
    const rule: JsonPathChoiceRule = { Variable: '$.v', BooleanEquals: true, Next: 'X' };
    const pathRule: JsonPathChoiceRule = { Variable: '$.v', BooleanEqualsPath: '$.w', Next: 'X' };

    // Act / Assess
    expect(evaluate(rule, { v: true })).toBe(true);
    expect(evaluate(rule, { v: false })).toBe(false);
    for (const value of ['true', 1, null]) expect(evaluate(rule, { v: value })).toBe(false);
    expect(evaluate(pathRule, { v: false, w: false })).toBe(true);
    expect(evaluate(pathRule, { v: false, w: 'false' })).toBe(false);
  });
});

describe('evaluateChoiceRule: timestamp operators (localstack choice_operators/test_timestamp_operators.snapshot.json)', () => {
  it('compares instants, so an offset and Z that name the same instant are equal', () => {
    // Prepare
    const rule: JsonPathChoiceRule = { Variable: '$.v', TimestampEquals: '2026-01-01T00:00:00Z', Next: 'X' };

    // Act / Assess
    expect(evaluate(rule, { v: '2026-01-01T01:00:00+01:00' })).toBe(true);
    expect(evaluate(rule, { v: '2026-01-01T00:00:00.000Z' })).toBe(true);
    expect(evaluate(rule, { v: '2026-01-01T00:00:01Z' })).toBe(false);
  });

  it.each([
    ['TimestampLessThan', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00.001Z', true],
    ['TimestampLessThan', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', false],
    // Lexically smaller, but 2026-01-02T01:00:00Z as an instant:
    ['TimestampGreaterThan', '2026-01-01T23:00:00-02:00', '2026-01-02T00:00:00Z', true],
    ['TimestampGreaterThan', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', false],
    ['TimestampLessThanEquals', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', true],
    ['TimestampLessThanEquals', '2026-01-01T00:00:01Z', '2026-01-01T00:00:00Z', false],
    ['TimestampGreaterThanEquals', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', true],
    ['TimestampGreaterThanEquals', '2025-12-31T23:59:59Z', '2026-01-01T00:00:00Z', false],
  ] as const)('%s: %s vs %s is %s', expectComparison);

  it('a Variable that is not a timestamp ("2023-02-24 12:15:56.832957", numbers, null) makes it false', () => {
    // Prepare: values from the TimestampEquals snapshot, all ConditionFalse
    const rule: JsonPathChoiceRule = { Variable: '$.v', TimestampEquals: '2023-02-24T12:15:56Z', Next: 'X' };

    // Act / Assess
    for (const value of ALL_KINDS) expect(evaluate(rule, { v: value })).toBe(false);
    expect(evaluate(rule, { v: '2023-02-24 12:15:56.832957' })).toBe(false);
    expect(evaluate(rule, { v: '2023-02-24T12:15:56Z' })).toBe(true); // negative control
  });
});

describe('evaluateChoiceRule: And, Or, Not ("Choice workflow state" > "Choice Rules": Boolean logic)', () => {
  const between: JsonPathChoiceRule = {
    And: [
      { Variable: '$.n', NumericGreaterThanEquals: 20 },
      { Variable: '$.n', NumericLessThan: 30 },
    ],
    Next: 'X',
  };

  it('And is true only when every rule is', () => {
    // Act / Assess
    expect(evaluate(between, { n: 25 })).toBe(true);
    expect(evaluate(between, { n: 30 })).toBe(false);
  });

  it('Or is true when any rule is; Not negates; they nest', () => {
    // Prepare
    const rule: JsonPathChoiceRule = {
      Or: [{ Not: { Variable: '$.type', StringEquals: 'Private' } }, { Variable: '$.value', NumericGreaterThan: 10 }],
      Next: 'X',
    };

    // Act / Assess
    expect(evaluate(rule, { type: 'Public', value: 0 })).toBe(true);
    expect(evaluate(rule, { type: 'Private', value: 11 })).toBe(true);
    expect(evaluate(rule, { type: 'Private', value: 10 })).toBe(false);
  });

  it('And stops at the first false rule, so a later missing path is not read', () => {
    // Prepare
    const rule: JsonPathChoiceRule = {
      And: [
        { Variable: '$.a', IsPresent: true },
        { Variable: '$.a', StringEquals: 'x' },
      ],
      Next: 'X',
    };

    // Act / Assess
    expect(evaluate(rule, {})).toBe(false);
    expect(evaluate(rule, { a: 'x' })).toBe(true);
  });

  it('reads the context object ($$) and workflow variables ($name)', () => {
    // Prepare
    const fromContext: JsonPathChoiceRule = { Variable: '$$.State.Name', StringEquals: 'Choose', Next: 'X' };
    const fromVariable: JsonPathChoiceRule = { Variable: '$limit', NumericLessThanPath: '$.n', Next: 'X' };

    // Act / Assess
    expect(evaluate(fromContext, {})).toBe(true);
    expect(evaluate(fromVariable, { n: 5 }, { limit: 3 })).toBe(true);
    expect(evaluate(fromVariable, { n: 2 }, { limit: 3 })).toBe(false);
  });
});

describe('parseTimestamp ("Wait workflow state": Timestamp, "an uppercase T ... an uppercase Z")', () => {
  it('parses RFC3339 with Z, an offset, and fractional seconds, as epoch milliseconds', () => {
    // Act / Assess
    expect(parseTimestamp('2016-03-14T01:59:00Z')).toBe(Date.UTC(2016, 2, 14, 1, 59, 0));
    expect(parseTimestamp('2016-03-14T03:59:00+02:00')).toBe(Date.UTC(2016, 2, 14, 1, 59, 0));
    expect(parseTimestamp('2016-03-13T23:59:00-02:00')).toBe(Date.UTC(2016, 2, 14, 1, 59, 0));
    expect(parseTimestamp('2016-03-14T01:59:00.250Z')).toBe(Date.UTC(2016, 2, 14, 1, 59, 0, 250));
  });

  it('keeps sub-millisecond fractions so close instants still order', () => {
    // Act
    const earlier = parseTimestamp('2016-03-14T01:59:00.000001Z');
    const later = parseTimestamp('2016-03-14T01:59:00.000002Z');

    // Assess
    expect(earlier).toBeDefined();
    expect(later! > earlier!).toBe(true);
  });

  it.each([
    '2016-03-14t01:59:00Z',
    '2016-03-14T01:59:00z',
    '2016-03-14 01:59:00Z',
    '2016-03-14T01:59:00',
    '2023-02-24 12:15:56.832957',
    '2016-02-30T00:00:00Z',
    '2016-13-01T00:00:00Z',
    '2016-03-14T24:00:00Z',
    '2016-03-14T01:60:00Z',
    '2016-03-14T01:59:00+0200',
    '2016-03-14',
    'date',
    '',
  ])('refuses %j', (text) => {
    // Act / Assess
    expect(parseTimestamp(text)).toBeUndefined();
  });

  it('accepts 29 February in a leap year only', () => {
    // Act / Assess
    expect(parseTimestamp('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29));
    expect(parseTimestamp('2023-02-29T00:00:00Z')).toBeUndefined();
  });
});
