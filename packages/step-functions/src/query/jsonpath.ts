/**
 * The JSONPath query language of Step Functions: Paths and ReferencePaths (`InputPath`,
 * `OutputPath`, `ResultPath`, `.$` fields of payload templates), evaluated the way AWS evaluates
 * them (AWS uses Jayway JsonPath; see "Processing input and output in Step Functions" and
 * "Reference paths" in the Amazon States Language specification).
 *
 * Definite paths (only `.name`, `['name']` and `[index]` steps) are walked here, so that missing
 * data yields Jayway's own messages (`No results for path: $['x']`). Indefinite paths (wildcards,
 * filters, slices, unions, `..`) go to jsonpath-plus, which differs from Jayway in a few ways we
 * paper over:
 * - filters are JavaScript there: `==`/`!=` are rewritten to `===`/`!==` so that a missing field
 *   does not equal `null` (Jayway compares strictly);
 * - `.length` on an array is the JS property there, but a property lookup in Jayway; we only send
 *   indefinite paths, so `$.a.length` stays a (missing) property;
 * - Jayway's regex match `=~` and functions such as `length()` are not supported.
 */
import { JSONPath } from 'jsonpath-plus';
import { StatesError, StatesErrors } from '../errors.js';
import { evaluateIntrinsic, isIntrinsic } from './intrinsics.js';
import type { QueryScope } from './types.js';

export { evaluateIntrinsic, isIntrinsic } from './intrinsics.js';

/** Thrown by readPath when a path matches nothing; the engine turns it into States.Runtime with AWS's message. */
export class PathNotFoundError extends Error {
  override readonly name = 'PathNotFoundError';

  constructor(
    /** The path as written in the definition (`$.a.b`, `$$.Execution.Foo`, `$var.x`). */
    readonly path: string,
    /** The data the path was read against (the input, the context object or the variable). */
    readonly data: unknown,
    /** Jayway's explanation, e.g. `No results for path: $['a']['b']`. */
    detail: string = `No results for path: ${path}`,
  ) {
    super(detail);
  }
}

/** One step of a definite path: a property name or an array index. */
type Step = { readonly kind: 'property'; readonly name: string } | { readonly kind: 'index'; readonly index: number };

/** Is this string a JSONPath Path/ReferencePath (starts with `$`)? also `$$`, `$var` */
export function isPath(value: string): boolean {
  return value.startsWith('$');
}

/** Where a path's data comes from, and the rest of the path rewritten to start at `$`. */
interface Rooted {
  readonly data: unknown;
  readonly rest: string;
}

const VARIABLE_ROOT = /^\$([A-Za-z_][A-Za-z0-9_]*)/;

/** Picks the root a path reads: `$$` the context object, `$name` a variable, `$` the input. */
function root(path: string, scope: QueryScope): Rooted {
  if (path.startsWith('$$')) return { data: scope.context, rest: path.slice(1) };
  const variable = VARIABLE_ROOT.exec(path);
  if (variable) {
    const name = variable[1]!;
    if (!Object.hasOwn(scope.variables, name)) {
      throw new PathNotFoundError(path, scope.variables, `The variable '$${name}' is not defined`);
    }
    return { data: scope.variables[name], rest: '$' + path.slice(variable[0].length) };
  }
  return { data: scope.input, rest: path };
}

/** Reads a path against the scope: `$...` -> scope.input, `$$...` -> scope.context, `$name...` -> scope.variables.name (JSONPath states may read workflow variables as `$name.field`). Throws PathNotFoundError when nothing matches. A path with wildcards/filters returns an array of the matches (Jayway semantics: definite path -> value, indefinite -> array). */
export function readPath(path: string, scope: QueryScope): unknown {
  const { data, rest } = root(path, scope);
  return readRooted(path, rest, data);
}

/** Evaluates `rest` (a path starting at `$`) against `data`; `original` names it in errors. */
function readRooted(original: string, rest: string, data: unknown): unknown {
  const steps = parseDefinite(rest);
  if (steps) return walk(original, steps, data);
  // Indefinite: Jayway returns every match as a list, an empty one when nothing matches
  // (jsonpath-plus refuses a scalar document, where nothing can match anyway).
  if (typeof data !== 'object' || data === null) return [];
  const matches: unknown = JSONPath({ path: toJsonPathPlus(rest), json: data, wrap: true, eval: 'safe' });
  return matches;
}

/** Jayway's normalized form of a definite path: `$['a'][0]`. */
function normalized(steps: readonly Step[]): string {
  return '$' + steps.map((step) => (step.kind === 'property' ? `['${step.name}']` : `[${step.index}]`)).join('');
}

/** The Java class Jayway (Jackson) would report for a value, for its "not a json object" message. */
function javaType(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'java.util.ArrayList';
  if (typeof value === 'string') return 'java.lang.String';
  if (typeof value === 'boolean') return 'java.lang.Boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'java.lang.Integer' : 'java.lang.Double';
  return 'java.util.LinkedHashMap';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Walks a definite path, failing with Jayway's messages (PathToken/PropertyPathToken/ArrayPathToken). */
function walk(original: string, steps: readonly Step[], data: unknown): unknown {
  let current = data;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    const leaf = i === steps.length - 1;
    if (step.kind === 'property') {
      if (!isObject(current)) {
        throw new PathNotFoundError(
          original,
          data,
          `Expected to find an object with property ['${step.name}'] in path ${normalized(steps.slice(0, i))} but found '${javaType(current)}'. ` +
            `This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JacksonJsonProvider'.`,
        );
      }
      if (!Object.hasOwn(current, step.name)) {
        // A missing leaf gives "No results" for the whole path; a missing branch names itself.
        throw new PathNotFoundError(
          original,
          data,
          leaf ? `No results for path: ${normalized(steps)}` : `Missing property in path ${normalized(steps.slice(0, i + 1))}`,
        );
      }
      current = current[step.name];
    } else {
      if (!Array.isArray(current)) {
        throw new PathNotFoundError(
          original,
          data,
          `Filter: [${step.index}] can only be applied to arrays. Current context is: ${JSON.stringify(current) ?? 'null'}`,
        );
      }
      const index = step.index < 0 ? current.length + step.index : step.index;
      // Jayway swallows an out-of-bounds index, so the whole path ends up with no result.
      if (index < 0 || index >= current.length) throw new PathNotFoundError(original, data, `No results for path: ${normalized(steps)}`);
      current = current[index];
    }
  }
  return current;
}

const IDENTIFIER = /^[^.[\]\s*]+/;

/**
 * Parses a path made only of `.name`, `['name']`/`["name"]` and `[n]` steps; undefined when the
 * path has anything indefinite (`*`, `..`, filters, slices, unions) or is malformed.
 */
function parseDefinite(path: string): readonly Step[] | undefined {
  let parsed = definitePaths.get(path);
  if (parsed === undefined) {
    parsed = Object.freeze(parseDefiniteUncached(path) ?? INDEFINITE);
    // Paths come from definitions, a bounded set; the cap only guards against unbounded ones.
    if (definitePaths.size >= MAX_CACHED_PATHS) definitePaths.clear();
    definitePaths.set(path, parsed);
  }
  return parsed === INDEFINITE ? undefined : parsed;
}

// Every state evaluates its paths on every run: each is parsed once and kept, frozen.
const definitePaths = new Map<string, readonly Step[]>();
const INDEFINITE: readonly Step[] = Object.freeze([]);
const MAX_CACHED_PATHS = 10_000;

function parseDefiniteUncached(path: string): readonly Step[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const steps: Step[] = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      const name = IDENTIFIER.exec(path.slice(i + 1));
      if (!name) return undefined;
      steps.push({ kind: 'property', name: name[0] });
      i += 1 + name[0].length;
    } else if (c === '[') {
      const close = path.indexOf(']', i);
      if (close < 0) return undefined;
      const inner = path.slice(i + 1, close).trim();
      const quoted = /^(['"])(.*)\1$/s.exec(inner);
      if (quoted && !/['"],\s*['"]/.test(inner)) {
        steps.push({ kind: 'property', name: quoted[2]! });
      } else if (/^-?\d+$/.test(inner)) {
        steps.push({ kind: 'index', index: Number(inner) });
      } else {
        return undefined;
      }
      i = close + 1;
    } else {
      return undefined;
    }
  }
  return steps;
}

/** Rewrites Jayway filter comparisons into strict JavaScript ones (outside string literals). */
function toJsonPathPlus(path: string): string {
  let out = '';
  let quote: string | undefined;
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (quote) {
      out += c;
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
      out += c;
    } else if ((c === '=' || c === '!') && path[i + 1] === '=' && path[i + 2] !== '=') {
      out += c + '==';
      i += 1;
    } else {
      out += c;
    }
  }
  return out;
}

/** The message AWS gives when InputPath/OutputPath selects nothing. */
function invalidPath(path: string, error: PathNotFoundError): StatesError {
  return new StatesError(StatesErrors.Runtime, `Invalid path '${path}' : ${error.message}`);
}

/** Reads an InputPath/OutputPath, turning "nothing there" into AWS's States.Runtime. */
function selectPath(path: string, scope: QueryScope): unknown {
  try {
    return readPath(path, scope);
  } catch (error) {
    if (error instanceof PathNotFoundError) throw invalidPath(path, error);
    throw error;
  }
}

/** InputPath: undefined -> input, null -> {} (AWS: "InputPath null -> {}"), else readPath. */
export function applyInputPath(inputPath: string | null | undefined, scope: QueryScope): unknown {
  if (inputPath === undefined) return scope.input;
  if (inputPath === null) return {};
  return selectPath(inputPath, scope);
}

/** OutputPath: same rules applied to the state's output. */
export function applyOutputPath(outputPath: string | null | undefined, output: unknown, scope: Omit<QueryScope, 'input'>): unknown {
  if (outputPath === undefined) return output;
  if (outputPath === null) return {};
  return selectPath(outputPath, { ...scope, input: output });
}

/** Parameters / ResultSelector / ItemSelector / JSONPath `Assign`: walk the template; keys ending in `.$` are evaluated (a path via readPath, or an intrinsic function `States.X(...)` via evaluateIntrinsic) and the key loses its `.$`; other values copied as-is, nested objects/arrays recursively. `field` names the field for error messages. */
export function resolvePayloadTemplate(template: unknown, scope: QueryScope, field: string): unknown {
  if (Array.isArray(template)) return template.map((item) => resolvePayloadTemplate(item, scope, field));
  if (!isObject(template)) return template;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$')) {
      out[key.slice(0, -2)] = resolveDynamic(key, value, scope, field);
    } else {
      out[key] = resolvePayloadTemplate(value, scope, field);
    }
  }
  return out;
}

/** Evaluates one `key.$` value; path misses become AWS's States.Runtime naming the key. */
function resolveDynamic(key: string, expression: unknown, scope: QueryScope, field: string): unknown {
  if (typeof expression !== 'string' || !(isPath(expression) || isIntrinsic(expression))) {
    throw new StatesError(
      StatesErrors.Runtime,
      `The value for the field '${key}' in ${field} must be a JSONPath or an intrinsic function, got ${JSON.stringify(expression)}`,
    );
  }
  try {
    if (isIntrinsic(expression)) return evaluateIntrinsic(expression, scope);
    // AWS refuses to read the input through a path when there is no input at all.
    if (scope.input === null && !expression.startsWith('$$') && !VARIABLE_ROOT.test(expression)) {
      throw new StatesError(StatesErrors.Runtime, 'Unable to apply Path transformation to null or empty input.');
    }
    return readPath(expression, scope);
  } catch (error) {
    if (error instanceof PathNotFoundError) {
      throw new StatesError(
        StatesErrors.Runtime,
        `The JSONPath '${error.path}' specified for the field '${key}' could not be found in the input '${JSON.stringify(error.data) ?? 'null'}'`,
      );
    }
    throw error;
  }
}

/** ResultPath: undefined or "$" -> result replaces input; null -> input kept (result discarded); "$.a.b" -> input copy with result set at a.b (creating objects on the way). Throws StatesError('States.ResultPathMatchFailure', AWS message) when the path cannot be applied (e.g. input is not an object, or a path segment is a non-object). Never mutates the input. */
export function applyResultPath(input: unknown, result: unknown, resultPath: string | null | undefined): unknown {
  if (resultPath === undefined || resultPath === '$') return result;
  if (resultPath === null) return input;
  const steps = parseDefinite(resultPath);
  if (!steps) {
    throw new StatesError(StatesErrors.ResultPathMatchFailure, `Invalid ResultPath '${resultPath}': it must be a reference path`);
  }
  return place(input, steps, 0, result);
}

/** Copies `node` along the path with `value` set at its end; the rest of the tree is shared. */
function place(node: unknown, steps: readonly Step[], at: number, value: unknown): unknown {
  if (at === steps.length) return value;
  const step = steps[at]!;
  if (step.kind === 'property' && isObject(node)) {
    const child = Object.hasOwn(node, step.name) ? node[step.name] : {};
    return { ...node, [step.name]: place(child, steps, at + 1, value) };
  }
  if (step.kind === 'index' && Array.isArray(node)) {
    const index = step.index < 0 ? node.length + step.index : step.index;
    if (index >= 0 && index < node.length) {
      const copy: unknown[] = [...(node as unknown[])];
      copy[index] = place(node[index], steps, at + 1, value);
      return copy;
    }
  }
  const name = step.kind === 'property' ? step.name : String(step.index);
  throw new StatesError(StatesErrors.ResultPathMatchFailure, `Unable to apply step "${name}" to input ${JSON.stringify(node) ?? 'null'}`);
}

/** Load-time checks for the definition validator: undefined when fine, else a message naming the problem. */
export function checkPath(path: string, kind: 'Path' | 'ReferencePath'): string | undefined {
  if (!path.startsWith('$')) return `The value '${path}' is not a valid ${kind}: it must start with '$'`;
  let rest = path;
  if (path.startsWith('$$')) rest = path.slice(1);
  else {
    const variable = VARIABLE_ROOT.exec(path);
    if (variable) rest = '$' + path.slice(variable[0].length);
  }
  if (parseDefinite(rest)) return undefined;
  if (kind === 'ReferencePath') {
    return `The value '${path}' is not a valid ReferencePath: it must identify a single node (no wildcards, filters, slices or '..')`;
  }
  return balanced(rest) ? undefined : `The value '${path}' is not a valid Path: unbalanced brackets or quotes`;
}

/** Are brackets, parentheses and quotes balanced (outside quotes)? */
function balanced(path: string): boolean {
  const stack: string[] = [];
  let quote: string | undefined;
  for (const c of path) {
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '[' || c === '(') stack.push(c);
    else if (c === ']' && stack.pop() !== '[') return false;
    else if (c === ')' && stack.pop() !== '(') return false;
  }
  return !quote && stack.length === 0 && !/\.\.$|\.$/.test(path);
}
