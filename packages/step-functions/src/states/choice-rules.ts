/**
 * JSONPath Choice rules (AWS Step Functions Developer Guide, "Choice workflow state" >
 * "Choice Rules"): `Variable` plus one comparison operator, or `And`/`Or`/`Not`.
 *
 * AWS semantics kept here:
 * - a comparison whose operand has the wrong type is simply false, never an error
 *   (localstack snapshots `choice_operators/test_*.snapshot.json`, recorded against AWS);
 * - a `Variable` (or `...Path` operand) that does not resolve fails the execution with
 *   `States.Runtime` "Invalid path '$.x': The choice state's condition path references an invalid
 *   value." — except `IsPresent`, which exists to test exactly that;
 * - `Is*` operators compare the type test with their boolean value (`IsNull: false` on `1` is true);
 * - timestamps are RFC3339 strings compared as instants; a string that is not one makes the
 *   comparison false.
 */
import { StatesError, StatesErrors } from '../errors.js';
import type { QueryScope } from '../query/types.js';
import type { ComparisonOperator, JsonPathChoiceRule } from '../definition/types.js';

export type { JsonPathChoiceRule } from '../definition/types.js';

/** Reads a JSONPath (`$.a`, `$$.Execution.Id`, `$var.x`) in a scope; injected by the engine. */
export type ReadPath = (path: string, scope: QueryScope) => unknown;

/** Evaluates a JSONPath Choice rule against the scope; throws `States.Runtime` for a missing path. */
export function evaluateChoiceRule(rule: JsonPathChoiceRule, scope: QueryScope, readPath: ReadPath): boolean {
  if (rule.And !== undefined) return rule.And.every((inner) => evaluateChoiceRule(inner, scope, readPath));
  if (rule.Or !== undefined) return rule.Or.some((inner) => evaluateChoiceRule(inner, scope, readPath));
  if (rule.Not !== undefined) return !evaluateChoiceRule(rule.Not, scope, readPath);

  const operator = comparisonOperatorOf(rule);
  const variable = rule.Variable;
  if (operator === undefined || variable === undefined) {
    throw new StatesError(StatesErrors.Runtime, 'The choice rule has no Variable and comparison operator, nor And, Or or Not.');
  }
  const expected: unknown = rule[operator];

  if (operator === 'IsPresent') return resolve(variable, scope, readPath).found === (expected === true);

  const actual = mustResolve(variable, scope, readPath);
  if (operator.startsWith('Is')) return typeTest(operator, actual) === (expected === true);

  const base = (operator.endsWith('Path') ? operator.slice(0, -'Path'.length) : operator) as ComparisonOperator;
  const operand = operator.endsWith('Path') ? mustResolve(expected as string, scope, readPath) : expected;
  return compare(base, actual, operand);
}

/** Every comparison operator, in the order the developer guide lists them. */
export const COMPARISON_OPERATORS: readonly ComparisonOperator[] = [
  'BooleanEquals', 'BooleanEqualsPath',
  'IsBoolean', 'IsNull', 'IsNumeric', 'IsPresent', 'IsString', 'IsTimestamp',
  'NumericEquals', 'NumericEqualsPath', 'NumericGreaterThan', 'NumericGreaterThanPath',
  'NumericGreaterThanEquals', 'NumericGreaterThanEqualsPath', 'NumericLessThan', 'NumericLessThanPath',
  'NumericLessThanEquals', 'NumericLessThanEqualsPath',
  'StringEquals', 'StringEqualsPath', 'StringGreaterThan', 'StringGreaterThanPath',
  'StringGreaterThanEquals', 'StringGreaterThanEqualsPath', 'StringLessThan', 'StringLessThanPath',
  'StringLessThanEquals', 'StringLessThanEqualsPath', 'StringMatches',
  'TimestampEquals', 'TimestampEqualsPath', 'TimestampGreaterThan', 'TimestampGreaterThanPath',
  'TimestampGreaterThanEquals', 'TimestampGreaterThanEqualsPath', 'TimestampLessThan', 'TimestampLessThanPath',
  'TimestampLessThanEquals', 'TimestampLessThanEqualsPath',
];

/** The comparison operator a rule uses (the first one present), if any. */
export function comparisonOperatorOf(rule: JsonPathChoiceRule): ComparisonOperator | undefined {
  return COMPARISON_OPERATORS.find((operator) => Object.hasOwn(rule, operator));
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/;

/**
 * Parses an RFC3339 timestamp as Step Functions accepts it in `Timestamp`, `TimestampPath` and the
 * Timestamp comparison operators ("Wait workflow state": "an uppercase T must separate the date and
 * time portions, and an uppercase Z must denote that a numeric time zone offset is not present",
 * e.g. `2016-03-14T01:59:00Z`); an offset `+hh:mm` is accepted too. Returns epoch milliseconds
 * (a fraction below the millisecond is kept so instants still order), or `undefined` when the text
 * is not such a timestamp (lowercase `t`/`z`, a space, no zone, impossible date...).
 */
export function parseTimestamp(value: string): number | undefined {
  const match = RFC3339.exec(value);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (match[8] !== 'Z') {
    const offsetHours = Number(match[9]);
    const offsetMins = Number(match[10]);
    if (offsetHours > 23 || offsetMins > 59) return undefined;
    offsetMinutes = (offsetHours * 60 + offsetMins) * (match[8]?.startsWith('-') ? -1 : 1);
  }
  const fraction = match[7] === undefined ? 0 : Number(`0${match[7]}`) * 1000;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC maps years 0-99 to 1900-1999; set the full year explicitly.
  const exact = new Date(utc);
  exact.setUTCFullYear(year);
  return exact.getTime() + fraction - offsetMinutes * 60_000;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * `StringMatches`: `*` matches any run of characters (possibly empty); a backslash makes the next
 * character literal, so `\\*` in the JSON text (the string `\*`) matches a literal asterisk and
 * `\\\\` (the string `\\`) a literal backslash.
 */
export function stringMatches(value: string, pattern: string): boolean {
  let source = '';
  for (let index = 0; index < pattern.length; index += 1) {
    const char = pattern[index] as string;
    if (char === '\\' && index + 1 < pattern.length) {
      index += 1;
      source += escapeRegExp(pattern[index] as string);
    } else if (char === '*') {
      source += '.*';
    } else {
      source += escapeRegExp(char);
    }
  }
  return new RegExp(`^${source}$`, 'su').test(value);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function resolve(path: string, scope: QueryScope, readPath: ReadPath): { found: boolean; value: unknown } {
  try {
    const value = readPath(path, scope);
    return { found: value !== undefined, value };
  } catch {
    return { found: false, value: undefined };
  }
}

function mustResolve(path: string, scope: QueryScope, readPath: ReadPath): unknown {
  const { found, value } = resolve(path, scope, readPath);
  if (!found) {
    throw new StatesError(
      StatesErrors.Runtime,
      `Invalid path '${path}': The choice state's condition path references an invalid value.`,
    );
  }
  return value;
}

function typeTest(operator: ComparisonOperator, value: unknown): boolean {
  switch (operator) {
    case 'IsNull':
      return value === null;
    case 'IsNumeric':
      return typeof value === 'number';
    case 'IsString':
      return typeof value === 'string';
    case 'IsBoolean':
      return typeof value === 'boolean';
    case 'IsTimestamp':
      return typeof value === 'string' && parseTimestamp(value) !== undefined;
    default:
      return false;
  }
}

function compare(operator: ComparisonOperator, actual: unknown, operand: unknown): boolean {
  if (operator.startsWith('String')) {
    if (typeof actual !== 'string' || typeof operand !== 'string') return false;
    if (operator === 'StringMatches') return stringMatches(actual, operand);
    return order(operator.slice('String'.length), actual, operand);
  }
  if (operator.startsWith('Numeric')) {
    if (typeof actual !== 'number' || typeof operand !== 'number') return false;
    return order(operator.slice('Numeric'.length), actual, operand);
  }
  if (operator === 'BooleanEquals') {
    return typeof actual === 'boolean' && typeof operand === 'boolean' && actual === operand;
  }
  if (operator.startsWith('Timestamp')) {
    if (typeof actual !== 'string' || typeof operand !== 'string') return false;
    const left = parseTimestamp(actual);
    const right = parseTimestamp(operand);
    if (left === undefined || right === undefined) return false;
    return order(operator.slice('Timestamp'.length), left, right);
  }
  return false;
}

function order<T extends string | number>(relation: string, left: T, right: T): boolean {
  switch (relation) {
    case 'Equals':
      return left === right;
    case 'LessThan':
      return left < right;
    case 'GreaterThan':
      return left > right;
    case 'LessThanEquals':
      return left <= right;
    case 'GreaterThanEquals':
      return left >= right;
    default:
      return false;
  }
}
