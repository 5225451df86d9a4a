import { expect } from 'vitest';
import type { ConformanceCase } from '../case.ts';

const DOC = 'Step Functions Developer Guide > Intrinsic functions for JSONPath states';
const LS = 'localstack tests/aws/services/stepfunctions/v2/intrinsic_functions';

/** A Pass state computing `FunctionResult.$` from `expression`, as localstack's intrinsic templates do. */
function fnCase(name: string, source: string, expression: string, input: unknown, output: unknown): ConformanceCase {
  return {
    name,
    source,
    definition: { StartAt: 'State_0', States: { State_0: { Type: 'Pass', Parameters: { 'FunctionResult.$': expression }, End: true } } },
    input,
    expect: { status: 'SUCCEEDED', output: { FunctionResult: output } },
  };
}

function fnFails(name: string, source: string, expression: string, input: unknown): ConformanceCase {
  return {
    name,
    source,
    definition: { StartAt: 'State_0', States: { State_0: { Type: 'Pass', Parameters: { 'FunctionResult.$': expression }, End: true } } },
    input,
    expect: { status: 'FAILED' },
  };
}

const split = `${LS}/test_string_operations.snapshot.json :: TestStringOperations::test_string_split`;
const toJson = `${LS}/test_json_manipulation.snapshot.json :: TestJsonManipulation::test_string_to_json`;
const hash = `${LS}/test_hash_calculations.snapshot.json :: TestHashCalculations::test_hash`;
const add = `${LS}/test_math_operations.snapshot.json :: TestMathOperations::test_math_add`;
const splitExpr = 'States.StringSplit($.FunctionInput.fst, $.FunctionInput.snd)';
const addExpr = 'States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)';
const hashExpr = 'States.Hash($.FunctionInput.fst, $.FunctionInput.snd)';

export const intrinsics: ConformanceCase[] = [
  fnCase('States.Format fills {} from a path', `${DOC} > States.Format`, "States.Format('Hello, my name is {}.', $.name)", { name: 'Arnav' }, 'Hello, my name is Arnav.'),
  fnCase('States.StringToJson parses an escaped JSON string', `${DOC} > States.StringToJson`, 'States.StringToJson($.someString)', { someString: '{"number": 20}' }, { number: 20 }),
  fnCase('States.JsonToString serializes an object', `${DOC} > States.JsonToString`, 'States.JsonToString($.someJson)', { someJson: { name: 'Foo' } }, '{"name":"Foo"}'),
  fnCase('States.Array builds an array of literals, paths and null', `${DOC} > States.Array`, "States.Array('Foo', 2020, $.someJson, null)", { someJson: { random: 'abcdefghij' } }, ['Foo', 2020, { random: 'abcdefghij' }, null]),
  fnCase('States.ArrayPartition chunks of 4', `${DOC} > States.ArrayPartition`, 'States.ArrayPartition($.inputArray, 4)', { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9] }, [[1, 2, 3, 4], [5, 6, 7, 8], [9]]),
  fnCase('States.ArrayContains finds a value', `${DOC} > States.ArrayContains`, 'States.ArrayContains($.inputArray, $.lookingFor)', { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9], lookingFor: 5 }, true),
  fnCase('States.ArrayContains negative control: absent value is false', `${DOC} > States.ArrayContains`, 'States.ArrayContains($.inputArray, $.lookingFor)', { inputArray: [1, 2, 3], lookingFor: 5 }, false),
  fnCase('States.ArrayRange(1, 9, 2)', `${DOC} > States.ArrayRange`, 'States.ArrayRange(1, 9, 2)', {}, [1, 3, 5, 7, 9]),
  fnCase('States.ArrayGetItem index 5', `${LS}/test_array.snapshot.json :: TestSfnIntrinsicFunctionsArray::test_array_get_item`, 'States.ArrayGetItem($.FunctionInput.fst, $.FunctionInput.snd)', { FunctionInput: { fst: [1, 2, 3, 4, 5, 6, 7, 8, 9], snd: 5 } }, 6),
  fnCase('States.ArrayLength of nine items', `${LS}/test_array.snapshot.json :: TestSfnIntrinsicFunctionsArray::test_array_length`, 'States.ArrayLength($.FunctionInput)', { FunctionInput: [1, 2, 3, 4, 5, 6, 7, 8, 9] }, 9),
  fnCase('States.ArrayUnique removes duplicates', `${DOC} > States.ArrayUnique`, 'States.ArrayUnique($.inputArray)', { inputArray: [1, 2, 3, 3, 3, 3, 3, 3, 4] }, [1, 2, 3, 4]),
  fnCase('States.Array() with no arguments is []', `${LS}/test_array.snapshot.json :: TestArray::test_array_0`, 'States.Array()', { FunctionInput: 'HelloWorld' }, []),
  fnCase('States.Array of two empty strings', `${LS}/test_array.snapshot.json :: TestArray::test_array_2 (exec_hist_resp_0)`, 'States.Array($.FunctionInput.fst, $.FunctionInput.snd)', { FunctionInput: { fst: '', snd: '' } }, ['', '']),
  fnCase('States.Base64Encode', `${DOC} > States.Base64Encode`, 'States.Base64Encode($.input)', { input: 'Data to encode' }, 'RGF0YSB0byBlbmNvZGU='),
  fnCase('States.Base64Decode', `${DOC} > States.Base64Decode`, 'States.Base64Decode($.base64)', { base64: 'RGF0YSB0byBlbmNvZGU=' }, 'Data to encode'),
  fnCase('States.Hash MD5', `${hash} (exec_hist_resp_0)`, hashExpr, { FunctionInput: { fst: 'input data', snd: 'MD5' } }, '812f45842bc6d66ee14572ce20db8e86'),
  fnCase('States.Hash SHA-1', `${hash} (exec_hist_resp_1)`, hashExpr, { FunctionInput: { fst: 'input data', snd: 'SHA-1' } }, 'aaff4a450a104cd177d28d18d74485e8cae074b7'),
  fnCase('States.Hash SHA-256', `${hash} (exec_hist_resp_2)`, hashExpr, { FunctionInput: { fst: 'input data', snd: 'SHA-256' } }, 'b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3'),
  fnCase('States.Hash SHA-384', `${hash} (exec_hist_resp_3)`, hashExpr, { FunctionInput: { fst: 'input data', snd: 'SHA-384' } }, 'd28a7d5cf25a74f11a50a18452b75e04bb3d70c9dd0510d6123aa008c756511b87525bdc835ebb27e1fb9e9374a15562'),
  fnCase('States.Hash SHA-512', `${hash} (exec_hist_resp_4)`, hashExpr, { FunctionInput: { fst: 'input data', snd: 'SHA-512' } }, '6ce4adb348546d4f449c4d25aad9a7c9cb711d9e91982d3f0b29ca2f3f47d4ce2deba23bf2954f0f1d593fc50283731a533d30d425402d4f91316d871303aac4'),
  fnCase('States.JsonMerge shallow merge: the second object wins', `${DOC} > States.JsonMerge`, 'States.JsonMerge($.json1, $.json2, false)', { json1: { a: { a1: 1, a2: 2 }, b: 2 }, json2: { a: { a3: 1, a4: 2 }, c: 3 } }, { a: { a3: 1, a4: 2 }, b: 2, c: 3 }),
  fnCase('States.MathAdd(111, -1)', `${DOC} > States.MathAdd`, 'States.MathAdd($.value1, $.step)', { value1: 111, step: -1 }, 110),
  fnCase('States.MathAdd(-9, 3)', `${add} (exec_hist_resp_0)`, addExpr, { FunctionInput: { fst: -9, snd: 3 } }, -6),
  fnCase('States.MathAdd(1.49, 1.5) rounds its operands', `${add} (exec_hist_resp_1)`, addExpr, { FunctionInput: { fst: 1.49, snd: 1.5 } }, 3),
  fnCase('States.MathAdd(1.5, 1.51)', `${add} (exec_hist_resp_2)`, addExpr, { FunctionInput: { fst: 1.5, snd: 1.51 } }, 4),
  fnCase('States.MathAdd(-1.49, -1.5)', `${add} (exec_hist_resp_3)`, addExpr, { FunctionInput: { fst: -1.49, snd: -1.5 } }, -2),
  fnCase('States.StringSplit on a comma list', `${split} (exec_hist_resp_4)`, splitExpr, { FunctionInput: { fst: '1,2,3,4,5', snd: ',' } }, ['1', '2', '3', '4', '5']),
  fnCase('States.StringSplit: every character of the delimiter splits', `${split} (exec_hist_resp_5)`, splitExpr, { FunctionInput: { fst: 'This.is+a,test=string', snd: '.+,=' } }, ['This', 'is', 'a', 'test', 'string']),
  fnCase('States.StringSplit: no delimiter in the string', `${split} (exec_hist_resp_0)`, splitExpr, { FunctionInput: { fst: ' ', snd: ',' } }, [' ']),
  fnCase('States.StringSplit drops empty pieces', `${split} (exec_hist_resp_2)`, splitExpr, { FunctionInput: { fst: ', , ,', snd: ',' } }, [' ', ' ']),
  fnCase('States.StringSplit of only delimiters is []', `${split} (exec_hist_resp_3)`, splitExpr, { FunctionInput: { fst: ',,,,', snd: ',' } }, []),
  fnCase('States.StringSplit on T and newline', `${split} (exec_hist_resp_6)`, splitExpr, { FunctionInput: { fst: 'split on T and \nnew line', snd: 'T\n' } }, ['split on ', ' and ', 'new line']),
  fnCase('States.StringToJson of "" is null', `${toJson} (exec_hist_resp_0)`, 'States.StringToJson($.FunctionInput)', { FunctionInput: '' }, null),
  fnCase('States.StringToJson of " " is null', `${toJson} (exec_hist_resp_1)`, 'States.StringToJson($.FunctionInput)', { FunctionInput: ' ' }, null),
  fnCase('States.StringToJson of "null" is null', `${toJson} (exec_hist_resp_2)`, 'States.StringToJson($.FunctionInput)', { FunctionInput: 'null' }, null),
  fnCase('States.StringToJson of "1" is 1', `${toJson} (exec_hist_resp_4)`, 'States.StringToJson($.FunctionInput)', { FunctionInput: '1' }, 1),
  fnCase('States.StringToJson of "-0" is 0', `${toJson} (exec_hist_resp_3)`, 'States.StringToJson($.FunctionInput)', { FunctionInput: '-0' }, 0),
  fnCase('States.StringToJson of "1.1" is 1.1', `${toJson} (exec_hist_resp_5)`, 'States.StringToJson($.FunctionInput)', { FunctionInput: '1.1' }, 1.1),
  fnCase('States.StringToJson of "true" is true', `${toJson} (exec_hist_resp_6)`, 'States.StringToJson($.FunctionInput)', { FunctionInput: 'true' }, true),
  fnCase('States.StringToJson of a JSON string literal', `${toJson} (exec_hist_resp_7)`, 'States.StringToJson($.FunctionInput)', { FunctionInput: '"HelloWorld"' }, 'HelloWorld'),
  fnCase('States.StringToJson of an array text', `${toJson} (exec_hist_resp_8)`, 'States.StringToJson($.FunctionInput)', { FunctionInput: '[1, 2, "HelloWorld"]' }, [1, 2, 'HelloWorld']),
  fnCase('Nested intrinsic calls: ArrayLength of ArrayRange', `${DOC} ("intrinsic functions can be nested")`, 'States.ArrayLength(States.ArrayRange(1, 9, 2))', {}, 5),
  {
    name: 'States.UUID returns a v4 UUID',
    source: `${DOC} > States.UUID`,
    definition: { StartAt: 'S', States: { S: { Type: 'Pass', Parameters: { 'uuid.$': 'States.UUID()' }, End: true } } },
    expect: { status: 'SUCCEEDED', check: (result) => expect((result.output as { uuid: string }).uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/) },
  },
  {
    name: 'States.MathRandom(start, end) is an integer in [start, end)',
    source: `${DOC} > States.MathRandom`,
    definition: { StartAt: 'S', States: { S: { Type: 'Pass', Parameters: { 'n.$': 'States.MathRandom($.start, $.end)' }, End: true } } },
    input: { start: 1, end: 999 },
    expect: {
      status: 'SUCCEEDED',
      check: (result) => {
        const n = (result.output as { n: number }).n;
        expect(Number.isInteger(n) && n >= 1 && n < 999).toBe(true);
      },
    },
  },
  fnFails('States.ArrayGetItem out of range fails the execution', `${DOC} > States.ArrayGetItem; Error handling > States.Runtime`, 'States.ArrayGetItem($.a, 5)', { a: [1] }),
  fnFails('States.StringToJson of invalid JSON fails the execution', `${DOC} > States.StringToJson; Error handling > States.Runtime`, 'States.StringToJson($.s)', { s: '{not json' }),
];
