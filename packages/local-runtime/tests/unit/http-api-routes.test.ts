import { describe, expect, it } from 'vitest';
import { matchRoute, parseRouteKey, responseV1, responseV2, type HttpRoute } from '@order-flow/local/apigateway';

const routes = (...keys: string[]): HttpRoute[] => keys.map((routeKey) => ({ routeKey, authorizationType: 'NONE' }));
const chosen = (table: HttpRoute[], method: string, path: string) => matchRoute(table, method, path)?.route.routeKey;

describe('matchRoute', () => {
  // The example from the API Gateway HTTP API routing documentation.
  const table = routes('GET /pets/dog/1', 'GET /pets/dog/{id}', 'GET /pets/{proxy+}', 'ANY /{proxy+}', '$default');

  it('prefers a full literal match, then path variables, then greedy variables', () => {
    expect(chosen(table, 'GET', '/pets/dog/1')).toBe('GET /pets/dog/1');
    expect(chosen(table, 'GET', '/pets/dog/2')).toBe('GET /pets/dog/{id}');
    expect(chosen(table, 'GET', '/pets/cat/1')).toBe('GET /pets/{proxy+}');
    expect(chosen(table, 'POST', '/pets/cat/1')).toBe('ANY /{proxy+}');
  });

  it('falls back to $default, and to nothing without it', () => {
    expect(chosen(table, 'GET', '/')).toBe('$default');
    expect(chosen(routes('GET /a'), 'GET', '/b')).toBeUndefined();
  });

  it('prefers an exact method over ANY on the same path', () => {
    const both = routes('ANY /orders', 'POST /orders');
    expect(chosen(both, 'POST', '/orders')).toBe('POST /orders');
    expect(chosen(both, 'DELETE', '/orders')).toBe('ANY /orders');
  });

  it('extracts decoded path parameters; a greedy variable takes the rest of the path', () => {
    const table2 = routes('GET /orders/{orderId}', 'GET /files/{proxy+}');
    expect(matchRoute(table2, 'GET', '/orders/o%2F1')?.pathParameters).toEqual({ orderId: 'o/1' });
    expect(matchRoute(table2, 'GET', '/files/a/b%20c.txt')?.pathParameters).toEqual({ proxy: 'a/b c.txt' });
  });

  it('needs every segment to match: no empty variables, no extra segments, method case-insensitive', () => {
    const table2 = routes('GET /orders/{orderId}', 'GET /files/{proxy+}');
    expect(chosen(table2, 'GET', '/orders/')).toBeUndefined();
    expect(chosen(table2, 'GET', '/orders/1/items')).toBeUndefined();
    expect(chosen(table2, 'GET', '/files')).toBeUndefined();
    expect(chosen(table2, 'get', '/orders/1')).toBe('GET /orders/{orderId}');
  });

  it('rejects malformed route keys', () => {
    expect(() => parseRouteKey('orders')).toThrow(/Invalid HTTP API route key 'orders'/);
    expect(() => parseRouteKey('GET /{proxy+}/x')).toThrow(/must be the last segment/);
    expect(parseRouteKey('$default')).toBeUndefined();
  });
});

describe('response mapping', () => {
  it('2.0: a result without statusCode is a 200 JSON body', () => {
    const response = responseV2({ hello: 'world' })!;
    expect(response.statusCode).toBe(200);
    expect(response.headers).toEqual({ 'content-type': 'application/json' });
    expect(response.body.toString()).toBe('{"hello":"world"}');
    expect(responseV2(null)!.body.toString()).toBe('null');
    expect(responseV2([1, 2])!.body.toString()).toBe('[1,2]');
  });

  it('2.0: statusCode, lower-cased headers, cookies and base64 bodies are mapped', () => {
    const response = responseV2({ statusCode: 302, headers: { Location: '/x', 'X-N': 1 }, cookies: ['a=1'], body: Buffer.from('hi').toString('base64'), isBase64Encoded: true })!;
    expect(response).toEqual({ statusCode: 302, headers: { location: '/x', 'x-n': '1', 'set-cookie': ['a=1'] }, body: Buffer.from('hi') });
  });

  it('rejects what API Gateway rejects: non-string bodies, bad status codes, 1.0 results without statusCode', () => {
    expect(responseV2({ statusCode: 200, body: { a: 1 } })).toBeUndefined();
    expect(responseV2({ statusCode: 42 })).toBeUndefined();
    expect(responseV2({ statusCode: 200, headers: { a: { b: 1 } } })).toBeUndefined();
    expect(responseV1({ hello: 'world' })).toBeUndefined();
    expect(responseV1({ statusCode: 200, multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] } })?.headers).toEqual({ 'set-cookie': ['a=1', 'b=2'] });
  });
});
