import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { StatesError } from '../../src/errors.js';
import { checkJsonata, evaluateJsonata, isJsonataTemplate, type JsonataBindings } from '../../src/query/jsonata.js';
import type { ContextObject } from '../../src/query/types.js';

// Counts how often an expression is compiled, to check the cache (the real jsonata still runs).
const compiles = vi.hoisted(() => ({ texts: [] as string[] }));
vi.mock('jsonata', async (importOriginal) => {
  const actual = await importOriginal<{ default: (text: string) => unknown }>();
  return {
    default: (text: string) => {
      compiles.texts.push(text);
      return actual.default(text);
    },
  };
});

const CONTEXT: ContextObject = {
  Execution: {
    Id: 'arn:aws:states:us-east-1:111111111111:execution:Orders:exec-1',
    Input: { orderId: 'o-1' },
    Name: 'exec-1',
    StartTime: '2024-11-22T10:00:00.000Z',
    RedriveCount: 0,
  },
  State: { EnteredTime: '2024-11-22T10:00:01.000Z', Name: 'Pay', RetryCount: 0 },
  StateMachine: { Id: 'arn:aws:states:us-east-1:111111111111:stateMachine:Orders', Name: 'Orders' },
};

function bindings(overrides: Partial<JsonataBindings> = {}): JsonataBindings {
  return { input: {}, context: CONTEXT, variables: {}, ...overrides };
}

/** The StatesError a failing evaluation rejects with (fails the test when it resolves). */
async function failure(promise: Promise<unknown>): Promise<StatesError> {
  const error = await promise.then(
    (value) => {
      throw new Error(`expected a failure, got ${JSON.stringify(value)}`);
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(StatesError);
  return error as StatesError;
}

describe('isJsonataTemplate', () => {
  it('recognises a string that is exactly {% ... %}', () => {
    // Prepare
    const candidates = ['{% $states.input %}', '{%$x%}', '{% 1 + 1 %}'];

    // Act
    const verdicts = candidates.map((candidate) => isJsonataTemplate(candidate));

    // Assess
    expect(verdicts).toEqual([true, true, true]);
  });

  it('refuses surrounding whitespace, partial delimiters and non-strings (negative control)', () => {
    // Prepare: "Transforming data with JSONata" > the string must start with {% and end with %}.
    const candidates: unknown[] = [' {% $x %}', '{% $x %} ', '{% $x', '$x %}', '{%}', 'plain', 42, null, { a: '{% 1 %}' }];

    // Act
    const verdicts = candidates.map((candidate) => isJsonataTemplate(candidate));

    // Assess
    expect(verdicts).toEqual(candidates.map(() => false));
  });
});

describe('evaluateJsonata: templates and literals', () => {
  it('converts the JSONPath sample of the docs to the same result ("Transforming data with JSONata", conversion sample)', async () => {
    // Prepare
    const template = {
      static: 'Hello',
      title: '{% $states.input.title %}',
      name: '{% $customerName %}',
      'not-evaluated': '$customerName',
    };

    // Act
    const result = await evaluateJsonata(template, bindings({ input: { title: 'Doctor' }, variables: { customerName: 'María' } }), 'Arguments');

    // Assess
    expect(result).toEqual({ static: 'Hello', title: 'Doctor', name: 'María', 'not-evaluated': '$customerName' });
  });

  it('evaluates every template inside arrays and keeps literal elements (localstack evaluate_jsonata ITEMS: [1,2,3])', async () => {
    // Prepare
    const single = [1, "{% $number('2') %}", 3];
    const double = [1, '{% $number("2") %}', 3];

    // Act
    const results = await Promise.all([single, double].map((items) => evaluateJsonata(items, bindings(), 'Items')));

    // Assess
    expect(results).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
  });

  it('keeps object keys literal, even when they look like templates', async () => {
    // Prepare
    const template = { '{% "key" %}': '{% "value" %}' };

    // Act
    const result = await evaluateJsonata(template, bindings(), 'Output');

    // Assess
    expect(result).toEqual({ '{% "key" %}': 'value' });
  });

  it('returns non-template values unchanged (negative control: whitespace around {% %} is a literal)', async () => {
    // Prepare
    const values: unknown[] = [' {% $states.input %}', '$.title', 7, true, null, { a: ['b', 1] }];

    // Act
    const results = await Promise.all(values.map((value) => evaluateJsonata(value, bindings({ input: 'never' }), 'Output')));

    // Assess
    expect(results).toEqual(values);
  });

  it('evaluates a variable-binding block to its value (localstack evaluate_jsonata `{% $variable := 1 %}`, output [1])', async () => {
    // Act
    const result = await evaluateJsonata('{% $variable := 1 %}', bindings(), 'MaxConcurrency');

    // Assess
    expect(result).toBe(1);
  });

  it('evaluates JSONata regular expressions with escaped $ (localstack evaluate_jsonata BASE / BASE_FALSE)', async () => {
    // Prepare: both quote styles, as recorded against AWS.
    const matching = ['{% $contains("hello$world", /^hello\\$/) %}', "{% $contains('hello$world', /^hello\\$/) %}"];
    const notMatching = ['{% $contains("hello$world", /^hello\\ /) %}', "{% $contains('hello$world', /^hello\\ /) %}"];

    // Act
    const yes = await Promise.all(matching.map((text) => evaluateJsonata(text, bindings(), 'Output')));
    const no = await Promise.all(notMatching.map((text) => evaluateJsonata(text, bindings(), 'Output')));

    // Assess
    expect(yes).toEqual([true, true]);
    expect(no).toEqual([false, false]);
  });

  it('merges objects built from the input (localstack evaluate_jsonata test_merge_with_dynamic_args)', async () => {
    // Prepare
    const input = { part1: { hello: 'world' }, part2: { foo: 'bar' } };

    // Act
    const result = await evaluateJsonata('{% $merge([$states.input.part1, $states.input.part2]) %}', bindings({ input }), 'Output');

    // Assess
    expect(result).toEqual({ hello: 'world', foo: 'bar' });
  });
});

describe('evaluateJsonata: $states and variables', () => {
  it('binds $states.input and $states.context ("Transforming data with JSONata" > Reserved variable: $states)', async () => {
    // Prepare
    const template = { order: '{% $states.input.order %}', state: '{% $states.context.State.Name %}', execution: '{% $states.context.Execution.Input.orderId %}' };

    // Act
    const result = await evaluateJsonata(template, bindings({ input: { order: { id: 7 } } }), 'Arguments');

    // Assess
    expect(result).toEqual({ order: { id: 7 }, state: 'Pay', execution: 'o-1' });
  });

  it('binds $states.result and $states.errorOutput where given', async () => {
    // Prepare
    const errorOutput = { Error: 'States.TaskFailed', Cause: 'boom' };

    // Act
    const fromResult = await evaluateJsonata('{% $states.result.Payload %}', bindings({ result: { Payload: 'ok' } }), 'Output');
    const fromError = await evaluateJsonata('{% $states.errorOutput %}', bindings({ errorOutput }), 'Output');

    // Assess
    expect(fromResult).toBe('ok');
    expect(fromError).toEqual(errorOutput);
  });

  it('does not offer $states.result or $states.errorOutput where they were not given (negative control)', async () => {
    // Act
    const result = await failure(evaluateJsonata('{% $states.result %}', bindings(), 'Arguments'));
    const keys = await evaluateJsonata('{% $keys($states) %}', bindings(), 'Output');

    // Assess
    expect(result.error).toBe('States.QueryEvaluationError');
    expect(keys).toEqual(['input', 'context']);
  });

  it('binds every workflow variable as $name ("Passing data between states with variables")', async () => {
    // Prepare
    const variables = { productName: 'product1', count: 42, available: true, nested: { list: [1, 2] } };

    // Act
    const result = await evaluateJsonata('{% [$productName, $count + 1, $available, $nested.list[1]] %}', bindings({ variables }), 'Output');

    // Assess
    expect(result).toEqual(['product1', 43, true, 2]);
  });

  it('keeps $states reserved: a variable named states does not replace it', async () => {
    // Act
    const result = await evaluateJsonata('{% $states.input %}', bindings({ input: 'real', variables: { states: { input: 'fake' } } }), 'Output');

    // Assess
    expect(result).toBe('real');
  });

  it('gives a top-level expression no context item: `$` alone is nothing', async () => {
    // Act
    const error = await failure(evaluateJsonata('{% $ %}', bindings({ input: { a: 1 } }), 'Output'));

    // Assess
    expect(error.cause).toBe("The JSONata expression '$' specified for the field 'Output' returned nothing (undefined).");
  });
});

describe('evaluateJsonata: Step Functions functions ("JSONata functions provided by Step Functions")', () => {
  it('$partition splits into chunks, the last shorter (docs example)', async () => {
    // Act
    const result = await evaluateJsonata('{% $partition([1, 2, 3, 4, 5, 6, 7, 8, 9], 3) %}', bindings(), 'Assign/arrayPartition');

    // Assess
    expect(result).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
  });

  it.each([
    // localstack test_array_jsonata::test_array_partition, recorded against AWS.
    [[0], 1, [[0]]],
    [[0], 5, [[0]]],
    [[0, 1], 1, [[0], [1]]],
    [[0, 1], 2, [[0, 1]]],
    [[0, 1, 2], 2, [[0, 1], [2]]],
    [[0, 1, 2, 3], 3, [[0, 1, 2], [3]]],
    [[0, 1, 2, 3], 5, [[0, 1, 2, 3]]],
  ])('$partition(%j, %i) is %j as AWS recorded (a one-chunk result stays an array of arrays)', async (fst, snd, expected) => {
    // Prepare
    const input = { FunctionInput: { fst, snd } };

    // Act
    const result = await evaluateJsonata('{% $partition($states.input.FunctionInput.fst, $states.input.FunctionInput.snd) %}', bindings({ input }), 'Output');

    // Assess
    expect(result).toEqual(expected);
  });

  it('$partition refuses a chunk size below 1 (negative control)', async () => {
    // Act
    const error = await failure(evaluateJsonata('{% $partition([1, 2], 0) %}', bindings(), 'Output'));

    // Assess
    expect(error.error).toBe('States.QueryEvaluationError');
  });

  it('$range includes the end (docs example: $range(0, 10, 2))', async () => {
    // Act
    const result = await evaluateJsonata('{% $range(0, 10, 2) %}', bindings(), 'Assign/evenNumbers');

    // Assess
    expect(result).toEqual([0, 2, 4, 6, 8, 10]);
  });

  it.each([
    // localstack test_array_jsonata::test_array_range, recorded against AWS: a single item is not wrapped.
    [0, 9, 3, [0, 3, 6, 9]],
    [0, 10, 3, [0, 3, 6, 9]],
    [1, 9, 9, 1],
    [1, 9, 2, [1, 3, 5, 7, 9]],
  ])('$range(%i, %i, %i) is %j as AWS recorded', async (fst, snd, trd, expected) => {
    // Prepare
    const input = { FunctionInput: { fst, snd, trd } };

    // Act
    const result = await evaluateJsonata(
      '{% $range($states.input.FunctionInput.fst, $states.input.FunctionInput.snd, $states.input.FunctionInput.trd) %}',
      bindings({ input }),
      'Output',
    );

    // Assess
    expect(result).toEqual(expected);
  });

  it('$range counts down with a negative step and refuses a zero step (negative control)', async () => {
    // Act
    const down = await evaluateJsonata('{% $range(3, 1, -1) %}', bindings(), 'Output');
    const zero = await failure(evaluateJsonata('{% $range(0, 3, 0) %}', bindings(), 'Output'));

    // Assess
    expect(down).toEqual([3, 2, 1]);
    expect(zero.error).toBe('States.QueryEvaluationError');
  });

  it.each([
    ['MD5', 'md5'],
    ['SHA-1', 'sha1'],
    ['SHA-256', 'sha256'],
    ['SHA-384', 'sha384'],
    ['SHA-512', 'sha512'],
  ])('$hash(value, %s) is the lowercase hex digest', async (algorithm, nodeName) => {
    // Prepare
    const input = { content: 'input data' };

    // Act
    const result = await evaluateJsonata(`{% $hash($states.input.content, '${algorithm}') %}`, bindings({ input }), 'Assign/contentHash');

    // Assess
    expect(result).toBe(createHash(nodeName).update('input data').digest('hex'));
  });

  it('$hash matches a published SHA-256 vector and refuses an unknown algorithm (negative control)', async () => {
    // Act
    const known = await evaluateJsonata("{% $hash('abc', 'SHA-256') %}", bindings(), 'Output');
    const unknown = await failure(evaluateJsonata("{% $hash('abc', 'SHA-224') %}", bindings(), 'Output'));

    // Assess
    expect(known).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(unknown.error).toBe('States.QueryEvaluationError');
  });

  it('$random() is in [0, 1) and $random(seed) repeats for the same seed', async () => {
    // Act
    const unseeded = await evaluateJsonata('{% $random() %}', bindings(), 'Output');
    const seeded = await Promise.all([1, 1, 2].map((seed) => evaluateJsonata('{% $random($states.input.seed) %}', bindings({ input: { seed } }), 'Output')));

    // Assess
    expect(unseeded).toBeGreaterThanOrEqual(0);
    expect(unseeded).toBeLessThan(1);
    expect(seeded[0]).toBe(seeded[1]);
    expect(seeded[2]).not.toBe(seeded[0]);
    for (const value of seeded) expect(value).toSatisfy((n: number) => n >= 0 && n < 1);
  });

  it('$random refuses a non-number seed (negative control)', async () => {
    // Act
    const error = await failure(evaluateJsonata("{% $random('x') %}", bindings(), 'Output'));

    // Assess
    expect(error.error).toBe('States.QueryEvaluationError');
  });

  it('$uuid() is a fresh version-4 UUID each call', async () => {
    // Act
    const [a, b] = await Promise.all([1, 2].map(() => evaluateJsonata('{% $uuid() %}', bindings(), 'Assign/requestId')));

    // Assess
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(b).not.toBe(a);
  });

  it.each([
    // localstack test_json_manipulation_jsonata::test_parse, recorded against AWS.
    ['-0', 0],
    ['1', 1],
    ['1.1', 1.1],
    ['true', true],
    ['"HelloWorld"', 'HelloWorld'],
    ['[1, 2, "HelloWorld"]', [1, 2, 'HelloWorld']],
    ['{"Arg1": 1, "Arg2": []}', { Arg1: 1, Arg2: [] }],
  ])('$parse(%j) is %j as AWS recorded', async (text, expected) => {
    // Act
    const result = await evaluateJsonata('{% $parse($states.input.FunctionInput) %}', bindings({ input: { FunctionInput: text } }), 'Output');

    // Assess
    expect(result).toEqual(expected);
    if (expected === 0) expect(Object.is(result, 0)).toBe(true); // "-0" comes out as JSON 0
  });

  it('$parse refuses text that is not JSON (negative control)', async () => {
    // Act
    const error = await failure(evaluateJsonata("{% $parse('{oops') %}", bindings(), 'Output'));

    // Assess
    expect(error.error).toBe('States.QueryEvaluationError');
  });

  it('refuses $eval, which Step Functions does not offer ("use $parse instead")', async () => {
    // Act
    const error = await failure(evaluateJsonata("{% $eval('1 + 1') %}", bindings(), 'Output'));

    // Assess
    expect(error.error).toBe('States.QueryEvaluationError');
    expect(error.cause).toContain('$eval');
  });

  it('keeps the standard JSONata library (negative control for the refusal: $string, $sum, $now still work)', async () => {
    // Act
    const result = await evaluateJsonata('{% [$string(1), $sum([1, 2]), $type($now())] %}', bindings(), 'Output');

    // Assess
    expect(result).toEqual(['1', 3, 'string']);
  });
});

describe('evaluateJsonata: errors as AWS reports them ("Handling expression errors")', () => {
  it('fails an expression that returns nothing with AWS\'s cause', async () => {
    // Act
    const error = await failure(evaluateJsonata('{% $states.input.thisFieldDoesNotExist %}', bindings({ input: {} }), 'Output'));

    // Assess
    expect(error.error).toBe('States.QueryEvaluationError');
    expect(error.cause).toBe("The JSONata expression '$states.input.thisFieldDoesNotExist' specified for the field 'Output' returned nothing (undefined).");
  });

  it('names a nested field with / as in a recorded AWS cause (Arguments/Input/pushLocation)', async () => {
    // Prepare
    const template = { StateMachineArn: 'arn', Input: { pushLocation: '{% $states.input.pushLocation %}' } };

    // Act
    const error = await failure(evaluateJsonata(template, bindings({ input: {} }), 'Arguments'));

    // Assess
    expect(error.cause).toBe("The JSONata expression '$states.input.pushLocation' specified for the field 'Arguments/Input/pushLocation' returned nothing (undefined).");
  });

  it('names an array element by index', async () => {
    // Act
    const error = await failure(evaluateJsonata({ list: [1, '{% $nope %}'] }, bindings(), 'Output'));

    // Assess
    expect(error.cause).toBe("The JSONata expression '$nope' specified for the field 'Output/list[1]' returned nothing (undefined).");
  });

  it('accepts null, false, 0 and "" as values (negative control for "returned nothing")', async () => {
    // Prepare
    const input = { n: null, f: false, z: 0, s: '' };

    // Act
    const result = await evaluateJsonata(['{% $states.input.n %}', '{% $states.input.f %}', '{% $states.input.z %}', '{% $states.input.s %}'], bindings({ input }), 'Output');

    // Assess
    expect(result).toEqual([null, false, 0, '']);
  });

  it('omits a key whose JSONata object-constructor value is nothing, as JSONata does (negative control)', async () => {
    // Act
    const result = await evaluateJsonata("{% {'k': $states.input.missing, 'v': 1} %}", bindings({ input: {} }), 'Output');

    // Assess
    expect(result).toEqual({ v: 1 });
  });

  it('turns a JSONata type error into States.QueryEvaluationError ("{% $x + $y %}" with a non-number)', async () => {
    // Act
    const error = await failure(evaluateJsonata('{% $x + $y %}', bindings({ variables: { x: 'one', y: 2 } }), 'TimeoutSeconds'));

    // Assess
    expect(error.error).toBe('States.QueryEvaluationError');
    expect(error.cause).toContain("'$x + $y'");
    expect(error.cause).toContain("'TimeoutSeconds'");
    expect(error.cause).toContain('T2001');
  });

  it('adds numbers when they are numbers (negative control for the type error)', async () => {
    // Act
    const result = await evaluateJsonata('{% $x + $y %}', bindings({ variables: { x: 1, y: 2 } }), 'TimeoutSeconds');

    // Assess
    expect(result).toBe(3);
  });

  it('refuses a function as a result, at the top or nested', async () => {
    // Act
    const lambda = await failure(evaluateJsonata('{% function($v) { $v } %}', bindings(), 'Output'));
    const builtIn = await failure(evaluateJsonata('{% $sum %}', bindings(), 'Output'));
    const nested = await failure(evaluateJsonata("{% {'f': $uppercase} %}", bindings(), 'Output'));

    // Assess
    for (const error of [lambda, builtIn, nested]) expect(error.error).toBe('States.QueryEvaluationError');
    expect(lambda.cause).toBe("The JSONata expression 'function($v) { $v }' specified for the field 'Output' returned an unsupported result type.");
  });
});

describe('evaluateJsonata: results are plain JSON', () => {
  it('returns sequences as plain arrays and objects with the plain prototype', async () => {
    // Prepare
    const input = { items: [{ id: 1 }, { id: 2 }] };

    // Act
    const ids = await evaluateJsonata('{% $states.input.items.id %}', bindings({ input }), 'Output');
    const object = await evaluateJsonata("{% {'a': 1} %}", bindings(), 'Output');

    // Assess
    expect(Array.isArray(ids)).toBe(true);
    expect(Object.keys(ids as object)).toEqual(['0', '1']); // no `sequence` marker
    expect(ids).toEqual([1, 2]);
    expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
  });

  it('keeps non-integer numbers as JSON numbers', async () => {
    // Act
    const result = await evaluateJsonata('{% 0.1 + 0.2 %}', bindings(), 'Output');

    // Assess
    expect(result).toBe(0.1 + 0.2);
  });

  it('passes a single-item path result through as JSONata does: a one-element array field stays an array', async () => {
    // Act
    const result = await evaluateJsonata('{% $states.input.list %}', bindings({ input: { list: [0] } }), 'Output');

    // Assess
    expect(result).toEqual([0]);
  });
});

describe('evaluateJsonata: compilation cache', () => {
  it('compiles each distinct expression text once', async () => {
    // Prepare
    const text = '$states.input.cacheProbe * 2';
    const before = compiles.texts.filter((t) => t === text).length;

    // Act
    for (const value of [1, 2, 3]) await evaluateJsonata(`{% ${text} %}`, bindings({ input: { cacheProbe: value } }), 'Output');
    const other = await evaluateJsonata('{% $states.input.cacheProbe * 3 %}', bindings({ input: { cacheProbe: 1 } }), 'Output');

    // Assess
    expect(before).toBe(0);
    expect(compiles.texts.filter((t) => t === text)).toHaveLength(1);
    expect(other).toBe(3); // a different text is its own expression (negative control)
  });
});

describe('checkJsonata', () => {
  it('finds no problem in valid expressions and literals', () => {
    // Prepare
    const template = { a: '{% $states.input.a %}', b: ['{% $range(0, 10, 2) %}', 'literal {% not a template'], c: 3 };

    // Act
    const problems = checkJsonata(template, '/States/Pay/Arguments');

    // Assess
    expect(problems).toEqual([]);
  });

  it('reports every expression that does not parse, naming where it is (negative control)', () => {
    // Prepare
    const template = { ok: '{% 1 + 1 %}', bad: '{% 1 + %}', list: ['{% 2 %}', '{% ( %}'] };

    // Act
    const problems = checkJsonata(template, '/States/Pay/Arguments');

    // Assess
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^\/States\/Pay\/Arguments\/bad: The JSONata expression '1 \+' is invalid: S0207/);
    expect(problems[1]).toMatch(/^\/States\/Pay\/Arguments\/list\/1: /);
  });

  it('checks a bare template string and reports an empty expression', () => {
    // Act
    const fine = checkJsonata('{% $states.input %}', '/States/A/Output');
    const empty = checkJsonata('{%   %}', '/States/A/Output');

    // Assess
    expect(fine).toEqual([]);
    expect(empty).toEqual(["/States/A/Output: The JSONata expression '' is empty."]);
  });
});
