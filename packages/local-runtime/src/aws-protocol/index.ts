/** Shared plumbing of the local AWS endpoints: the JSON protocol, HTTP listening and TCP ports. */
export * from './json-protocol.js';
export { listen, readBody } from './server.js';
export type { LocalEndpoint } from './server.js';
export { PortInUseError, assertPortFree, findFreePort } from './tcp-ports.js';
