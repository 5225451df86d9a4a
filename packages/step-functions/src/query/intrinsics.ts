/**
 * The 18 intrinsic functions of JSONPath states ("Intrinsic functions for JSONPath in Step
 * Functions"): a small parser for `States.Name(arg, ...)` calls and their evaluation.
 *
 * Arguments are string literals in single quotes (escapes `\'`, `\{`, `\}`, `\\`), numbers,
 * `true`/`false`/`null`, paths (`$.x`, `$$.Execution.Id`, `$var.x`) and nested calls. Failures are
 * `States.IntrinsicFailure`; a path argument that matches nothing throws PathNotFoundError (the
 * caller knows the field and turns it into States.Runtime).
 *
 * AWS runs on the JVM: States.Format renders values the way Java's `toString` does (objects as
 * `{a=1, b=[]}`, non-integral numbers as `Double.toString`), and States.MathRandom with a seed uses
 * `java.util.Random`, both reproduced here.
 */
import { createHash, randomUUID } from 'node:crypto';
import { StatesError, StatesErrors } from '../errors.js';
import { readPath } from './jsonpath.js';
import type { QueryScope } from './types.js';

/** A parsed argument (or the call itself). */
type Node =
  | { readonly kind: 'string'; readonly value: string; readonly raw: string }
  | { readonly kind: 'number'; readonly value: number; readonly text: string }
  | { readonly kind: 'literal'; readonly value: boolean | null }
  | { readonly kind: 'path'; readonly path: string }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Node[] };

/** Thrown by the parser; checkIntrinsic reports it, evaluateIntrinsic turns it into IntrinsicFailure. */
class IntrinsicSyntaxError extends Error {}

/** Argument counts of each function: [min, max]. */
const ARITY: Readonly<Record<string, readonly [number, number]>> = {
  'States.Format': [1, Infinity],
  'States.StringToJson': [1, 1],
  'States.JsonToString': [1, 1],
  'States.Array': [0, Infinity],
  'States.ArrayPartition': [2, 2],
  'States.ArrayContains': [2, 2],
  'States.ArrayRange': [3, 3],
  'States.ArrayGetItem': [2, 2],
  'States.ArrayLength': [1, 1],
  'States.ArrayUnique': [1, 1],
  'States.Base64Encode': [1, 1],
  'States.Base64Decode': [1, 1],
  'States.Hash': [2, 2],
  'States.JsonMerge': [3, 3],
  'States.MathRandom': [2, 3],
  'States.MathAdd': [2, 2],
  'States.StringSplit': [2, 2],
  'States.UUID': [0, 0],
};

const CALL_START = /^States\.[A-Za-z0-9]+\s*\(/;

/** Is this string an intrinsic function call (`States.Name(...)`)? */
export function isIntrinsic(value: string): boolean {
  const trimmed = value.trim();
  return CALL_START.test(trimmed) && trimmed.endsWith(')');
}

/** Recursive-descent parser over the expression text. */
class Parser {
  private at = 0;

  constructor(private readonly text: string) {}

  parseAll(): Node {
    this.space();
    const node = this.call();
    this.space();
    if (this.at !== this.text.length) this.fail(`unexpected '${this.text.slice(this.at)}' after the call`);
    return node;
  }

  private fail(message: string): never {
    throw new IntrinsicSyntaxError(message);
  }

  private space(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at]!)) this.at++;
  }

  private call(): Node {
    const name = /^States\.[A-Za-z0-9]+/.exec(this.text.slice(this.at));
    if (!name) this.fail(`expected a function 'States.Name(...)' at '${this.text.slice(this.at)}'`);
    this.at += name[0].length;
    this.space();
    if (this.text[this.at] !== '(') this.fail(`expected '(' after ${name[0]}`);
    this.at++;
    const args: Node[] = [];
    this.space();
    if (this.text[this.at] === ')') {
      this.at++;
      return { kind: 'call', name: name[0], args };
    }
    for (;;) {
      this.space();
      args.push(this.argument());
      this.space();
      const c = this.text[this.at];
      this.at++;
      if (c === ')') return { kind: 'call', name: name[0], args };
      if (c !== ',') this.fail(`expected ',' or ')' in the arguments of ${name[0]}`);
    }
  }

  private argument(): Node {
    const c = this.text[this.at];
    if (c === "'") return this.string();
    if (c === '$') return this.path();
    const rest = this.text.slice(this.at);
    if (rest.startsWith('States.')) return this.call();
    const number = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(rest);
    if (number) {
      this.at += number[0].length;
      return { kind: 'number', value: Number(number[0]), text: number[0] };
    }
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (rest.startsWith(word) && !/^[A-Za-z0-9_]/.test(rest.slice(word.length))) {
        this.at += word.length;
        return { kind: 'literal', value };
      }
    }
    return this.fail(`unexpected argument '${rest}'`);
  }

  /** A quoted literal; `raw` keeps escapes so States.Format can tell `\{` from a placeholder. */
  private string(): Node {
    const start = ++this.at;
    let value = '';
    while (this.at < this.text.length) {
      const c = this.text[this.at]!;
      if (c === '\\') {
        const next = this.text[this.at + 1];
        if (next === undefined) break;
        // Only \' \{ \} \\ are escapes; any other backslash stays as written.
        value += next === "'" || next === '{' || next === '}' || next === '\\' ? next : c + next;
        this.at += 2;
      } else if (c === "'") {
        const raw = this.text.slice(start, this.at);
        this.at++;
        return { kind: 'string', value, raw };
      } else {
        value += c;
        this.at++;
      }
    }
    return this.fail('unterminated string literal');
  }

  /** A path runs to the next top-level ',' or ')' (brackets, parentheses and quotes may nest). */
  private path(): Node {
    const start = this.at;
    let depth = 0;
    let quote: string | undefined;
    while (this.at < this.text.length) {
      const c = this.text[this.at]!;
      if (quote) {
        if (c === quote) quote = undefined;
      } else if (c === "'" || c === '"') quote = c;
      else if (c === '[' || c === '(') depth++;
      else if (c === ']' || (c === ')' && depth > 0)) depth--;
      else if ((c === ',' || c === ')') && depth === 0) break;
      this.at++;
    }
    const path = this.text.slice(start, this.at).trim();
    if (path.length === 0) this.fail('empty path');
    return { kind: 'path', path };
  }
}

function parse(expression: string): Node {
  return new Parser(expression.trim()).parseAll();
}

/** Checks a parsed call (and nested calls) against the known functions and their arities. */
function checkNode(node: Node): string | undefined {
  if (node.kind !== 'call') return undefined;
  const arity = ARITY[node.name];
  if (!arity) return `The function '${node.name}' is not a supported intrinsic function`;
  const [min, max] = arity;
  if (node.args.length < min || node.args.length > max) {
    const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    return `The function ${node.name} expects ${expected} argument(s), got ${node.args.length}`;
  }
  if (node.name === 'States.Format') {
    const template = node.args[0]!;
    if (template.kind === 'string') {
      const placeholders = countPlaceholders(template.raw);
      if (placeholders !== node.args.length - 1) {
        return `The function States.Format has ${placeholders} placeholder(s) but ${node.args.length - 1} argument(s)`;
      }
    }
  }
  if (node.name === 'States.JsonMerge') {
    const deep = node.args[2]!;
    if (deep.kind === 'literal' && deep.value === true) return 'States.JsonMerge supports only a shallow merge: its third argument must be false';
  }
  for (const arg of node.args) {
    const problem = checkNode(arg);
    if (problem) return problem;
  }
  return undefined;
}

/** Load-time check: undefined when the expression is a well-formed call of a known function. */
export function checkIntrinsic(expression: string): string | undefined {
  try {
    return checkNode(parse(expression));
  } catch (error) {
    if (error instanceof IntrinsicSyntaxError) return `Invalid intrinsic function '${expression}': ${error.message}`;
    throw error;
  }
}

/** Evaluates an intrinsic function call such as `States.Format('Hello {}', $.name)`. */
export function evaluateIntrinsic(expression: string, scope: QueryScope): unknown {
  let node: Node;
  try {
    node = parse(expression);
  } catch (error) {
    if (error instanceof IntrinsicSyntaxError) throw failure(`Invalid intrinsic function '${expression}': ${error.message}`);
    throw error;
  }
  const problem = checkNode(node);
  if (problem) throw failure(problem);
  return evaluate(node, scope);
}

function failure(cause: string): StatesError {
  return new StatesError(StatesErrors.IntrinsicFailure, cause);
}

function evaluate(node: Node, scope: QueryScope): unknown {
  switch (node.kind) {
    case 'string':
    case 'number':
    case 'literal':
      return node.value;
    case 'path':
      return readPath(node.path, scope);
    case 'call':
      return call(node.name, node.args, scope);
  }
}

type Fn = (args: readonly unknown[], name: string) => unknown;

function call(name: string, nodes: readonly Node[], scope: QueryScope): unknown {
  if (name === 'States.Format') return format(nodes, scope);
  const args = nodes.map((node) => evaluate(node, scope));
  return FUNCTIONS[name]!(args, name);
}

// ---- argument checks -------------------------------------------------------------------------

function describe(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

function str(args: readonly unknown[], i: number, name: string): string {
  const value = args[i];
  if (typeof value !== 'string') throw failure(`The argument ${i + 1} of ${name} must be a string, got ${describe(value)}`);
  return value;
}

function arr(args: readonly unknown[], i: number, name: string): unknown[] {
  const value = args[i];
  if (!Array.isArray(value)) throw failure(`The argument ${i + 1} of ${name} must be an array, got ${describe(value)}`);
  return value;
}

function obj(args: readonly unknown[], i: number, name: string): Record<string, unknown> {
  const value = args[i];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw failure(`The argument ${i + 1} of ${name} must be a JSON object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

function num(args: readonly unknown[], i: number, name: string): number {
  const value = args[i];
  if (typeof value !== 'number') throw failure(`The argument ${i + 1} of ${name} must be a number, got ${describe(value)}`);
  return value;
}

/** An integer argument; AWS rounds a non-integer to the nearest integer (MathRandom, MathAdd). */
function rounded(args: readonly unknown[], i: number, name: string): number {
  return Math.round(num(args, i, name));
}

function int(args: readonly unknown[], i: number, name: string): number {
  const value = num(args, i, name);
  if (!Number.isInteger(value)) throw failure(`The argument ${i + 1} of ${name} must be an integer, got ${value}`);
  return value;
}

/** AWS caps the string input of Base64Encode/Base64Decode/Hash at 10,000 characters. */
const MAX_STRING = 10_000;

function limited(value: string, name: string): string {
  if (value.length > MAX_STRING) {
    throw failure(`The input to ${name} must not exceed ${MAX_STRING} characters, got ${value.length}`);
  }
  return value;
}

// ---- JSON equality (ArrayContains, ArrayUnique) ----------------------------------------------

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return (
      ka.length === kb.length &&
      ka.every((k) => Object.hasOwn(b, k) && jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
    );
  }
  return false;
}

// ---- States.Format: Java-style rendering -----------------------------------------------------

/** Java's `Double.toString`: plain between 10^-3 and 10^7, else `d.dddE±n`; always a fraction digit. */
function javaDouble(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    const plain = String(value);
    return plain.includes('.') ? plain : `${plain}.0`;
  }
  const [mantissa, exponent] = value.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/** How Java renders a JSON value in a string: `{a=1, b=[x, y]}`, numbers as Integer/Double do. */
function javaString(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return Number.isSafeInteger(value) ? String(value) : BigInt(value).toString();
    return javaDouble(value);
  }
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(javaString).join(', ')}]`;
  return `{${Object.entries(value).map(([k, v]) => `${k}=${javaString(v)}`).join(', ')}}`;
}

/** Counts unescaped `{}` in a raw (escapes intact) template. */
function countPlaceholders(raw: string): number {
  let count = 0;
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === '\\') i++;
    else if (raw[i] === '{' && raw[i + 1] === '}') {
      count++;
      i++;
    }
  }
  return count;
}

/** Fills `{}` placeholders; the template's escapes decide what is literal. */
function fillTemplate(raw: string, values: readonly string[]): string {
  let out = '';
  let next = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '\\' && i + 1 < raw.length) {
      const escaped = raw[i + 1]!;
      out += escaped === "'" || escaped === '{' || escaped === '}' || escaped === '\\' ? escaped : c + escaped;
      i++;
    } else if (c === '{' && raw[i + 1] === '}') {
      out += values[next++];
      i++;
    } else {
      out += c;
    }
  }
  return out;
}

function format(nodes: readonly Node[], scope: QueryScope): string {
  const [templateNode, ...argNodes] = nodes as [Node, ...Node[]];
  let raw: string;
  if (templateNode.kind === 'string') raw = templateNode.raw;
  else {
    const template = evaluate(templateNode, scope);
    if (typeof template !== 'string') throw failure(`The argument 1 of States.Format must be a string, got ${describe(template)}`);
    // A template read from a path has no escapes: backslashes are literal.
    raw = template.replace(/\\/g, '\\\\');
  }
  const values = argNodes.map((node) =>
    // A literal written as 1.0 stays a Java double ("1.0"); JSON numbers lose that distinction.
    node.kind === 'number' && !/^-?\d+$/.test(node.text) ? javaDouble(node.value) : javaString(evaluate(node, scope)),
  );
  const placeholders = countPlaceholders(raw);
  if (placeholders !== values.length) {
    throw failure(`The number of arguments (${values.length}) does not match the number of placeholders (${placeholders}) in States.Format`);
  }
  return fillTemplate(raw, values);
}

// ---- States.MathRandom: java.util.Random -----------------------------------------------------

const MULTIPLIER = 0x5deece66dn;
const MASK = (1n << 48n) - 1n;

/** `java.util.Random(seed).nextInt(bound)`, so a seeded MathRandom gives the same value as AWS. */
function javaRandomNextInt(seed: number, bound: number): number {
  let state = (BigInt.asIntN(64, BigInt(Math.trunc(seed))) ^ MULTIPLIER) & MASK;
  const next = (bits: bigint): number => {
    state = (state * MULTIPLIER + 0xbn) & MASK;
    return Number(BigInt.asIntN(32, state >> (48n - bits)));
  };
  if ((bound & -bound) === bound) return Number((BigInt(bound) * BigInt(next(31n))) >> 31n);
  let bits: number;
  let value: number;
  do {
    bits = next(31n);
    value = bits % bound;
  } while (bits - value + (bound - 1) > 0x7fffffff);
  return value;
}

// ---- the functions ---------------------------------------------------------------------------

const HASHES: Readonly<Record<string, string>> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

/** AWS caps States.ArrayRange at 1,000 items. */
const MAX_RANGE = 1000;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const FUNCTIONS: Readonly<Record<string, Fn>> = {
  'States.StringToJson': (args, name) => {
    const text = str(args, 0, name);
    // AWS answers null for an empty or blank string and 0 for "-0" (localstack
    // tests/aws/services/stepfunctions/v2/intrinsic_functions/test_json_manipulation.snapshot.json ::
    // TestJsonManipulation::test_string_to_json, exec_hist_resp_0, _1 and _3, recorded against AWS).
    if (text.trim() === '') return null;
    try {
      const parsed = JSON.parse(text) as unknown;
      return Object.is(parsed, -0) ? 0 : parsed;
    } catch {
      throw failure(`The argument 1 of ${name} is not valid JSON: ${describe(text)}`);
    }
  },
  // Compact JSON, as AWS's Jackson writer produces it.
  'States.JsonToString': (args) => JSON.stringify(args[0] ?? null),
  'States.Array': (args) => [...args],
  'States.ArrayPartition': (args, name) => {
    const array = arr(args, 0, name);
    const size = int(args, 1, name);
    if (size <= 0) throw failure(`The chunk size of ${name} must be a positive integer, got ${size}`);
    const chunks: unknown[][] = [];
    for (let i = 0; i < array.length; i += size) chunks.push(array.slice(i, i + size));
    return chunks;
  },
  'States.ArrayContains': (args, name) => arr(args, 0, name).some((item) => jsonEqual(item, args[1])),
  'States.ArrayRange': (args, name) => {
    const start = int(args, 0, name);
    const end = int(args, 1, name);
    const step = int(args, 2, name);
    if (step === 0) throw failure(`The step of ${name} must not be 0`);
    const count = (end - start) / step < 0 ? 0 : Math.floor((end - start) / step) + 1;
    if (count > MAX_RANGE) throw failure(`The result of ${name} must not exceed ${MAX_RANGE} items, got ${count}`);
    return Array.from({ length: count }, (_, i) => start + i * step);
  },
  'States.ArrayGetItem': (args, name) => {
    const array = arr(args, 0, name);
    const index = int(args, 1, name);
    if (index < 0 || index >= array.length) {
      throw failure(`The index ${index} is out of bounds for the array of length ${array.length} in ${name}`);
    }
    return array[index];
  },
  'States.ArrayLength': (args, name) => arr(args, 0, name).length,
  'States.ArrayUnique': (args, name) => {
    const unique: unknown[] = [];
    for (const item of arr(args, 0, name)) if (!unique.some((seen) => jsonEqual(seen, item))) unique.push(item);
    return unique;
  },
  'States.Base64Encode': (args, name) => Buffer.from(limited(str(args, 0, name), name), 'utf8').toString('base64'),
  'States.Base64Decode': (args, name) => {
    const encoded = limited(str(args, 0, name), name);
    // Node decodes garbage silently; AWS fails, so check the alphabet and padding first.
    if (!BASE64.test(encoded)) throw failure(`The argument 1 of ${name} is not valid base64: ${describe(encoded)}`);
    return Buffer.from(encoded, 'base64').toString('utf8');
  },
  'States.Hash': (args, name) => {
    const data = args[0] === null || args[0] === undefined ? undefined : args[0];
    if (data === undefined) throw failure(`The argument 1 of ${name} must not be null`);
    const text = limited(typeof data === 'string' ? data : JSON.stringify(data), name);
    const algorithm = str(args, 1, name);
    const node = HASHES[algorithm];
    if (!node) throw failure(`The hash algorithm '${algorithm}' is not supported by ${name}; use one of ${Object.keys(HASHES).join(', ')}`);
    return createHash(node).update(text, 'utf8').digest('hex');
  },
  'States.JsonMerge': (args, name) => {
    const left = obj(args, 0, name);
    const right = obj(args, 1, name);
    if (args[2] !== false) throw failure(`${name} supports only a shallow merge: its third argument must be false, got ${describe(args[2])}`);
    return { ...left, ...right };
  },
  'States.MathRandom': (args, name) => {
    const start = rounded(args, 0, name);
    const end = rounded(args, 1, name);
    if (end <= start) throw failure(`The end of ${name} must be greater than its start, got start ${start} and end ${end}`);
    // The start is inclusive and the end exclusive.
    if (args.length === 3) return start + javaRandomNextInt(rounded(args, 2, name), end - start);
    return start + Math.floor(Math.random() * (end - start));
  },
  'States.MathAdd': (args, name) => rounded(args, 0, name) + rounded(args, 1, name),
  'States.StringSplit': (args, name) => {
    const text = str(args, 0, name);
    const delimiters = str(args, 1, name);
    // Each character of the second argument is a delimiter and empty pieces are dropped.
    if (delimiters.length === 0) return text.length === 0 ? [] : [text];
    const pieces: string[] = [];
    let piece = '';
    for (const c of text) {
      if (delimiters.includes(c)) {
        if (piece) pieces.push(piece);
        piece = '';
      } else piece += c;
    }
    if (piece) pieces.push(piece);
    return pieces;
  },
  'States.UUID': () => randomUUID(),
};
