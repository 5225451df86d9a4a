/** API Gateway HTTP API route selection: route keys, path parameters, greedy paths, precedence. */
import type { HttpRoute } from './from-assembly.js';


/** A route that matched a request. */
export interface RouteMatch {
  readonly route: HttpRoute;
  /** Decoded path parameters (`{proxy+}` holds the rest of the path). */
  readonly pathParameters: Readonly<Record<string, string>>;
}

interface ParsedRouteKey {
  readonly method: string;
  readonly segments: readonly Segment[];
}

type Segment = { kind: 'literal'; value: string } | { kind: 'param'; name: string } | { kind: 'greedy'; name: string };

/** Splits a route key (`'GET /orders/{orderId}'`); `$default` has no method or path. */
export function parseRouteKey(routeKey: string): ParsedRouteKey | undefined {
  if (routeKey === '$default') return undefined;
  const match = /^(\S+) (\/.*)$/.exec(routeKey);
  if (!match) throw new Error(`Invalid HTTP API route key '${routeKey}': expected '$default' or '<METHOD> /<path>'`);
  const segments = splitPath(match[2]!).map((part, index, all): Segment => {
    const param = /^\{([^{}]+?)(\+)?\}$/.exec(part);
    if (!param) return { kind: 'literal', value: part };
    if (param[2] && index !== all.length - 1) throw new Error(`Invalid HTTP API route key '${routeKey}': a greedy {${param[1]}+} must be the last segment`);
    return param[2] ? { kind: 'greedy', name: param[1]! } : { kind: 'param', name: param[1]! };
  });
  return { method: match[1]!.toUpperCase(), segments };
}

export function splitPath(path: string): string[] {
  return path === '/' ? [] : path.replace(/^\//, '').split('/');
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Finds the route API Gateway would choose for `method` and raw `path`: a full literal match
 * beats path variables, which beat a greedy `{proxy+}`, compared segment by segment from the
 * left; then an exact method beats `ANY`; `$default` catches the rest.
 */
export function matchRoute(routes: readonly HttpRoute[], method: string, path: string): RouteMatch | undefined {
  const parts = splitPath(path).map(decode);
  let best: { match: RouteMatch; rank: number[] } | undefined;
  for (const route of routes) {
    const key = parseRouteKey(route.routeKey);
    if (!key) continue;
    if (key.method !== 'ANY' && key.method !== method.toUpperCase()) continue;
    const params = matchSegments(key.segments, parts);
    if (!params) continue;
    // Higher is more specific: literal 3, variable 2, greedy 1, per segment; then method.
    const rank = [...key.segments.map((s) => (s.kind === 'literal' ? 3 : s.kind === 'param' ? 2 : 1)), key.method === 'ANY' ? 0 : 1];
    if (!best || compareRanks(rank, best.rank) > 0) best = { match: { route, pathParameters: params }, rank };
  }
  if (best) return best.match;
  const fallback = routes.find((route) => route.routeKey === '$default');
  return fallback && { route: fallback, pathParameters: {} };
}

function matchSegments(segments: readonly Segment[], parts: readonly string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (const [index, segment] of segments.entries()) {
    if (segment.kind === 'greedy') {
      const rest = parts.slice(index);
      if (rest.length === 0 || rest.join('/') === '') return undefined;
      params[segment.name] = rest.join('/');
      return params;
    }
    const part = parts[index];
    if (part === undefined) return undefined;
    if (segment.kind === 'literal') {
      if (part !== segment.value) return undefined;
    } else {
      if (part === '') return undefined;
      params[segment.name] = part;
    }
  }
  return segments.length === parts.length ? params : undefined;
}

function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? -1) - (b[i] ?? -1);
    if (diff !== 0) return diff;
  }
  return 0;
}

