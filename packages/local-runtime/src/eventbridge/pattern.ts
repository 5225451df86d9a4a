/**
 * EventBridge event patterns (Amazon EventBridge User Guide, "Amazon EventBridge event
 * patterns", "Comparison operators for use in event patterns", "Matching null values and empty
 * strings", "Event patterns arrays"): a pattern is compiled once (invalid patterns are refused
 * with AWS's `Event pattern is not valid. Reason: ...` wording) and then matched against events.
 *
 * Semantics, as AWS's event-ruler implements them:
 * - every field of a pattern object must match (AND); the values listed for a field are
 *   alternatives (OR); `$or` lists alternative sub-patterns;
 * - only leaves are compared: a nested pattern object descends into the event's object (an array
 *   of objects matches when one element matches the whole nested pattern);
 * - an array in the event matches when any of its elements matches;
 * - `null` matches a JSON null only, `""` an empty string only; neither matches a missing field;
 * - exact numbers compare numerically (`300` matches `3.0e2`), never against strings.
 */

/** A pattern EventBridge refuses (AWS: `InvalidEventPatternException`). */
export class InvalidEventPatternError extends Error {
  override readonly name = 'InvalidEventPatternException';
}

/** A compiled event pattern. */
export interface EventPattern {
  /** The pattern as given (parsed). */
  readonly source: Record<string, unknown>;
  /** Whether `event` (any JSON object: an EventBridge event) matches. */
  matches(event: unknown): boolean;
}

type Leaf = (values: readonly unknown[], present: boolean) => boolean;
type ObjectMatcher = (value: unknown) => boolean;

/**
 * Compiles an event pattern (an object or its JSON text).
 *
 * @throws InvalidEventPatternError naming what is wrong (and `label`, e.g. the rule, when given)
 */
export function compileEventPattern(pattern: unknown, label?: string): EventPattern {
  const prefix = label ? `${label}: ` : '';
  let parsed = pattern;
  if (typeof pattern === 'string') {
    try {
      parsed = JSON.parse(pattern);
    } catch (error) {
      throw new InvalidEventPatternError(`${prefix}Event pattern is not valid. Reason: not valid JSON (${(error as Error).message})`);
    }
  }
  try {
    if (!isObject(parsed)) throw new PatternProblem('Filter is not an object');
    if (Object.keys(parsed).length === 0) throw new PatternProblem('Empty pattern: a pattern must have at least one field');
    const matcher = compileObject(parsed, '');
    return { source: parsed, matches: (event) => matcher(event) };
  } catch (error) {
    if (error instanceof PatternProblem) throw new InvalidEventPatternError(`${prefix}Event pattern is not valid. Reason: ${error.message}`);
    throw error;
  }
}

/** Shorthand: whether `event` matches `pattern` (compiled on each call). */
export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  return compileEventPattern(pattern).matches(event);
}

class PatternProblem extends Error {}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function compileObject(pattern: Record<string, unknown>, path: string): ObjectMatcher {
  const fields: { key: string; test: (value: unknown, present: boolean) => boolean }[] = [];
  const alternatives: ObjectMatcher[][] = [];
  for (const [key, spec] of Object.entries(pattern)) {
    const at = path ? `${path}.${key}` : key;
    if (key === '$or') {
      if (!Array.isArray(spec) || spec.length < 2 || !spec.every(isObject)) throw new PatternProblem(`"$or" at "${path || '(root)'}" must be an array of at least 2 pattern objects`);
      alternatives.push(spec.map((alternative) => {
        if (Object.keys(alternative).length === 0) throw new PatternProblem(`Empty pattern in "$or" at "${path || '(root)'}"`);
        return compileObject(alternative, path);
      }));
      continue;
    }
    if (Array.isArray(spec)) {
      if (spec.length === 0) throw new PatternProblem(`Empty arrays are not allowed: "${at}"`);
      const leaves = spec.map((item) => compileLeaf(item, at));
      fields.push({ key, test: (value, present) => {
        const values = present ? flatten(value) : [];
        return leaves.some((leaf) => leaf(values, present));
      } });
    } else if (isObject(spec)) {
      if (Object.keys(spec).length === 0) throw new PatternProblem(`Empty object at "${at}"`);
      const nested = compileObject(spec, at);
      fields.push({ key, test: (value, present) => present && (Array.isArray(value) ? value.flat(Infinity).some((element) => nested(element)) : nested(value)) });
    } else {
      throw new PatternProblem(`"${at}" must be an object or an array`);
    }
  }
  return (value) => {
    const object = isObject(value) ? value : undefined;
    const field = (key: string) => (object !== undefined && Object.hasOwn(object, key) ? { present: true, value: object[key] } : { present: false, value: undefined });
    for (const { key, test } of fields) {
      const { present, value: fieldValue } = field(key);
      if (!test(fieldValue, present)) return false;
    }
    return alternatives.every((options) => options.some((option) => option(value)));
  };
}

/** The leaf values a field holds: an array's elements (nested arrays flattened), else the value. */
function flatten(value: unknown): unknown[] {
  return Array.isArray(value) ? value.flat(Infinity) : [value];
}

const isLeafValue = (value: unknown) => value === null || typeof value !== 'object';

function compileLeaf(item: unknown, at: string): Leaf {
  if (item === null || typeof item === 'string' || typeof item === 'boolean') {
    return (values) => values.some((value) => value === item);
  }
  if (typeof item === 'number') {
    return (values) => values.some((value) => typeof value === 'number' && value === item);
  }
  if (!isObject(item)) throw new PatternProblem(`Unsupported value in "${at}": arrays cannot be nested in a pattern`);
  const keys = Object.keys(item);
  if (keys.length !== 1) throw new PatternProblem(`Each matcher object in "${at}" must have exactly one operator, got ${keys.length === 0 ? 'none' : keys.join(', ')}`);
  const operator = keys[0]!;
  const operand = item[operator];
  switch (operator) {
    case 'prefix':
    case 'suffix': {
      const test = affix(operator, operand, at);
      return (values) => values.some((value) => typeof value === 'string' && test(value));
    }
    case 'equals-ignore-case': {
      if (typeof operand !== 'string') throw new PatternProblem(`"equals-ignore-case" in "${at}" must be a string`);
      const wanted = operand.toLowerCase();
      return (values) => values.some((value) => typeof value === 'string' && value.toLowerCase() === wanted);
    }
    case 'wildcard': {
      if (typeof operand !== 'string') throw new PatternProblem(`"wildcard" in "${at}" must be a string`);
      const regex = wildcardRegex(operand, at);
      return (values) => values.some((value) => typeof value === 'string' && regex.test(value));
    }
    case 'exists': {
      if (typeof operand !== 'boolean') throw new PatternProblem(`"exists" in "${at}" must be true or false`);
      // Only leaves exist for a pattern: an object (or an array holding no leaf) does not.
      return (values, present) => {
        const exists = present && values.some(isLeafValue);
        return operand ? exists : !exists;
      };
    }
    case 'numeric': {
      const test = numericRange(operand, at);
      return (values) => values.some((value) => typeof value === 'number' && test(value));
    }
    case 'cidr': {
      if (typeof operand !== 'string') throw new PatternProblem(`"cidr" in "${at}" must be a string`);
      const test = cidrMatcher(operand, at);
      return (values) => values.some((value) => typeof value === 'string' && test(value));
    }
    case 'anything-but': {
      const excluded = anythingBut(operand, at);
      return (values) => values.some((value) => isLeafValue(value) && !excluded(value));
    }
    default:
      throw new PatternProblem(`Unrecognized match type ${operator} in "${at}"`);
  }
}

function affix(operator: 'prefix' | 'suffix', operand: unknown, at: string): (value: string) => boolean {
  let ignoreCase = false;
  let text = operand;
  if (isObject(operand)) {
    const keys = Object.keys(operand);
    if (keys.length !== 1 || keys[0] !== 'equals-ignore-case') throw new PatternProblem(`"${operator}" in "${at}" takes a string or {"equals-ignore-case": string}`);
    ignoreCase = true;
    text = operand['equals-ignore-case'];
  }
  if (typeof text !== 'string') throw new PatternProblem(`"${operator}" in "${at}" must be a string`);
  const wanted = ignoreCase ? text.toLowerCase() : text;
  return (value) => {
    const subject = ignoreCase ? value.toLowerCase() : value;
    return operator === 'prefix' ? subject.startsWith(wanted) : subject.endsWith(wanted);
  };
}

/** The values `anything-but` excludes (true = excluded). */
function anythingBut(operand: unknown, at: string): (value: unknown) => boolean {
  if (typeof operand === 'string' || typeof operand === 'number') return (value) => value === operand;
  if (Array.isArray(operand)) {
    if (operand.length === 0) throw new PatternProblem(`"anything-but" list in "${at}" must not be empty`);
    const strings = operand.every((v) => typeof v === 'string');
    const numbers = operand.every((v) => typeof v === 'number');
    if (!strings && !numbers) throw new PatternProblem(`"anything-but" list in "${at}" must hold only strings or only numbers`);
    const set = new Set<unknown>(operand);
    return (value) => set.has(value);
  }
  if (!isObject(operand)) throw new PatternProblem(`"anything-but" in "${at}" takes a string, a number, a list, or an object with prefix, suffix, equals-ignore-case or wildcard`);
  const keys = Object.keys(operand);
  if (keys.length !== 1) throw new PatternProblem(`"anything-but" object in "${at}" must have exactly one operator`);
  const operator = keys[0]!;
  const inner = operand[operator];
  const list = (name: string): string[] => {
    const items: unknown[] = Array.isArray(inner) ? (inner as unknown[]) : [inner];
    if (items.length === 0 || !items.every((v) => typeof v === 'string')) throw new PatternProblem(`"anything-but"/"${name}" in "${at}" must be a string or a list of strings`);
    return items;
  };
  switch (operator) {
    case 'prefix':
    case 'suffix': {
      if (typeof inner !== 'string') throw new PatternProblem(`"anything-but"/"${operator}" in "${at}" must be a string`);
      const test = affix(operator, inner, at);
      return (value) => typeof value === 'string' && test(value);
    }
    case 'equals-ignore-case': {
      const set = new Set(list(operator).map((v) => v.toLowerCase()));
      return (value) => typeof value === 'string' && set.has(value.toLowerCase());
    }
    case 'wildcard': {
      const regexes = list(operator).map((v) => wildcardRegex(v, at));
      return (value) => typeof value === 'string' && regexes.some((regex) => regex.test(value));
    }
    default:
      throw new PatternProblem(`Unsupported "anything-but" operator ${operator} in "${at}"`);
  }
}

function wildcardRegex(pattern: string, at: string): RegExp {
  let source = '';
  let previousStar = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '\\') {
      const next = pattern[i + 1];
      if (next !== '*' && next !== '\\') throw new PatternProblem(`Invalid escape in wildcard "${pattern}" in "${at}": only \\* and \\\\ are allowed`);
      source += `\\${next}`;
      i++;
      previousStar = false;
    } else if (char === '*') {
      if (previousStar) throw new PatternProblem(`Consecutive wildcard characters are not allowed: "${pattern}" in "${at}"`);
      source += '.*';
      previousStar = true;
    } else {
      source += char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      previousStar = false;
    }
  }
  return new RegExp(`^${source}$`, 's');
}

function numericRange(operand: unknown, at: string): (value: number) => boolean {
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) throw new PatternProblem(`"numeric" in "${at}" must be [op, number] or [op, number, op, number]`);
  const checks: ((value: number) => boolean)[] = [];
  let lower: number | undefined;
  let upper: number | undefined;
  for (let i = 0; i < operand.length; i += 2) {
    const op: unknown = operand[i];
    const bound: unknown = operand[i + 1];
    if (typeof bound !== 'number' || !Number.isFinite(bound)) throw new PatternProblem(`"numeric" in "${at}": ${JSON.stringify(bound)} is not a number`);
    switch (op) {
      case '=':
        if (operand.length !== 2) throw new PatternProblem(`"numeric" in "${at}": "=" cannot be combined with another comparison`);
        checks.push((v) => v === bound);
        break;
      case '>':
      case '>=':
        if (lower !== undefined) throw new PatternProblem(`"numeric" in "${at}" has two lower bounds`);
        lower = bound;
        checks.push(op === '>' ? (v) => v > bound : (v) => v >= bound);
        break;
      case '<':
      case '<=':
        if (upper !== undefined) throw new PatternProblem(`"numeric" in "${at}" has two upper bounds`);
        upper = bound;
        checks.push(op === '<' ? (v) => v < bound : (v) => v <= bound);
        break;
      default:
        throw new PatternProblem(`"numeric" in "${at}": unknown comparison ${JSON.stringify(op)} (use =, <, <=, >, >=)`);
    }
  }
  if (lower !== undefined && upper !== undefined && lower >= upper) throw new PatternProblem(`"numeric" in "${at}": the lower bound ${lower} is not below the upper bound ${upper}`);
  return (value) => checks.every((check) => check(value));
}

// --- CIDR -------------------------------------------------------------------------------------

function cidrMatcher(cidr: string, at: string): (value: string) => boolean {
  const slash = cidr.indexOf('/');
  const address = slash < 0 ? cidr : cidr.slice(0, slash);
  const bits = parseIp(address);
  if (!bits) throw new PatternProblem(`Malformed CIDR "${cidr}" in "${at}"`);
  const max = bits.length;
  const prefixText = slash < 0 ? String(max) : cidr.slice(slash + 1);
  const length = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(length >= 0 && length <= max)) throw new PatternProblem(`Malformed CIDR "${cidr}" in "${at}": prefix length must be 0..${max}`);
  const network = bits.slice(0, length);
  return (value) => {
    const candidate = parseIp(value);
    return candidate !== undefined && candidate.length === max && candidate.slice(0, length) === network;
  };
}

/** An IPv4 (32) or IPv6 (128) address as a bit string, or undefined. */
function parseIp(text: string): string | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) {
    const parts = text.split('.').map(Number);
    if (parts.some((part) => part > 255)) return undefined;
    return parts.map((part) => part.toString(2).padStart(8, '0')).join('');
  }
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(':')) return undefined;
  let groups: string[];
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const split = (half: string) => (half === '' ? [] : half.split(':'));
  let tail = split(halves[1] ?? '');
  let head = split(halves[0]!);
  // An embedded IPv4 tail (::ffff:1.2.3.4) is two groups.
  const last = (halves.length === 2 ? tail : head).at(-1);
  if (last?.includes('.')) {
    const v4 = parseIp(last);
    if (!v4) return undefined;
    const v4Groups = [v4.slice(0, 16), v4.slice(16)].map((b) => parseInt(b, 2).toString(16));
    if (halves.length === 2) tail = [...tail.slice(0, -1), ...v4Groups];
    else head = [...head.slice(0, -1), ...v4Groups];
  }
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return undefined;
    groups = [...head, ...Array<string>(missing).fill('0'), ...tail];
  } else {
    groups = head;
  }
  if (groups.length !== 8 || groups.some((group) => !/^[0-9a-fA-F]{1,4}$/.test(group))) return undefined;
  return groups.map((group) => parseInt(group, 16).toString(2).padStart(16, '0')).join('');
}
