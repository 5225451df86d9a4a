/**
 * API Gateway HTTP API (ApiGatewayV2, protocol HTTP) emulation: requests are matched like API
 * Gateway matches them, and Lambda proxy integrations get the payload format 2.0 (or 1.0) event
 * API Gateway would send.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen, readBody, type LocalEndpoint } from '../aws-protocol/server.js';
import type { PortOption } from '../aws-protocol/tcp-ports.js';
import { eventV1, eventV2, type IncomingRequest } from './events.js';
import type { HttpFunctionInvoker, HttpRoute } from './from-assembly.js';
import { responseV1, responseV2 } from './responses.js';
import { matchRoute, parseRouteKey, splitPath } from './routes.js';


/** Options of {@link startHttpApi}. */
export interface StartHttpApiOptions {
  /** The routes to serve (e.g. `httpApisFromAssembly(...)[0].routes`). */
  readonly routes: readonly HttpRoute[];
  /** Runs the integration functions. */
  readonly invoke: HttpFunctionInvoker;
  /**
   * Port to listen on (a `ReservedPort` is served on the socket it holds); a taken port is a
   * `PortInUseError`.
   * @default 0 - a free port
   */
  readonly port?: PortOption;
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

