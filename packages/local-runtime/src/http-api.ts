/**
 * API Gateway HTTP API (ApiGatewayV2, protocol HTTP) emulation: the route table is read from the
 * synthesized templates, requests are matched like API Gateway matches them, and Lambda proxy
 * integrations get the payload format 2.0 (or 1.0) event API Gateway would send.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AssemblyStack, TemplateResource } from './cloud-assembly.js';
import { listen, readBody, type LocalEndpoint } from './http-server.js';
import type { InvocationOutcome } from './lambda/index.js';

/** Authorization types of an HTTP API route. Recorded only: locally no request is authenticated. */
export type HttpAuthorizationType = 'NONE' | 'AWS_IAM' | 'JWT' | 'CUSTOM' | (string & {});

/** The integration behind a route. */
export interface HttpRouteIntegration {
  /** The Integration's logical id. */
  readonly logicalId: string;
  /** `AWS_PROXY`, `HTTP_PROXY`, ... Only Lambda `AWS_PROXY` integrations run locally. */
  readonly type: string;
  /** The Lambda function ARN, when the integration is a Lambda proxy. */
  readonly functionArn?: string;
  /** Why the integration cannot run locally (requests to it get a 500). */
  readonly unsupported?: string;
  readonly payloadFormatVersion: '1.0' | '2.0';
  /** Integration timeout (`TimeoutInMillis`, default 30 000 like API Gateway). */
  readonly timeoutMs: number;
}

/** One route of an HTTP API. */
export interface HttpRoute {
  /** `'POST /orders'`, `'GET /orders/{orderId}'`, `'ANY /{proxy+}'` or `'$default'`. */
  readonly routeKey: string;
  /** Recorded from the template; the local HTTP API does not authenticate requests. */
  readonly authorizationType: HttpAuthorizationType;
  /** @default - none: the route answers 500, as a route without integration would */
  readonly integration?: HttpRouteIntegration;
  /** The Route's logical id, when read from a template. */
  readonly logicalId?: string;
}

/** An HTTP API read from the assembly. */
export interface HttpApiDefinition {
  readonly stackName: string;
  readonly logicalId: string;
  /** Construct path, e.g. `MyStack/Api/Resource`. */
  readonly path?: string;
  /** The Api's `Name` property. */
  readonly name: string;
  /** What `Ref` of the Api resolves to locally; used as `requestContext.apiId`. */
  readonly apiId: string;
  /** Stage names (`$default` serves at the root; other stages under `/<stage>`). */
  readonly stages: readonly string[];
  readonly routes: readonly HttpRoute[];
}

/**
 * What {@link httpApisFromAssembly} needs of a resolver; `AssemblyResolver` fits as is.
 */
export interface TemplateValueResolver {
  resolve(stack: AssemblyStack, value: unknown): unknown;
  refOf(stack: AssemblyStack, logicalId: string): unknown;
  isActive(stack: AssemblyStack, resource: TemplateResource): boolean;
}

/** Invokes a function by ARN with Lambda semantics (e.g. the runtime's `invokeOutcome`). */
export type HttpFunctionInvoker = (functionArn: string, event: unknown) => Promise<InvocationOutcome>;

const DEFAULT_TIMEOUT_MS = 30_000;
const LAMBDA_ARN = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:[^/]+$/;
// The REST-style integration URI also appears in hand-written templates.
const APIGATEWAY_LAMBDA_URI = /^arn:[^:]+:apigateway:[^:]*:lambda:path\/[^/]+\/functions\/(.+)\/invocations$/;

/**
 * Builds every HTTP API of the assembly (`AWS::ApiGatewayV2::Api` with `ProtocolType: HTTP`)
 * with its routes, Lambda proxy integrations and stages. Routes, integrations and stages are
 * joined to their Api by the resolved `ApiId`, and routes to integrations by the resolved
 * `Target` (`integrations/<Ref of the Integration>`), so cross-stack references work too.
 * An Api's quick-create `Target` becomes a `$default` route.
 */
export function httpApisFromAssembly(stacks: readonly AssemblyStack[], resolver: TemplateValueResolver): HttpApiDefinition[] {
  const active = stacks.flatMap((stack) => [...stack.resources.values()].filter((r) => resolver.isActive(stack, r)).map((resource) => ({ stack, resource })));
  const ofType = (type: string) => active.filter(({ resource }) => resource.type === type);
  const props = (stack: AssemblyStack, resource: TemplateResource) => resolver.resolve(stack, resource.properties) as Record<string, unknown>;

  const integrations = new Map<string, HttpRouteIntegration & { apiId: string }>();
  for (const { stack, resource } of ofType('AWS::ApiGatewayV2::Integration')) {
    const p = props(stack, resource);
    integrations.set(String(resolver.refOf(stack, resource.logicalId)), { ...toIntegration(resource.logicalId, p), apiId: String(p.ApiId) });
  }
  const routes = ofType('AWS::ApiGatewayV2::Route').map(({ stack, resource }) => {
    const p = props(stack, resource);
    const target = typeof p.Target === 'string' ? p.Target : undefined;
    const integration = target?.startsWith('integrations/') ? integrations.get(target.slice('integrations/'.length)) : undefined;
    const route: HttpRoute = {
      routeKey: String(p.RouteKey),
      authorizationType: typeof p.AuthorizationType === 'string' ? p.AuthorizationType : 'NONE',
      logicalId: resource.logicalId,
      ...(integration && { integration: withoutApiId(integration) }),
    };
    return { apiId: String(p.ApiId), route };
  });
  const stages = ofType('AWS::ApiGatewayV2::Stage').map(({ stack, resource }) => {
    const p = props(stack, resource);
    return { apiId: String(p.ApiId), name: String(p.StageName) };
  });

  return ofType('AWS::ApiGatewayV2::Api')
    .map(({ stack, resource }) => ({ stack, resource, p: props(stack, resource) }))
    .filter(({ p }) => p.ProtocolType === 'HTTP')
    .map(({ stack, resource, p }) => {
      const apiId = String(resolver.refOf(stack, resource.logicalId));
      const apiRoutes = routes.filter((r) => r.apiId === apiId).map((r) => r.route);
      if (typeof p.Target === 'string') {
        apiRoutes.push({
          routeKey: typeof p.RouteKey === 'string' ? p.RouteKey : '$default',
          authorizationType: 'NONE',
          integration: toIntegration(`${resource.logicalId}(quick create)`, { IntegrationType: 'AWS_PROXY', IntegrationUri: p.Target, PayloadFormatVersion: '2.0' }),
        });
      }
      // Quick-create APIs get an auto-deployed $default stage.
      const apiStages = stages.filter((s) => s.apiId === apiId).map((s) => s.name);
      return {
        stackName: stack.stackName,
        logicalId: resource.logicalId,
        ...(resource.path !== undefined && { path: resource.path }),
        name: typeof p.Name === 'string' ? p.Name : resource.logicalId,
        apiId,
        stages: apiStages.length === 0 && typeof p.Target === 'string' ? ['$default'] : apiStages,
        routes: apiRoutes,
      };
    });
}

function withoutApiId({ apiId: _apiId, ...integration }: HttpRouteIntegration & { apiId: string }): HttpRouteIntegration {
  return integration;
}

function toIntegration(logicalId: string, p: Record<string, unknown>): HttpRouteIntegration {
  const type = String(p.IntegrationType);
  const payloadFormatVersion = p.PayloadFormatVersion === '1.0' ? '1.0' : '2.0';
  const timeoutMs = typeof p.TimeoutInMillis === 'number' ? p.TimeoutInMillis : DEFAULT_TIMEOUT_MS;
  const base = { logicalId, type, payloadFormatVersion, timeoutMs } as const;
  const uri = typeof p.IntegrationUri === 'string' ? p.IntegrationUri : '';
  const functionArn = LAMBDA_ARN.test(uri) ? uri : APIGATEWAY_LAMBDA_URI.exec(uri)?.[1];
  if (type !== 'AWS_PROXY' || p.IntegrationSubtype !== undefined || functionArn === undefined) {
    const what = p.IntegrationSubtype !== undefined ? `${type} ${JSON.stringify(p.IntegrationSubtype)}` : `${type} ${uri}`;
    return { ...base, unsupported: `integration ${logicalId} (${what}) is not a Lambda proxy integration; only those run locally` };
  }
  return { ...base, functionArn };
}

// ---------------------------------------------------------------------------------------------
// Route matching

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

function splitPath(path: string): string[] {
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

// ---------------------------------------------------------------------------------------------
// Server

/** Options of {@link startHttpApi}. */
export interface StartHttpApiOptions {
  /** The routes to serve (e.g. `httpApisFromAssembly(...)[0].routes`). */
  readonly routes: readonly HttpRoute[];
  /** Runs the integration functions. */
  readonly invoke: HttpFunctionInvoker;
  /**
   * Port to listen on; a taken port is a `PortInUseError`.
   * @default 0 - a free port
   */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /**
   * Stage names; a request under `/<stage>/` of a non-`$default` stage is routed without the prefix.
   * @default ['$default']
   */
  readonly stages?: readonly string[];
  /** @default - a random 10-character id */
  readonly apiId?: string;
  /** @default '000000000000' */
  readonly accountId?: string;
  /** Used in the port error message. @default 'HTTP API' */
  readonly name?: string;
  /**
   * Receives notices: at start, one per route whose authorization is not enforced locally or
   * whose integration cannot run; at request time, why a request got a 500.
   * @default console.warn
   */
  readonly log?: (message: string) => void;
  /**
   * Local-only routes that exist on no AWS API (e.g. `'GET /events'` to read recorded events),
   * keyed by `METHOD /exact/path`; each answers 200 with its JSON result. The template's routes
   * win when both match.
   * @default {}
   */
  readonly localRoutes?: Readonly<Record<string, () => unknown>>;
}

/** A running local HTTP API. */
export type LocalHttpApi = LocalEndpoint;

/** API Gateway's payload limit for HTTP APIs. */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

/**
 * Serves `routes` on a local port with API Gateway HTTP API semantics: route selection, the
 * Lambda proxy event (payload 2.0 or 1.0), response mapping, and API Gateway's error bodies
 * (`404 {"message":"Not Found"}`, `500 {"message":"Internal Server Error"}`, `413`, `503` on an
 * integration timeout). Every response carries an `apigw-requestid` header. Requests are never
 * authenticated locally, whatever the route's `authorizationType`.
 *
 * @throws PortInUseError when `port` is taken
 * @example
 * const [api] = httpApisFromAssembly(assembly.stacks, resolver);
 * const server = await startHttpApi({ routes: api.routes, stages: api.stages, apiId: api.apiId, invoke, port: 3000 });
 * await fetch(`${server.endpoint}/orders`, { method: 'POST', body: '{}' });
 * await server.close();
 */
export async function startHttpApi(options: StartHttpApiOptions): Promise<LocalHttpApi> {
  const log = options.log ?? ((message: string) => console.warn(message));
  for (const route of options.routes) parseRouteKey(route.routeKey); // invalid keys fail at start
  for (const route of options.routes) {
    if (route.authorizationType !== 'NONE') {
      log(`HTTP API route '${route.routeKey}' has ${route.authorizationType} authorization: the local HTTP API does not authenticate requests.`);
    }
    if (route.integration?.unsupported) log(`HTTP API route '${route.routeKey}': ${route.integration.unsupported}; it answers 500.`);
  }
  const config: ServeConfig = {
    routes: options.routes,
    invoke: options.invoke,
    stages: options.stages ?? ['$default'],
    apiId: options.apiId ?? randomBytes(5).toString('hex'),
    accountId: options.accountId ?? '000000000000',
    log,
    localRoutes: options.localRoutes ?? {},
  };
  const server = createServer((req, res) => {
    serve(config, req, res).catch((error: unknown) => {
      log(`HTTP API: ${(error as Error).message}`);
      if (!res.headersSent) send(res, 500, requestIdOf(res), { message: 'Internal Server Error' });
      else res.destroy();
    });
  });
  return listen(server, options.port ?? 0, options.host ?? '127.0.0.1', options.name ?? 'HTTP API');
}

interface ServeConfig {
  readonly routes: readonly HttpRoute[];
  readonly invoke: HttpFunctionInvoker;
  readonly stages: readonly string[];
  readonly apiId: string;
  readonly accountId: string;
  readonly log: (message: string) => void;
  readonly localRoutes: Readonly<Record<string, () => unknown>>;
}

/** What one request looks like once parsed, shared by both payload formats. */
interface IncomingRequest {
  readonly requestId: string;
  readonly method: string;
  readonly rawPath: string;
  readonly rawQueryString: string;
  readonly stage: string;
  readonly match: RouteMatch;
  readonly body: Buffer;
  readonly req: IncomingMessage;
  readonly now: Date;
}

const REQUEST_ID = Symbol('apigw-requestid');

function requestIdOf(res: ServerResponse): string {
  return (res as ServerResponse & { [REQUEST_ID]?: string })[REQUEST_ID] ?? newRequestId();
}

function newRequestId(): string {
  // API Gateway's ids look like `JKJaXmPLvHcESHA=`.
  return randomBytes(10).toString('base64');
}

async function serve(config: ServeConfig, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = newRequestId();
  (res as ServerResponse & { [REQUEST_ID]?: string })[REQUEST_ID] = requestId;
  const now = new Date();
  const { body, tooLarge } = await readBody(req, MAX_REQUEST_BYTES);
  if (tooLarge) return send(res, 413, requestId, { message: 'Request Entity Too Large' });

  const url = req.url ?? '/';
  const queryAt = url.indexOf('?');
  let rawPath = queryAt === -1 ? url : url.slice(0, queryAt);
  const rawQueryString = queryAt === -1 ? '' : url.slice(queryAt + 1);
  let stage = '$default';
  const first = splitPath(rawPath)[0];
  if (first !== undefined && first !== '$default' && config.stages.includes(first)) {
    stage = first;
    rawPath = rawPath.slice(first.length + 1) || '/';
  } else if (!config.stages.includes('$default') && config.stages.length > 0) {
    return send(res, 404, requestId, { message: 'Not Found' });
  }
  const method = (req.method ?? 'GET').toUpperCase();
  const match = matchRoute(config.routes, method, rawPath);
  const local = config.localRoutes[`${method} ${rawPath}`];
  if (!match && local) return send(res, 200, requestId, local());
  if (!match) return send(res, 404, requestId, { message: 'Not Found' });

  const integration = match.route.integration;
  if (!integration?.functionArn) {
    config.log(`HTTP API ${method} ${rawPath}: route '${match.route.routeKey}' ${integration?.unsupported ?? 'has no integration'}`);
    return send(res, 500, requestId, { message: 'Internal Server Error' });
  }
  const request: IncomingRequest = { requestId, method, rawPath, rawQueryString, stage, match, body, req, now };
  const event = integration.payloadFormatVersion === '1.0' ? eventV1(config, request) : eventV2(config, request);

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), integration.timeoutMs);
  });
  const outcome = await Promise.race([config.invoke(integration.functionArn, event), timedOut]).finally(() => clearTimeout(timer));
  if (outcome === 'timeout') return send(res, 503, requestId, { message: 'Service Unavailable' });
  if (!outcome.ok) {
    config.log(`HTTP API ${method} ${rawPath}: function error ${outcome.error.errorType}: ${outcome.error.errorMessage}`);
    return send(res, 500, requestId, { message: 'Internal Server Error' });
  }
  const response = integration.payloadFormatVersion === '1.0' ? responseV1(outcome.result) : responseV2(outcome.result);
  if (!response) {
    config.log(`HTTP API ${method} ${rawPath}: malformed Lambda proxy response ${JSON.stringify(outcome.result)?.slice(0, 200)}`);
    return send(res, 500, requestId, { message: 'Internal Server Error' });
  }
  res.statusCode = response.statusCode;
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  res.setHeader('apigw-requestid', requestId);
  res.end(response.body);
}

function send(res: ServerResponse, status: number, requestId: string, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'apigw-requestid': requestId });
  res.end(JSON.stringify(body));
}

// ---------------------------------------------------------------------------------------------
// Events

const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|ecmascript)\b|application\/[^;]*\+(json|xml)\b)/i;

/** Like API Gateway: text media types pass as text, anything else (or no type) as base64. */
function bodyOf(request: IncomingRequest): { body?: string; isBase64Encoded: boolean } {
  if (request.body.length === 0) return { isBase64Encoded: false };
  const type = request.req.headers['content-type'] ?? '';
  return TEXT_TYPES.test(type) ? { body: request.body.toString('utf8'), isBase64Encoded: false } : { body: request.body.toString('base64'), isBase64Encoded: true };
}

function domainOf(request: IncomingRequest): { domainName: string; domainPrefix: string } {
  const domainName = request.req.headers.host ?? 'localhost';
  return { domainName, domainPrefix: domainName.replace(/:\d+$/, '').split('.')[0]! };
}

/** `12/Mar/2020:19:03:58 +0000`, API Gateway's request time format. */
function requestTime(now: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(now.getUTCDate())}/${months[now.getUTCMonth()]}/${now.getUTCFullYear()}:${pad(now.getUTCHours())}:${pad(now.getUTCMinutes())}:${pad(now.getUTCSeconds())} +0000`;
}

/** Headers API Gateway adds before the integration sees the request. */
function forwardedHeaders(request: IncomingRequest): Record<string, string> {
  const traceTime = Math.floor(request.now.getTime() / 1000).toString(16).padStart(8, '0');
  return {
    'x-amzn-trace-id': `Root=1-${traceTime}-${randomBytes(12).toString('hex')}`,
    'x-forwarded-for': sourceIp(request.req),
    'x-forwarded-port': String(request.req.socket.localPort ?? ''),
    'x-forwarded-proto': 'http',
  };
}

function sourceIp(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
}

function eventV2(config: ServeConfig, request: IncomingRequest): Record<string, unknown> {
  const { req } = request;
  const headers: Record<string, string> = {};
  let cookies: string[] = [];
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (!values) continue;
    if (name === 'cookie') cookies = values.flatMap((value) => value.split(/;\s*/)).filter((c) => c !== '');
    else headers[name] = values.join(',');
  }
  Object.assign(headers, forwardedHeaders(request));
  const query: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(request.rawQueryString)) query[name] = name in query ? `${query[name]},${value}` : value;
  const { routeKey } = request.match.route;
  return {
    version: '2.0',
    routeKey,
    rawPath: request.rawPath,
    rawQueryString: request.rawQueryString,
    ...(cookies.length > 0 && { cookies }),
    headers,
    ...(Object.keys(query).length > 0 && { queryStringParameters: query }),
    requestContext: {
      accountId: config.accountId,
      apiId: config.apiId,
      ...domainOf(request),
      http: {
        method: request.method,
        path: request.rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: sourceIp(req),
        userAgent: req.headers['user-agent'] ?? '',
      },
      requestId: request.requestId,
      routeKey,
      stage: request.stage,
      time: requestTime(request.now),
      timeEpoch: request.now.getTime(),
    },
    ...(Object.keys(request.match.pathParameters).length > 0 && { pathParameters: request.match.pathParameters }),
    ...bodyOf(request),
  };
}

function eventV1(config: ServeConfig, request: IncomingRequest): Record<string, unknown> {
  const { req } = request;
  // Payload 1.0 keeps the client's header spelling.
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) (multiValueHeaders[req.rawHeaders[i]!] ??= []).push(req.rawHeaders[i + 1]!);
  for (const [name, value] of Object.entries(forwardedHeaders(request))) multiValueHeaders[name] = [value];
  const headers = Object.fromEntries(Object.entries(multiValueHeaders).map(([name, values]) => [name, values.at(-1)!]));
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of new URLSearchParams(request.rawQueryString)) (multiQuery[name] ??= []).push(value);
  const hasQuery = Object.keys(multiQuery).length > 0;
  const { routeKey } = request.match.route;
  const resource = parseRouteKey(routeKey) ? routeKey.slice(routeKey.indexOf(' ') + 1) : routeKey;
  const { body, isBase64Encoded } = bodyOf(request);
  return {
    version: '1.0',
    resource,
    path: request.rawPath,
    httpMethod: request.method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? Object.fromEntries(Object.entries(multiQuery).map(([name, values]) => [name, values.at(-1)!])) : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    requestContext: {
      accountId: config.accountId,
      apiId: config.apiId,
      ...domainOf(request),
      extendedRequestId: request.requestId,
      httpMethod: request.method,
      identity: { sourceIp: sourceIp(req), userAgent: req.headers['user-agent'] ?? '' },
      path: request.stage === '$default' ? request.rawPath : `/${request.stage}${request.rawPath}`,
      protocol: `HTTP/${req.httpVersion}`,
      requestId: request.requestId,
      requestTime: requestTime(request.now),
      requestTimeEpoch: request.now.getTime(),
      resourceId: routeKey,
      resourcePath: resource,
      stage: request.stage,
    },
    pathParameters: Object.keys(request.match.pathParameters).length > 0 ? request.match.pathParameters : null,
    stageVariables: null,
    body: body ?? null,
    isBase64Encoded,
  };
}

// ---------------------------------------------------------------------------------------------
// Responses

interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Payload 2.0: an object with `statusCode` is a proxy response; any other JSON value is the
 * body of a 200 `application/json` response. `undefined` means API Gateway would answer 500.
 */
export function responseV2(result: unknown): HttpResponse | undefined {
  if (!isRecord(result) || !('statusCode' in result)) {
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(result ?? null)) };
  }
  const proxied = proxyResponse(result);
  if (!proxied) return undefined;
  const { cookies } = result;
  if (cookies !== undefined) {
    if (!Array.isArray(cookies) || !cookies.every((c) => typeof c === 'string')) return undefined;
    if (cookies.length > 0) proxied.headers['set-cookie'] = cookies;
  }
  return proxied;
}

/** Payload 1.0: only a proxy response (`statusCode`, `headers`, `multiValueHeaders`, `body`) is valid. */
export function responseV1(result: unknown): HttpResponse | undefined {
  if (!isRecord(result)) return undefined;
  const proxied = proxyResponse(result);
  if (!proxied) return undefined;
  const { multiValueHeaders } = result;
  if (multiValueHeaders !== undefined && multiValueHeaders !== null) {
    if (!isRecord(multiValueHeaders)) return undefined;
    for (const [name, values] of Object.entries(multiValueHeaders)) {
      if (!Array.isArray(values)) return undefined;
      proxied.headers[name.toLowerCase()] = values.map(String);
    }
  }
  return proxied;
}

function proxyResponse(result: Record<string, unknown>): (HttpResponse & { headers: Record<string, string | string[]> }) | undefined {
  const statusCode = typeof result.statusCode === 'string' ? Number(result.statusCode) : result.statusCode;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) return undefined;
  const headers: Record<string, string | string[]> = {};
  if (result.headers !== undefined && result.headers !== null) {
    if (!isRecord(result.headers)) return undefined;
    for (const [name, value] of Object.entries(result.headers)) {
      if (!['string', 'number', 'boolean'].includes(typeof value)) return undefined;
      headers[name.toLowerCase()] = String(value);
    }
  }
  const { body } = result;
  if (body !== undefined && body !== null && typeof body !== 'string') return undefined;
  const text = body ?? '';
  return { statusCode, headers, body: result.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8') };
}
