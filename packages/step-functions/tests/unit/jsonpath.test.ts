import { describe, expect, it } from 'vitest';
import { StatesError } from '../../src/errors.js';
import {
  applyInputPath,
  applyOutputPath,
  applyResultPath,
  checkPath,
  isPath,
  PathNotFoundError,
  readPath,
  resolvePayloadTemplate,
} from '../../src/query/jsonpath.js';
import type { ContextObject, QueryScope } from '../../src/query/types.js';

const context: ContextObject = {
  Execution: {
    Id: 'arn:aws:states:us-east-1:123456789012:execution:sm:run-1',
    Input: { a: 1 },
    Name: 'run-1',
    StartTime: '2026-01-01T00:00:00.000Z',
    RedriveCount: 0,
  },
  State: { EnteredTime: '2026-01-01T00:00:01.000Z', Name: 'Pay', RetryCount: 0 },
  StateMachine: { Id: 'arn:aws:states:us-east-1:123456789012:stateMachine:sm', Name: 'sm' },
};

function scope(input: unknown, variables: Record<string, unknown> = {}): QueryScope {
  return { input, context, variables };
}

/** Runs `act` and returns what it threw (failing the test if it did not throw). */
function thrown(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('isPath', () => {
  it.each(['$', '$.a', '$$.Execution.Id', '$myVar', '$myVar.x'])('%s is a path', (value) => {
    expect(isPath(value)).toBe(true);
  });

  it.each(['a.b', '', ' $.a', 'States.Format()'])('%j is not a path (negative control)', (value) => {
    expect(isPath(value)).toBe(false);
  });
});

describe('readPath: definite paths return the value', () => {
  const input = { a: { b: [10, 20, { c: 'deep' }] }, 'odd key': true, n: null };

  it.each([
    ['$', input],
    ['$.a.b[1]', 20],
    ['$.a.b[2].c', 'deep'],
    ["$['odd key']", true],
    ['$.a.b[-1].c', 'deep'],
    ['$.n', null],
  ])('%s', (path, expected) => {
    // Act
    const value = readPath(path, scope(input));

    // Assess
    expect(value).toEqual(expected);
  });

  it('reads the context object with $$', () => {
    expect(readPath('$$.Execution.Id', scope({}))).toBe(context.Execution.Id);
    expect(readPath('$$.State.Name', scope({}))).toBe('Pay');
  });

  it('reads workflow variables with $name and $name.field', () => {
    // Prepare
    const s = scope({ x: 1 }, { order: { id: 'o-1', lines: [{ sku: 'A' }] }, count: 3 });

    // Act / Assess
    expect(readPath('$count', s)).toBe(3);
    expect(readPath('$order.id', s)).toBe('o-1');
    expect(readPath('$order.lines[0].sku', s)).toBe('A');
  });

  it('an undefined variable matches nothing (negative control)', () => {
    expect(() => readPath('$missing.x', scope({}, { other: 1 }))).toThrow(PathNotFoundError);
  });

  it('`.length` is a property in Jayway, not the JS array length (negative control)', () => {
    expect(() => readPath('$.items.length', scope({ items: [1, 2] }))).toThrow(PathNotFoundError);
  });
});

describe('readPath: missing data throws PathNotFoundError with Jayway messages', () => {
  it('a missing leaf names the whole path', () => {
    // Act
    const error = thrown(() => readPath('$.a.x', scope({ a: {} })));

    // Assess
    expect(error).toBeInstanceOf(PathNotFoundError);
    expect((error as PathNotFoundError).message).toBe("No results for path: $['a']['x']");
    expect((error as PathNotFoundError).path).toBe('$.a.x');
    expect((error as PathNotFoundError).data).toEqual({ a: {} });
  });

  it('a missing branch names the branch', () => {
    const error = thrown(() => readPath('$.x.y', scope({ a: 1 }))) as PathNotFoundError;

    expect(error.message).toBe("Missing property in path $['x']");
  });

  it('an index out of bounds yields no result', () => {
    const error = thrown(() => readPath('$.a[5]', scope({ a: [1] }))) as PathNotFoundError;

    expect(error.message).toBe("No results for path: $['a'][5]");
  });

  it('a property of a non-object does not match', () => {
    expect(() => readPath('$.a.b', scope({ a: 'text' }))).toThrow(PathNotFoundError);
  });

  it('an existing value is found (control for the above)', () => {
    expect(readPath('$.a.b', scope({ a: { b: 0 } }))).toBe(0);
  });
});

describe('readPath: indefinite paths return arrays (Jayway)', () => {
  const input = {
    store: {
      book: [
        { title: 'A', price: 8, tags: ['x'] },
        { title: 'B', price: 12 },
        { title: 'C', price: 5, isbn: null },
      ],
    },
  };

  it.each([
    ['$.store.book[*].title', ['A', 'B', 'C']],
    ['$.store.book[?(@.price < 10)].title', ['A', 'C']],
    ["$.store.book[?(@.title == 'B')].price", [12]],
    ['$..price', [8, 12, 5]],
    ['$.store.book[0:2].title', ['A', 'B']],
    ['$.store.book[-1:].title', ['C']],
    ['$.store.book[0,2].title', ['A', 'C']],
    ['$.store.book[?(@.price > 100)]', []],
  ])('%s', (path, expected) => {
    expect(readPath(path, scope(input))).toEqual(expected);
  });

  it('a filter comparing with null is strict: a missing field is not null (Jayway; negative control for JS ==)', () => {
    expect(readPath('$.store.book[?(@.isbn == null)].title', scope(input))).toEqual(['C']);
  });

  it('a definite path returns the value, not a one-item array (control)', () => {
    expect(readPath('$.store.book[0].title', scope(input))).toBe('A');
  });
});

describe('applyInputPath ("Processing input and output" > InputPath)', () => {
  // AWS docs, InputPath example: "$.dataset2" selects one of the datasets.
  const input = {
    comment: 'Example for InputPath.',
    dataset1: { val1: 1, val2: 2, val3: 3 },
    dataset2: { val1: 'a', val2: 'b', val3: 'c' },
  };

  it('selects a node', () => {
    expect(applyInputPath('$.dataset2', scope(input))).toEqual({ val1: 'a', val2: 'b', val3: 'c' });
  });

  it('undefined keeps the input, "$" keeps the input, null gives {}', () => {
    expect(applyInputPath(undefined, scope(input))).toBe(input);
    expect(applyInputPath('$', scope(input))).toBe(input);
    expect(applyInputPath(null, scope(input))).toEqual({});
  });

  it("a path matching nothing is States.Runtime \"Invalid path '$.x' : No results for path: $['x']\"", () => {
    // Act
    const error = thrown(() => applyInputPath('$.x', scope(input))) as StatesError;

    // Assess
    expect(error).toBeInstanceOf(StatesError);
    expect(error.error).toBe('States.Runtime');
    expect(error.cause).toBe("Invalid path '$.x' : No results for path: $['x']");
  });
});

describe('applyOutputPath ("Processing input and output" > OutputPath)', () => {
  const output = { comment: 'This is a test', taskresult: 'Hello, Step Functions!' };

  it('selects a node of the output', () => {
    expect(applyOutputPath('$.taskresult', output, { context, variables: {} })).toBe('Hello, Step Functions!');
  });

  it('undefined keeps the output, null gives {}', () => {
    expect(applyOutputPath(undefined, output, { context, variables: {} })).toBe(output);
    expect(applyOutputPath(null, output, { context, variables: {} })).toEqual({});
  });

  it('a path matching nothing is States.Runtime', () => {
    const error = thrown(() => applyOutputPath('$.nope', output, { context, variables: {} })) as StatesError;

    expect(error.error).toBe('States.Runtime');
    expect(error.cause).toBe("Invalid path '$.nope' : No results for path: $['nope']");
  });
});

describe('resolvePayloadTemplate ("Processing input and output" > Parameters, ResultSelector)', () => {
  it('Parameters example: selects fields, keeps static values, drops the .$ suffix', () => {
    // Prepare: the AWS docs Parameters example input.
    const input = {
      comment: 'Example for Parameters.',
      product: {
        details: { color: 'blue', size: 'small', material: 'cotton' },
        availability: 'in stock',
        sku: '2317',
        cost: '$23',
      },
    };
    const template = {
      comment: 'Selecting what I care about.',
      MyDetails: { 'size.$': '$.product.details.size', 'exists.$': '$.product.availability', StaticValue: 'foo' },
    };

    // Act
    const result = resolvePayloadTemplate(template, scope(input), 'Parameters');

    // Assess
    expect(result).toEqual({
      comment: 'Selecting what I care about.',
      MyDetails: { size: 'small', exists: 'in stock', StaticValue: 'foo' },
    });
  });

  it('ResultSelector example: picks ClusterId and ResourceType from an EMR result', () => {
    const result = {
      resourceType: 'elasticmapreduce',
      resource: 'createCluster.sync',
      output: { SdkHttpMetadata: { HttpStatusCode: 200 }, ClusterId: 'AKIAIOSFODNN7EXAMPLE' },
    };

    const selected = resolvePayloadTemplate(
      { 'ClusterId.$': '$.output.ClusterId', 'ResourceType.$': '$.resourceType' },
      scope(result),
      'ResultSelector',
    );

    expect(selected).toEqual({ ClusterId: 'AKIAIOSFODNN7EXAMPLE', ResourceType: 'elasticmapreduce' });
  });

  it('evaluates context paths, variables, intrinsics, arrays and nested objects', () => {
    const s = scope({ name: 'Ada', items: [1, 2] }, { greeting: 'Hi' });

    const out = resolvePayloadTemplate(
      {
        'id.$': '$$.Execution.Id',
        'g.$': '$greeting',
        'msg.$': "States.Format('Hello {}', $.name)",
        list: [{ 'n.$': '$.items[1]' }, 'plain', 3],
        'all.$': '$',
      },
      s,
      'Parameters',
    );

    expect(out).toEqual({
      id: context.Execution.Id,
      g: 'Hi',
      msg: 'Hello Ada',
      list: [{ n: 2 }, 'plain', 3],
      all: { name: 'Ada', items: [1, 2] },
    });
  });

  it('a key without .$ keeps a path-looking value as a literal (negative control)', () => {
    expect(resolvePayloadTemplate({ path: '$.name' }, scope({ name: 'x' }), 'Parameters')).toEqual({ path: '$.name' });
  });

  it('a path not found is the AWS States.Runtime message naming the field and the input', () => {
    // AWS: "The JSONPath '$.application.address' specified for the field 'address.$' could not be found in the input '{"flagged":false}'"
    const error = thrown(() =>
      resolvePayloadTemplate({ 'address.$': '$.application.address' }, scope({ flagged: false }), 'Parameters'),
    ) as StatesError;

    expect(error).toBeInstanceOf(StatesError);
    expect(error.error).toBe('States.Runtime');
    expect(error.cause).toBe(
      `The JSONPath '$.application.address' specified for the field 'address.$' could not be found in the input '{"flagged":false}'`,
    );
  });

  it('a path argument of an intrinsic not found is reported the same way', () => {
    const error = thrown(() => resolvePayloadTemplate({ 'x.$': 'States.ArrayLength($.nope)' }, scope({}), 'Parameters')) as StatesError;

    expect(error.error).toBe('States.Runtime');
    expect(error.cause).toBe("The JSONPath '$.nope' specified for the field 'x.$' could not be found in the input '{}'");
  });

  it('a null input cannot be read through a path (AWS: "Unable to apply Path transformation to null or empty input.")', () => {
    const error = thrown(() => resolvePayloadTemplate({ 'Input.$': '$' }, scope(null), 'Parameters')) as StatesError;

    expect(error.error).toBe('States.Runtime');
    expect(error.cause).toBe('Unable to apply Path transformation to null or empty input.');
  });

  it('a non-string .$ value is refused', () => {
    expect(() => resolvePayloadTemplate({ 'x.$': 5 }, scope({}), 'Parameters')).toThrow(StatesError);
  });

  it('does not mutate the template', () => {
    const template = { 'a.$': '$.a', nested: { 'b.$': '$.b' } };
    const copy = structuredClone(template);

    resolvePayloadTemplate(template, scope({ a: 1, b: 2 }), 'Parameters');

    expect(template).toEqual(copy);
  });
});

describe('applyResultPath ("Processing input and output" > ResultPath)', () => {
  // AWS docs ResultPath examples use this input and the result "Hello, Step Functions!".
  const input = { comment: 'This is a test', details: 'Default example', who: 'Step Functions' };
  const result = 'Hello, Step Functions!';

  it('undefined and "$" replace the input with the result', () => {
    expect(applyResultPath(input, result, undefined)).toBe(result);
    expect(applyResultPath(input, result, '$')).toBe(result);
  });

  it('null discards the result and keeps the input', () => {
    expect(applyResultPath(input, result, null)).toBe(input);
  });

  it('"$.taskresult" includes the result with the input', () => {
    expect(applyResultPath(input, result, '$.taskresult')).toEqual({ ...input, taskresult: result });
  });

  it('creates missing objects on the way and overwrites an existing node', () => {
    expect(applyResultPath({ a: 1 }, 'r', '$.x.y.z')).toEqual({ a: 1, x: { y: { z: 'r' } } });
    expect(applyResultPath({ a: { b: 1, c: 2 } }, 'r', '$.a.b')).toEqual({ a: { b: 'r', c: 2 } });
  });

  it('never mutates the input', () => {
    const original = { a: { b: 1 } };
    const snapshot = structuredClone(original);

    const out = applyResultPath(original, 'r', '$.a.c');

    expect(original).toEqual(snapshot);
    expect(out).toEqual({ a: { b: 1, c: 'r' } });
  });

  it.each([
    ['a string input', 'text', '$.x'],
    ['an array input', [1, 2], '$.x'],
    ['a non-object on the way', { a: 5 }, '$.a.b'],
  ])('%s is States.ResultPathMatchFailure', (_label, value, path) => {
    // Act
    const error = thrown(() => applyResultPath(value, 'r', path)) as StatesError;

    // Assess
    expect(error).toBeInstanceOf(StatesError);
    expect(error.error).toBe('States.ResultPathMatchFailure');
  });

  it('an object input with the same path succeeds (control)', () => {
    expect(applyResultPath({ a: {} }, 'r', '$.a.b')).toEqual({ a: { b: 'r' } });
  });
});

describe('checkPath', () => {
  it.each([
    ['$', 'ReferencePath'],
    ['$.a.b[0]', 'ReferencePath'],
    ["$['a b']", 'ReferencePath'],
    ['$$.Execution.Id', 'Path'],
    ['$var.x', 'ReferencePath'],
    ['$.a[*].b', 'Path'],
    ['$..b', 'Path'],
    ['$.a[?(@.x > 1)]', 'Path'],
  ] as const)('%s is a valid %s', (path, kind) => {
    expect(checkPath(path, kind)).toBeUndefined();
  });

  it.each([
    ['a.b', 'Path'],
    ['$.a[*]', 'ReferencePath'],
    ['$..a', 'ReferencePath'],
    ['$.a[?(@.x > 1)', 'Path'],
  ] as const)('%s is not a valid %s (negative control)', (path, kind) => {
    expect(checkPath(path, kind)).toEqual(expect.any(String));
  });
});
