/**
 * JSONata as Step Functions runs it ("Transforming data with JSONata in Step Functions";
 * "Passing data between states with variables").
 *
 * The reference implementation (`jsonata`) does the language; this module adds what Step Functions
 * puts around it: the `{% ... %}` template syntax, the `$states` reserved variable and workflow
 * variables as `$name`, Step Functions' own functions (`$partition`, `$range`, `$hash`, `$random`,
 * `$uuid`, `$parse`), the refusal of `$eval`, and the `States.QueryEvaluationError` failures with
 * AWS's cause texts. Results are plain JSON: JSONata's internal sequences, null-prototype objects
 * and functions never leak to the caller.
 */
import { createHash, randomUUID } from 'node:crypto';
import jsonata from 'jsonata';
import { StatesError, StatesErrors } from '../errors.js';
import type { ContextObject } from './types.js';

const OPEN = '{%';
const CLOSE = '%}';

/**
 * Is this value a JSONata template string `{% ... %}` (whole string, surrounding whitespace not allowed as AWS)?
 *
 * Step Functions evaluates a string only when it starts with `{%` and ends with `%}` exactly; a
 * string with a space before `{%` or after `%}` is a literal and passes through unchanged.
 */
export function isJsonataTemplate(value: unknown): value is string {
  return typeof value === 'string' && value.length >= OPEN.length + CLOSE.length && value.startsWith(OPEN) && value.endsWith(CLOSE);
}

/** What JSONata expressions of a state can see. */
export interface JsonataBindings {
  /** `$states.input`: the state's raw input. */
  readonly input: unknown;
  /** `$states.context`: the context object. */
  readonly context: ContextObject;
  /** `$states.result` (Output/Assign after a Task/Parallel/Map succeeded); absent elsewhere. */
  readonly result?: unknown;
  /** `$states.errorOutput` (in Catch Output/Assign): `{Error, Cause}`; absent elsewhere. */
  readonly errorOutput?: unknown;
  /** Workflow variables, bound as `$name`. */
  readonly variables: Readonly<Record<string, unknown>>;
}

/**
 * Evaluates a field value: a `{% %}` string is evaluated; an object/array is walked and every `{% %}`
 * string inside it evaluated (keys stay literal); anything else is returned as-is. `field` names the
 * field (Arguments, Output, Assign, Condition, Items, Seconds, Timestamp, TimeoutSeconds,
 * HeartbeatSeconds, MaxConcurrency, ToleratedFailureCount, ToleratedFailurePercentage, Error, Cause,
 * ItemSelector...) for error messages.
 *
 * Fails with `States.QueryEvaluationError` when an expression throws, returns nothing (JSON has no
 * `undefined`, so AWS refuses it in every field, at any depth) or returns a function. Nested
 * expressions are named as AWS names them in the cause: `Arguments/Input/pushLocation` for object
 * keys, `Items[1]` for array elements.
 */
export async function evaluateJsonata(template: unknown, bindings: JsonataBindings, field: string): Promise<unknown> {
  if (typeof template === 'string') {
    return isJsonataTemplate(template) ? evaluateExpression(expressionText(template), toJsonataBindings(bindings), field) : template;
  }
  if (!containsTemplate(template)) return template;
  return walk(template, toJsonataBindings(bindings), field);
}

/**
 * Load-time check: every `{% %}` inside `template` parses; returns problems (empty when fine) naming `where`.
 *
 * Nested templates are named below `where` with `/key` and `/index`, in the JSON-pointer style of
 * the definition problems (`/States/Pay/Arguments/Payload/0`).
 */
export function checkJsonata(template: unknown, where: string): string[] {
  const problems: string[] = [];
  const visit = (value: unknown, at: string): void => {
    if (isJsonataTemplate(value)) {
      const problem = parseProblem(expressionText(value));
      if (problem !== undefined) problems.push(`${at}: ${problem}`);
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, `${at}/${index}`));
    } else if (isPlainRecord(value)) {
      for (const [key, item] of Object.entries(value)) visit(item, `${at}/${key}`);
    }
  };
  visit(template, where);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/** The bindings handed to `jsonata`: every variable as `$name`, then `$states` (reserved, so it wins). */
function toJsonataBindings(bindings: JsonataBindings): Record<string, unknown> {
  // `$states.result` / `$states.errorOutput` exist only where AWS provides them: an expression
  // reading them elsewhere sees nothing (and fails as "returned nothing"), not `null`.
  const states: Record<string, unknown> = { input: bindings.input, context: bindings.context };
  if ('result' in bindings) states.result = bindings.result;
  if ('errorOutput' in bindings) states.errorOutput = bindings.errorOutput;
  return { ...bindings.variables, states };
}

async function walk(value: unknown, bindings: Record<string, unknown>, at: string): Promise<unknown> {
  if (isJsonataTemplate(value)) return evaluateExpression(expressionText(value), bindings, at);
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    // Sequentially, so the first failing element (in document order) is the one reported.
    for (const [index, item] of value.entries()) items.push(await walk(item, bindings, `${at}[${index}]`));
    return items;
  }
  if (isPlainRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = await walk(item, bindings, `${at}/${key}`);
    return out;
  }
  return value;
}

async function evaluateExpression(text: string, bindings: Record<string, unknown>, field: string): Promise<unknown> {
  let result: unknown;
  try {
    result = (await compile(text).evaluate(undefined, bindings)) as unknown;
  } catch (error) {
    throw queryError(`The JSONata expression '${text}' specified for the field '${field}' threw an error during evaluation: ${describe(error)}`);
  }
  if (result === undefined) {
    // AWS's cause, as recorded in real executions.
    throw queryError(`The JSONata expression '${text}' specified for the field '${field}' returned nothing (undefined).`);
  }
  const json = toJson(result);
  if (json === unsupported) {
    throw queryError(`The JSONata expression '${text}' specified for the field '${field}' returned an unsupported result type.`);
  }
  return json;
}

function queryError(cause: string): StatesError {
  return new StatesError(StatesErrors.QueryEvaluationError, cause);
}

/** `code: message` for JSONata's own errors (T2001, D3030...), the message otherwise. */
function describe(error: unknown): string {
  // JSONata throws plain objects `{code, message, position, token}` as well as Errors.
  if (typeof error === 'object' && error !== null) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    const text = typeof message === 'string' ? message : JSON.stringify(error);
    return typeof code === 'string' ? `${code}: ${text}` : text;
  }
  return typeof error === 'string' ? error : JSON.stringify(error) ?? 'unknown error';
}

// ---------------------------------------------------------------------------------------------
// Compilation (each distinct expression text once)

const compiled = new Map<string, jsonata.Expression>();

function compile(text: string): jsonata.Expression {
  let expression = compiled.get(text);
  if (expression === undefined) {
    expression = jsonata(text);
    registerStepFunctionsFunctions(expression);
    compiled.set(text, expression);
  }
  return expression;
}

function parseProblem(text: string): string | undefined {
  if (text === '') return `The JSONata expression '' is empty.`;
  try {
    compile(text);
    return undefined;
  } catch (error) {
    return `The JSONata expression '${text}' is invalid: ${describe(error)}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Step Functions' own JSONata functions ("JSONata functions provided by Step Functions")

const HASH_ALGORITHMS: Readonly<Record<string, string>> = {
  'MD5': 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

function registerStepFunctionsFunctions(expression: jsonata.Expression): void {
  // Signatures make jsonata itself reject wrong argument types (T0410/T0411), as AWS does, and
  // wrap a lone value into an array where an array is expected (`<a...>`).
  expression.registerFunction('partition', partition, '<an:a>');
  expression.registerFunction('range', range, '<nnn:a>');
  expression.registerFunction('hash', hash, '<ss:s>');
  expression.registerFunction('random', random, '<n?:n>');
  expression.registerFunction('uuid', () => randomUUID(), '<:s>');
  expression.registerFunction('parse', parse, '<s:x>');
  // Step Functions supports every JSONata 2.0.6 function except `$eval` (use `$parse` instead).
  expression.registerFunction('eval', () => {
    throw new Error('The function $eval is not supported by Step Functions; use $parse to deserialize JSON.');
  });
}

/** `$partition(array, size)`: chunks of `size`, the last one possibly shorter. */
function partition(array: unknown[], size: number): unknown[] {
  if (!Number.isInteger(size) || size < 1) throw new Error(`$partition: the chunk size must be a positive integer, got ${size}.`);
  const chunks: unknown[] = [];
  for (let start = 0; start < array.length; start += size) chunks.push(array.slice(start, start + size));
  return chunks;
}

/** Most items a `$range` may produce, as `States.ArrayRange` ("Intrinsics for arrays"). */
const RANGE_LIMIT = 1000;

/**
 * `$range(start, end, step)`: `start`, `start + step`, ... up to and including `end`.
 *
 * Returned as a JSONata sequence, so a one-item range collapses to its item and an empty range is
 * nothing, exactly as AWS recorded: `$range(1, 9, 9)` is `1`, not `[1]`.
 */
function range(start: number, end: number, step: number): unknown[] {
  if (![start, end, step].every(Number.isInteger)) throw new Error('$range: start, end and step must be integers.');
  if (step === 0) throw new Error('$range: step must not be 0.');
  const items: number[] & { sequence?: boolean } = [];
  for (let value = start; step > 0 ? value <= end : value >= end; value += step) {
    if (items.length === RANGE_LIMIT) throw new Error(`$range: the range has more than ${RANGE_LIMIT} items.`);
    items.push(value);
  }
  items.sequence = true;
  return items;
}

/** `$hash(value, algorithm)`: the lowercase hex digest; algorithm MD5, SHA-1, SHA-256, SHA-384 or SHA-512. */
function hash(value: string, algorithm: string): string {
  const nodeAlgorithm = HASH_ALGORITHMS[algorithm];
  if (nodeAlgorithm === undefined) {
    throw new Error(`$hash: unsupported algorithm '${algorithm}'; use one of ${Object.keys(HASH_ALGORITHMS).join(', ')}.`);
  }
  return createHash(nodeAlgorithm).update(value, 'utf8').digest('hex');
}

/**
 * `$random()` / `$random(seed)`: a number in [0, 1). With a seed, the same seed always gives the
 * same number (what the documentation promises); the generator is Java's `java.util.Random`
 * `nextDouble()` (a 48-bit LCG), deterministic across runs and platforms.
 */
function random(seed?: number): number {
  if (seed === undefined) return Math.random();
  if (!Number.isInteger(seed)) throw new Error(`$random: the seed must be an integer, got ${seed}.`);
  return seededDouble(BigInt(seed));
}

const LCG_MULTIPLIER = 0x5deece66dn;
const LCG_MASK = (1n << 48n) - 1n;

function seededDouble(seed: bigint): number {
  let state = (seed ^ LCG_MULTIPLIER) & LCG_MASK;
  const next = (bits: bigint): bigint => {
    state = (state * LCG_MULTIPLIER + 0xbn) & LCG_MASK;
    return state >> (48n - bits);
  };
  const high = next(26n);
  const low = next(27n);
  return Number((high << 27n) + low) / 2 ** 53;
}

/** `$parse(jsonString)`: the JSON value the string holds (where AWS refuses `$eval`). */
function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`$parse: the argument is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

// ---------------------------------------------------------------------------------------------
// Results as plain JSON

const unsupported = Symbol('unsupported');

/**
 * Copies a JSONata result into plain JSON: sequences become plain arrays, null-prototype objects
 * plain objects, `-0` is `0`; `undefined` object members are dropped and `undefined` array items
 * (which JSONata does not produce) too, as `JSON.stringify` would. A function (a lambda, a
 * built-in, a regex matcher) or a non-finite number anywhere is unsupported: JSON cannot hold it.
 */
function toJson(value: unknown): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? (Object.is(value, -0) ? 0 : value) : unsupported;
  if (typeof value === 'function') return unsupported;
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value as unknown[]) {
      if (item === undefined) continue;
      const json = toJson(item);
      if (json === unsupported) return unsupported;
      items.push(json);
    }
    return items;
  }
  if (typeof value === 'object') {
    if (isJsonataFunction(value)) return unsupported;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      const json = toJson(item);
      if (json === unsupported) return unsupported;
      out[key] = json;
    }
    return out;
  }
  return unsupported;
}

/** JSONata represents lambdas and partial applications as objects with these markers. */
function isJsonataFunction(value: object): boolean {
  return '_jsonata_lambda' in value || '_jsonata_function' in value;
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** The expression between `{%` and `%}`, trimmed: what AWS quotes in its causes. */
function expressionText(template: string): string {
  return template.slice(OPEN.length, template.length - CLOSE.length).trim();
}

function containsTemplate(value: unknown): boolean {
  if (isJsonataTemplate(value)) return true;
  if (Array.isArray(value)) return value.some(containsTemplate);
  if (isPlainRecord(value)) return Object.values(value).some(containsTemplate);
  return false;
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
