/** The Lambda proxy event API Gateway sends for an HTTP API request (payload format 2.0 or 1.0). */
import type { IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';
import { parseRouteKey, type RouteMatch } from './routes.js';

/** What the events need of the API serving them. */
export interface EventContext {
  readonly apiId: string;
  readonly accountId: string;
}

/** What one request looks like once parsed, shared by both payload formats. */
export interface IncomingRequest {
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

export function eventV2(config: EventContext, request: IncomingRequest): Record<string, unknown> {
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

export function eventV1(config: EventContext, request: IncomingRequest): Record<string, unknown> {
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

