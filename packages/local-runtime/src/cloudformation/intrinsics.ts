/**
 * A pure evaluator for CloudFormation intrinsic functions. It knows nothing about resource types:
 * what a `Ref` or `Fn::GetAtt` yields comes from the {@link IntrinsicScope} (see resolver.ts).
 */

/** `Ref: AWS::NoValue`: the enclosing property or list element is removed. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

/** Thrown when a template value cannot be resolved locally; the message names the expression. */
export class UnresolvableError extends Error {
  override readonly name = 'UnresolvableError';
}

/** What intrinsic functions look up. */
export interface IntrinsicScope {
  /** `Ref` of a logical id, parameter or pseudo parameter. */
  ref(name: string): unknown;
  /** `Fn::GetAtt` of a resource attribute (`attribute` may contain dots, e.g. `Endpoint.Address`). */
  getAtt(logicalId: string, attribute: string): unknown;
  /** `Fn::ImportValue` of another stack's exported output. */
  importValue(exportName: string): unknown;
  /** Value of a named template Condition. */
  condition(name: string): boolean;
  /** `Fn::FindInMap` over the template's Mappings. */
  findInMap(mapName: string, topLevelKey: string, secondLevelKey: string): unknown;
  /** The region, for `Fn::GetAZs`. */
  readonly region: string;
}

type Json = unknown;

/**
 * Resolves every intrinsic function in `value` (deeply) and returns plain JSON.
 * A top-level `AWS::NoValue` yields `undefined`.
 *
 * @throws UnresolvableError naming the failing expression
 */
export function resolveIntrinsics(value: Json, scope: IntrinsicScope): unknown {
  const resolved = resolveValue(value, scope);
  return resolved === NO_VALUE ? undefined : resolved;
}

function resolveValue(value: Json, scope: IntrinsicScope): unknown {
  if (Array.isArray(value)) {
    return value.map((item) => resolveValue(item, scope)).filter((item) => item !== NO_VALUE);
  }
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, Json>);
  if (entries.length === 1) {
    const [key, arg] = entries[0]!;
    if (key === 'Ref' || key.startsWith('Fn::')) return resolveFunction(key, arg, scope);
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    const resolved = resolveValue(item, scope);
    if (resolved !== NO_VALUE) out[key] = resolved;
  }
  return out;
}

function resolveFunction(fn: string, arg: Json, scope: IntrinsicScope): unknown {
  const fail = (why: string): never => {
    throw new UnresolvableError(`Cannot resolve {"${fn}": ${JSON.stringify(arg)}}: ${why}`);
  };
  switch (fn) {
    case 'Ref':
      if (typeof arg !== 'string') return fail('Ref takes a logical id or parameter name');
      return scope.ref(arg);
    case 'Fn::GetAtt': {
      const [logicalId, ...attribute] =
        typeof arg === 'string' ? splitOnce(arg, '.') : (resolveValue(arg, scope) as unknown[]).map(String);
      if (!logicalId || attribute.length === 0) return fail('expected [logicalId, attribute]');
      return scope.getAtt(logicalId, attribute.join('.'));
    }
    case 'Fn::Join': {
      const [delimiter, list] = expectArray(arg, 2, fail);
      const items = resolveValue(list, scope);
      if (typeof delimiter !== 'string' || !Array.isArray(items)) return fail('expected [delimiter, [values]]');
      return items.map((item) => toText(item, fail)).join(delimiter);
    }
    case 'Fn::Sub':
      return resolveSub(arg, scope, fail);
    case 'Fn::Select': {
      const [index, list] = expectArray(arg, 2, fail);
      const items = resolveValue(list, scope);
      const i = Number(resolveValue(index, scope));
      if (!Array.isArray(items) || !Number.isInteger(i) || i < 0 || i >= items.length) {
        return fail(`index ${String(i)} is out of range`);
      }
      return items[i];
    }
    case 'Fn::Split': {
      const [delimiter, source] = expectArray(arg, 2, fail);
      const text = resolveValue(source, scope);
      if (typeof delimiter !== 'string' || typeof text !== 'string') return fail('expected [delimiter, string]');
      return text.split(delimiter);
    }
    case 'Fn::ImportValue': {
      const name = resolveValue(arg, scope);
      if (typeof name !== 'string') return fail('the export name must resolve to a string');
      return scope.importValue(name);
    }
    case 'Fn::If': {
      const [condition, whenTrue, whenFalse] = expectArray(arg, 3, fail);
      if (typeof condition !== 'string') return fail('expected [conditionName, valueIfTrue, valueIfFalse]');
      return resolveValue(scope.condition(condition) ? whenTrue : whenFalse, scope);
    }
    case 'Fn::Equals':
    case 'Fn::And':
    case 'Fn::Or':
    case 'Fn::Not':
      return evaluateCondition({ [fn]: arg }, scope);
    case 'Fn::Base64':
      return Buffer.from(toText(resolveValue(arg, scope), fail)).toString('base64');
    case 'Fn::FindInMap': {
      const [map, top, second] = (resolveValue(arg, scope) as unknown[]).map(String);
      if (map === undefined || top === undefined || second === undefined) return fail('expected [map, key, key]');
      return scope.findInMap(map, top, second);
    }
    case 'Fn::GetAZs':
      return ['a', 'b', 'c'].map((zone) => `${scope.region}${zone}`);
    case 'Fn::ToJsonString':
      return JSON.stringify(resolveValue(arg, scope));
    case 'Fn::Length': {
      const items = resolveValue(arg, scope);
      return Array.isArray(items) ? items.length : fail('expected a list');
    }
    default:
      return fail('this intrinsic function is not supported by the local runtime');
  }
}

/**
 * Evaluates a template Condition body (`Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not`,
 * `{Condition: name}`).
 */
export function evaluateCondition(body: Json, scope: IntrinsicScope): boolean {
  if (typeof body === 'boolean') return body;
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const [entry] = Object.entries(body as Record<string, Json>);
    if (entry) {
      const [fn, arg] = entry;
      const args = Array.isArray(arg) ? arg : [arg];
      switch (fn) {
        case 'Condition':
          return scope.condition(String(arg));
        case 'Fn::Equals': {
          const [a, b] = args.map((item) => resolveValue(item, scope));
          return JSON.stringify(a) === JSON.stringify(b);
        }
        case 'Fn::And':
          return args.every((item) => evaluateCondition(item, scope));
        case 'Fn::Or':
          return args.some((item) => evaluateCondition(item, scope));
        case 'Fn::Not':
          return !evaluateCondition(args[0], scope);
        default: {
          const value = resolveValue(body, scope);
          if (typeof value === 'boolean') return value;
          if (value === 'true' || value === 'false') return value === 'true';
        }
      }
    }
  }
  throw new UnresolvableError(`Cannot evaluate condition ${JSON.stringify(body)}`);
}

function resolveSub(arg: Json, scope: IntrinsicScope, fail: (why: string) => never): string {
  const [template, variables] = typeof arg === 'string' ? [arg, {}] : expectArray(arg, 2, fail);
  if (typeof template !== 'string' || !variables || typeof variables !== 'object') {
    return fail('expected a string or [string, {variables}]');
  }
  const vars = variables as Record<string, Json>;
  return template.replace(/\$\{([^}]*)\}/g, (_match, name: string) => {
    // `${!Literal}` is the escape for a literal `${Literal}`.
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    const key = name.trim();
    if (key in vars) return toText(resolveValue(vars[key], scope), fail);
    const dot = key.indexOf('.');
    if (dot > 0 && !key.startsWith('AWS::')) return toText(scope.getAtt(key.slice(0, dot), key.slice(dot + 1)), fail);
    return toText(scope.ref(key), fail);
  });
}

function expectArray(arg: Json, length: number, fail: (why: string) => never): unknown[] {
  if (!Array.isArray(arg) || arg.length !== length) return fail(`expected a list of ${length}`);
  return arg;
}

function splitOnce(text: string, separator: string): string[] {
  const at = text.indexOf(separator);
  return at < 0 ? [text] : [text.slice(0, at), text.slice(at + 1)];
}

function toText(value: unknown, fail: (why: string) => never): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return fail(`expected a string but got ${JSON.stringify(value)}`);
}
