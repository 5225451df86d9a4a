/** API Gateway HTTP APIs: read from the assembly, matched, turned into Lambda proxy events and served. */
export { httpApisFromAssembly } from './from-assembly.js';
export type { HttpApiDefinition, HttpAuthorizationType, HttpFunctionInvoker, HttpRoute, HttpRouteIntegration, TemplateValueResolver } from './from-assembly.js';
export { matchRoute, parseRouteKey } from './routes.js';
export type { RouteMatch } from './routes.js';
export { responseV1, responseV2 } from './responses.js';
export type { HttpResponse } from './responses.js';
export { startHttpApi, MAX_REQUEST_BYTES } from './server.js';
export type { LocalHttpApi, StartHttpApiOptions } from './server.js';
export { serveHttpApis } from './serve.js';
export type { LocalHttpApiInfo } from './serve.js';
export { ReservedPort, type PortOption } from '../aws-protocol/tcp-ports.js';
