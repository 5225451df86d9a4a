import { describe, expect, it } from 'vitest';
import { StatesError } from '../../src/errors.js';
import { checkIntrinsic, evaluateIntrinsic, isIntrinsic } from '../../src/query/intrinsics.js';
import { PathNotFoundError } from '../../src/query/jsonpath.js';
import type { ContextObject, QueryScope } from '../../src/query/types.js';

const context: ContextObject = {
  Execution: {
    Id: 'arn:aws:states:us-east-1:123456789012:execution:sm:run-1',
    Input: {},
    Name: 'run-1',
    StartTime: '2026-01-01T00:00:00.000Z',
    RedriveCount: 0,
  },
  State: { EnteredTime: '2026-01-01T00:00:01.000Z', Name: 'S', RetryCount: 0 },
  StateMachine: { Id: 'arn:aws:states:us-east-1:123456789012:stateMachine:sm', Name: 'sm' },
};

function run(expression: string, input: unknown = {}, variables: Record<string, unknown> = {}): unknown {
  const scope: QueryScope = { input, context, variables };
  return evaluateIntrinsic(expression, scope);
}

/** The StatesError `act` threw (failing the test if it threw nothing or something else). */
function failure(act: () => unknown): StatesError {
  try {
    act();
  } catch (error) {
    if (error instanceof StatesError) return error;
    throw error;
  }
  throw new Error('expected a StatesError');
}

function intrinsicFailure(expression: string, input: unknown = {}): StatesError {
  const error = failure(() => run(expression, input));
  expect(error.error).toBe('States.IntrinsicFailure');
  return error;
}

// Every "AWS docs" case below is the documented example of "Intrinsic functions for JSONPath in
// Step Functions", in the section named in the test.
describe('AWS docs examples', () => {
  it('Intrinsics for generic operations > States.Format', () => {
    expect(run("States.Format('Hello, my name is {}.', $.name)", { name: 'Arnav' })).toBe('Hello, my name is Arnav.');
  });

  it('JSON data manipulation > States.StringToJson', () => {
    expect(run('States.StringToJson($.someString)', { someString: '{"number": 20}' })).toEqual({ number: 20 });
  });

  it('JSON data manipulation > States.JsonToString', () => {
    expect(run('States.JsonToString($.someJson)', { someJson: { name: 'Foo', zebra: 'Bar' } })).toBe('{"name":"Foo","zebra":"Bar"}');
  });

  it('Arrays > States.Array', () => {
    expect(run("States.Array('Foo', 2020, $.someJson, null)", { someJson: { random: 'abcdefg' } })).toEqual([
      'Foo',
      2020,
      { random: 'abcdefg' },
      null,
    ]);
  });

  it('Arrays > States.ArrayPartition', () => {
    expect(run('States.ArrayPartition($.inputArray, 4)', { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9] })).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9],
    ]);
  });

  it('Arrays > States.ArrayContains', () => {
    expect(run('States.ArrayContains($.inputArray, $.lookingFor)', { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9], lookingFor: 5 })).toBe(true);
  });

  it('Arrays > States.ArrayRange', () => {
    expect(run('States.ArrayRange(1, 9, 2)')).toEqual([1, 3, 5, 7, 9]);
  });

  it('Arrays > States.ArrayGetItem', () => {
    expect(run('States.ArrayGetItem($.inputArray, $.index)', { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9], index: 5 })).toBe(6);
  });

  it('Arrays > States.ArrayLength', () => {
    expect(run('States.ArrayLength($.inputArray)', { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9] })).toBe(9);
  });

  it('Arrays > States.ArrayUnique', () => {
    expect(run('States.ArrayUnique($.inputArray)', { inputArray: [1, 2, 3, 3, 3, 3, 3, 3, 4] })).toEqual([1, 2, 3, 4]);
  });

  it('Data encoding and decoding > States.Base64Encode', () => {
    expect(run('States.Base64Encode($.input)', { input: 'Data to encode' })).toBe('RGF0YSB0byBlbmNvZGU=');
  });

  it('Data encoding and decoding > States.Base64Decode', () => {
    expect(run('States.Base64Decode($.base64)', { base64: 'RGF0YSB0byBlbmNvZGU=' })).toBe('Data to encode');
  });

  it('Hash calculation > States.Hash', () => {
    expect(run('States.Hash($.Data, $.Algorithm)', { Data: 'input data', Algorithm: 'SHA-1' })).toBe(
      'aaff4a450a104cd177d28d18d74485e8cae074b7',
    );
  });

  it('JSON data manipulation > States.JsonMerge (shallow)', () => {
    const input = { json1: { a: { a1: 1, a2: 2 }, b: 2 }, json2: { a: { a3: 1, a4: 2 }, c: 3 } };

    expect(run('States.JsonMerge($.json1, $.json2, false)', input)).toEqual({ a: { a3: 1, a4: 2 }, b: 2, c: 3 });
  });

  it('Math operations > States.MathRandom', () => {
    for (let i = 0; i < 50; i++) {
      const value = run('States.MathRandom($.start, $.end)', { start: 1, end: 999 }) as number;
      expect(Number.isInteger(value) && value >= 1 && value < 999).toBe(true);
    }
  });

  it('Math operations > States.MathAdd', () => {
    expect(run('States.MathAdd($.value1, $.step)', { value1: 111, step: -1 })).toBe(110);
  });

  it('String operation > States.StringSplit', () => {
    expect(run('States.StringSplit($.inputString, $.splitter)', { inputString: '1,2,3,4,5', splitter: ',' })).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
    ]);
    expect(run('States.StringSplit($.inputString, $.splitter)', { inputString: 'This.is+a,test=string', splitter: '.+,=' })).toEqual([
      'This',
      'is',
      'a',
      'test',
      'string',
    ]);
  });

  it('Unique identifier generation > States.UUID is a v4 UUID', () => {
    const a = run('States.UUID()') as string;
    const b = run('States.UUID()') as string;

    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
  });
});

// Outputs AWS recorded in localstack's snapshots (tests/aws/services/stepfunctions/v2/intrinsic_functions/*.snapshot.json).
describe('AWS recorded outputs (localstack snapshots)', () => {
  const format2 = "States.Format('Formatting arguments fst={} and snd={}.', $.FunctionInput.fst, $.FunctionInput.snd)";

  it.each([
    ['', 'Formatting arguments fst= and snd=.'],
    [' ', 'Formatting arguments fst=  and snd= .'],
    ['HelloWorld', 'Formatting arguments fst=HelloWorld and snd=HelloWorld.'],
    [null, 'Formatting arguments fst=null and snd=null.'],
    [1, 'Formatting arguments fst=1 and snd=1.'],
    [1.1, 'Formatting arguments fst=1.1 and snd=1.1.'],
    ['{"Arg1": 1, "Arg2": []}', 'Formatting arguments fst={"Arg1": 1, "Arg2": []} and snd={"Arg1": 1, "Arg2": []}.'],
    [{ Arg1: 1, Arg2: [] }, 'Formatting arguments fst={Arg1=1, Arg2=[]} and snd={Arg1=1, Arg2=[]}.'],
  ])('test_generic format_2 with %j', (value, expected) => {
    expect(run(format2, { FunctionInput: { fst: value, snd: value } })).toBe(expected);
  });

  it('test_generic context path: a context object renders Java-style', () => {
    const out = run("States.Format('fst={} and snd={}.', $$.Execution.Id, $$.StateMachine)");

    expect(out).toBe(`fst=${context.Execution.Id} and snd={Id=${context.StateMachine.Id}, Name=sm}.`);
  });

  it.each([
    [-9, 3, -6],
    [1.49, 1.5, 3],
    [1.5, 1.51, 4],
    [-1.49, -1.5, -2],
  ])('test_math_add: MathAdd(%d, %d) = %d (non-integers are rounded like Java Math.round)', (fst, snd, expected) => {
    expect(run('States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)', { FunctionInput: { fst, snd } })).toBe(expected);
  });

  it('escape_sequence: StringSplit on a newline', () => {
    expect(run("States.StringSplit('Hello\nWorld', '\n')")).toEqual(['Hello', 'World']);
  });

  it.each([
    [[], 1, []],
    [[0, 1, 2, 3], 2, [[0, 1], [2, 3]]],
    [[0, 1, 2, 3], 3, [[0, 1, 2], [3]]],
    [[0, 1, 2], 5, [[0, 1, 2]]],
  ])('test_array_partition: ArrayPartition(%j, %d)', (array, size, expected) => {
    expect(run('States.ArrayPartition($.a, $.n)', { a: array, n: size })).toEqual(expected);
  });

  it.each([
    [0, 9, 3, [0, 3, 6, 9]],
    [0, 10, 3, [0, 3, 6, 9]],
    [1, 9, 9, [1]],
    [1, 9, 2, [1, 3, 5, 7, 9]],
  ])('test_array_range: ArrayRange(%d, %d, %d)', (start, end, step, expected) => {
    expect(run('States.ArrayRange($.s, $.e, $.t)', { s: start, e: end, t: step })).toEqual(expected);
  });

  it.each([
    [[], null, false],
    [[[1, 2, 3], 2], [1, 2, 3], true],
    [[{ 1: 2, 2: [] }], [], false],
    [[{ 1: 2, 2: [] }], { 1: 2, 2: [] }, true],
    [[true, false], false, true],
  ])('test_array_contains: ArrayContains(%j, %j) = %s (deep equality)', (array, value, expected) => {
    expect(run('States.ArrayContains($.a, $.v)', { a: array, v: value })).toBe(expected);
  });
});

describe('argument parsing', () => {
  it('string escapes \\\' \\{ \\} \\\\ and a literal brace pair are not placeholders', () => {
    // The definition text is: States.Format('It\'s \{\} {} \\ done', 'x')
    expect(run("States.Format('It\\'s \\{\\} {} \\\\ done', 'x')")).toBe("It's {} x \\ done");
  });

  it('numbers, booleans and null; a literal 1.0 formats as Java double "1.0"', () => {
    expect(run('States.Array(1, -2, 3.5, 1e3, true, false, null)')).toEqual([1, -2, 3.5, 1000, true, false, null]);
    expect(run("States.Format('{} {} {}', 1.0, 2, true)")).toBe('1.0 2 true');
  });

  it('Java Double.toString for large and small non-integers', () => {
    expect(run("States.Format('{} {}', $.a, $.b)", { a: 12345678.5, b: 0.0001 })).toBe('1.23456785E7 1.0E-4');
  });

  it('nested calls, context paths and variables as arguments', () => {
    const out = run("States.Format('{}-{}-{}', States.ArrayLength(States.Array(1, 2)), $$.Execution.Name, $greeting.text)", {}, {
      greeting: { text: 'hi' },
    });

    expect(out).toBe('2-run-1-hi');
  });

  it('paths with brackets, commas in quotes and filters are one argument', () => {
    const input = { 'a,b': [1, 2, 3], items: [{ ok: true }, { ok: false }] };

    expect(run("States.ArrayLength($['a,b'])", input)).toBe(3);
    expect(run('States.ArrayLength($.items[?(@.ok == true)])', input)).toBe(1);
  });

  it('a missing path argument throws PathNotFoundError (the caller names the field)', () => {
    expect(() => run('States.ArrayLength($.nope)')).toThrow(PathNotFoundError);
  });
});

describe('IntrinsicFailure cases', () => {
  it.each([
    ["States.Format('{} {}', 1)", 'placeholder count larger than arguments'],
    ["States.Format('{}', 1, 2)", 'more arguments than placeholders'],
    ['States.ArrayGetItem($.a, 3)', 'index out of range'],
    ['States.ArrayGetItem($.a, -1)', 'negative index'],
    ["States.Base64Decode('not base64!')", 'bad base64'],
    ["States.StringToJson('{bad json')", 'invalid JSON'],
    ['States.MathRandom(10, 10)', 'empty range'],
    ['States.MathRandom(10, 1)', 'reversed range'],
    ['States.ArrayRange(0, 1000, 1)', 'over 1000 items'],
    ['States.ArrayRange(0, 10, 0)', 'step 0'],
    ["States.Hash('x', 'SHA-999')", 'unknown algorithm'],
    ['States.Hash($.long, \'SHA-256\')', 'input over 10,000 characters'],
    ['States.Base64Encode($.long)', 'Base64Encode input over 10,000 characters'],
    ['States.JsonMerge($.o, $.o, true)', 'deep merge'],
    ["States.JsonMerge($.o, 'x', false)", 'non-object to merge'],
    ["States.ArrayLength('x')", 'not an array'],
    ['States.ArrayPartition($.a, 0)', 'chunk size 0'],
    ["States.UUID('x')", 'UUID with an argument'],
    ['States.Nope(1)', 'unknown function'],
    ["States.Format('x'", 'unbalanced parentheses'],
  ])('%s fails: %s', (expression) => {
    intrinsicFailure(expression, { a: [1, 2, 3], long: 'x'.repeat(10_001), o: { k: 1 } });
  });

  it.each([
    ['States.ArrayGetItem($.a, 2)', 3],
    ['States.ArrayRange(0, 999, 1)', Array.from({ length: 1000 }, (_, i) => i)],
    ["States.Hash($.limit, 'MD5')", expect.stringMatching(/^[0-9a-f]{32}$/)],
    ['States.MathRandom(10, 11)', 10],
  ])('control: %s succeeds at the boundary', (expression, expected) => {
    expect(run(expression, { a: [1, 2, 3], limit: 'x'.repeat(10_000) })).toEqual(expected);
  });
});

describe('States.Hash algorithms', () => {
  it.each([
    ['MD5', '812f45842bc6d66ee14572ce20db8e86'],
    ['SHA-1', 'aaff4a450a104cd177d28d18d74485e8cae074b7'],
    ['SHA-256', 'b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3'],
  ])('%s of "input data"', (algorithm, digest) => {
    expect(run(`States.Hash('input data', '${algorithm}')`)).toBe(digest);
  });

  it.each([
    ['SHA-384', 96],
    ['SHA-512', 128],
  ])('%s gives %d hex digits', (algorithm, length) => {
    expect((run(`States.Hash('input data', '${algorithm}')`) as string).length).toBe(length);
  });
});

describe('States.MathRandom with a seed', () => {
  it('is deterministic for a seed and stays in [start, end)', () => {
    const a = run('States.MathRandom(0, 999, 3)');
    const b = run('States.MathRandom(0, 999, 3)');

    expect(a).toBe(b);
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThan(999);
  });

  it('follows java.util.Random: new Random(42) first draws nextInt() = -1170105035 (the JDK value), so nextInt(10) = 0, nextInt(100) = 30', () => {
    // next(31) is that 32-bit draw shifted right once: 1562431130; % 10 = 0, % 100 = 30.
    expect(run('States.MathRandom(0, 10, 42)')).toBe(0);
    expect(run('States.MathRandom(0, 100, 42)')).toBe(30);
    expect(run('States.MathRandom(5, 105, 42)')).toBe(35);
  });

  it('different seeds give different sequences (negative control)', () => {
    const values = new Set(Array.from({ length: 10 }, (_, seed) => run(`States.MathRandom(0, 1000000, ${seed})`)));

    expect(values.size).toBeGreaterThan(1);
  });
});

describe('States.ArrayUnique and States.JsonToString', () => {
  it('ArrayUnique keeps the first of deep-equal items', () => {
    const input = [null, null, true, true, 1, 1, 1.1, 'a', 'a', [], [], [null], [null], { a: 1, b: 2 }, { a: 1, b: 2 }, { a: 1, b: 1 }];

    expect(run('States.ArrayUnique($)', input)).toEqual([null, true, 1, 1.1, 'a', [], [null], { a: 1, b: 2 }, { a: 1, b: 1 }]);
  });

  it('JsonToString is compact and StringToJson round-trips it', () => {
    const value = { a: [1, { b: null }], c: 'x y' };

    const text = run('States.JsonToString($)', value);

    expect(text).toBe('{"a":[1,{"b":null}],"c":"x y"}');
    expect(run('States.StringToJson($.t)', { t: text })).toEqual(value);
  });
});

describe('isIntrinsic / checkIntrinsic', () => {
  it.each(["States.Format('x')", 'States.UUID()', ' States.Array(1, 2) '])('%j is an intrinsic', (value) => {
    expect(isIntrinsic(value)).toBe(true);
  });

  it.each(['$.a', 'States.Format', 'Format(1)', 'States.Array(1'])('%j is not an intrinsic (negative control)', (value) => {
    expect(isIntrinsic(value)).toBe(false);
  });

  it.each([
    "States.Format('Hello {}', $.name)",
    'States.MathRandom(1, 2)',
    'States.MathRandom(1, 2, 3)',
    "States.Hash(States.JsonToString($), 'SHA-256')",
    'States.JsonMerge($.a, $.b, false)',
  ])('%s passes the load-time check', (expression) => {
    expect(checkIntrinsic(expression)).toBeUndefined();
  });

  it.each([
    ['States.Nope()', /not a supported intrinsic/],
    ['States.MathAdd(1)', /expects 2 argument/],
    ["States.Format('{} {}', 1)", /placeholder/],
    ['States.JsonMerge($.a, $.b, true)', /shallow/],
    ["States.Format('x', )", /Invalid intrinsic/],
    ["States.Array('unterminated)", /unterminated/],
  ])('%s fails the load-time check', (expression, message) => {
    expect(checkIntrinsic(expression)).toMatch(message);
  });
});
