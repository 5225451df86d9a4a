import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpApisFromAssembly, startHttpApi, type HttpApiDefinition, type LocalHttpApi } from '@order-flow/local/apigateway';
import { PortInUseError } from '@order-flow/local';
import { HTTP_STACK, loadHttpApp, synthHttpApp } from '../app/http-app.ts';

// The echoed event is API Gateway's raw shape; tests assert on it field by field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Event = Record<string, any>;

describe('local HTTP API against a synthesized HttpApi', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'http-api-assembly-'));
  let app: ReturnType<typeof loadHttpApp>;
  let apis: HttpApiDefinition[];
  let api: LocalHttpApi;
  let catchAll: LocalHttpApi;
  const notices: string[] = [];

  beforeAll(async () => {
    synthHttpApp(outdir);
    app = loadHttpApp(outdir);
    apis = httpApisFromAssembly(app.assembly.stacks, app.resolver);
    const main = apis.find((a) => a.name === 'Api')!;
    const fallback = apis.find((a) => a.name === 'CatchAll')!;
    api = await startHttpApi({ routes: main.routes, stages: main.stages, apiId: main.apiId, invoke: app.invoke, log: (m) => notices.push(m) });
    catchAll = await startHttpApi({ routes: fallback.routes, stages: fallback.stages, invoke: app.invoke, log: (m) => notices.push(m) });
  });
  afterAll(async () => {
    await api?.close();
    await catchAll?.close();
    await app?.stop();
    rmSync(outdir, { recursive: true, force: true });
  });

  const echo = async (path: string, init?: RequestInit) => {
    const response = await fetch(`${api.endpoint}${path}`, init);
    expect(response.status).toBe(200);
    return { response, event: (await response.json()) as Event };
  };

  it('builds the route table from the template: keys, authorization, Lambda integration, payload version', () => {
    const main = apis.find((a) => a.name === 'Api')!;
    const echoArn = String(app.resolver.attributeOf(app.assembly.stacks[0]!, [...app.assembly.stacks[0]!.resources.values()].find((r) => r.type === 'AWS::Lambda::Function')!.logicalId, 'Arn'));
    expect(main.stackName).toBe(HTTP_STACK);
    expect(main.stages).toEqual(['$default']);
    expect(main.routes.map((r) => [r.routeKey, r.authorizationType, r.integration?.payloadFormatVersion]).sort()).toEqual([
      ['ANY /files/{proxy+}', 'NONE', '2.0'],
      ['ANY /v1/{proxy+}', 'NONE', '1.0'],
      ['GET /inventory/{sku}', 'NONE', '2.0'],
      ['GET /orders/{orderId}', 'AWS_IAM', '2.0'],
      ['POST /orders', 'NONE', '2.0'],
    ]);
    expect(main.routes.every((r) => r.integration?.functionArn === echoArn && r.integration.timeoutMs === 30_000)).toBe(true);
    expect(apis.find((a) => a.name === 'CatchAll')!.routes.map((r) => r.routeKey)).toEqual(['$default']);
    expect(notices).toContain("HTTP API route 'GET /orders/{orderId}' has AWS_IAM authorization: the local HTTP API does not authenticate requests.");
  });

  it('sends a JSON body as a payload 2.0 event shaped like API Gateway', async () => {
    const { response, event } = await echo('/orders', { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'test-agent' }, body: '{"a":1}' });
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /orders',
      rawPath: '/orders',
      rawQueryString: '',
      body: '{"a":1}',
      isBase64Encoded: false,
      headers: { 'content-type': 'application/json', 'user-agent': 'test-agent', 'x-forwarded-proto': 'http' },
      requestContext: {
        accountId: '000000000000',
        apiId: apis.find((a) => a.name === 'Api')!.apiId,
        domainName: new URL(api.endpoint).host,
        domainPrefix: '127',
        http: { method: 'POST', path: '/orders', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test-agent' },
        routeKey: 'POST /orders',
        stage: '$default',
      },
    });
    expect(event).not.toHaveProperty('pathParameters');
    expect(event).not.toHaveProperty('queryStringParameters');
    expect(event).not.toHaveProperty('cookies');
    expect(event.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(Math.abs(event.requestContext.timeEpoch - Date.now())).toBeLessThan(5_000);
    expect(response.headers.get('apigw-requestid')).toBe(event.requestContext.requestId);
  });

  it('passes path parameters, query strings (repeated keys comma-joined), cookies and repeated headers', async () => {
    const headers = new Headers([['cookie', 'session=abc; theme=dark'], ['x-multi', 'one'], ['x-multi', 'two']]);
    const { event } = await echo('/orders/ord%2D1?expand=items&tag=a&tag=b%20c', { headers });
    expect(event.routeKey).toBe('GET /orders/{orderId}');
    expect(event.pathParameters).toEqual({ orderId: 'ord-1' });
    expect(event.rawPath).toBe('/orders/ord%2D1');
    expect(event.rawQueryString).toBe('expand=items&tag=a&tag=b%20c');
    expect(event.queryStringParameters).toEqual({ expand: 'items', tag: 'a,b c' });
    expect(event.cookies).toEqual(['session=abc', 'theme=dark']);
    expect(event.headers).not.toHaveProperty('cookie');
    expect(event.headers['x-multi']).toBe('one, two');
    expect(event).not.toHaveProperty('body');

    const inventory = await echo('/inventory/SKU-RED-MUG');
    expect(inventory.event.pathParameters).toEqual({ sku: 'SKU-RED-MUG' });
  });

  it('base64-encodes a binary request body and fills a greedy {proxy+}', async () => {
    const bytes = Buffer.from([0, 159, 146, 150, 255]);
    const { event } = await echo('/files/a/b.bin', { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: bytes });
    expect(event.routeKey).toBe('ANY /files/{proxy+}');
    expect(event.pathParameters).toEqual({ proxy: 'a/b.bin' });
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body as string, 'base64')).toEqual(bytes);
  });

  it('answers 404 Not Found when no route matches (path or method)', async () => {
    for (const [method, path] of [['GET', '/nowhere'], ['DELETE', '/orders'], ['GET', '/orders/1/items']] as const) {
      const response = await fetch(`${api.endpoint}${path}`, { method });
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(response.headers.get('apigw-requestid')).toBeTruthy();
      expect(await response.json()).toEqual({ message: 'Not Found' });
    }
  });

  it('answers 500 Internal Server Error when the function fails or returns a malformed proxy response', async () => {
    for (const path of ['/files/boom', '/files/malformed']) {
      const response = await fetch(`${api.endpoint}${path}`);
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ message: 'Internal Server Error' });
    }
    expect(notices.some((n) => n.includes('function error TypeError: boom'))).toBe(true);
  });

  it('maps statusCode, headers, cookies and body of a proxy result', async () => {
    const response = await fetch(`${api.endpoint}/files/shaped`);
    expect(response.status).toBe(201);
    expect(response.headers.get('x-custom')).toBe('yes');
    expect(response.headers.get('x-number')).toBe('7');
    expect(response.headers.get('content-type')).toBe('text/plain');
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2']);
    expect(await response.text()).toBe('created');
  });

  it('decodes a base64 response body', async () => {
    const response = await fetch(`${api.endpoint}/files/binary`);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from([0, 1, 2, 255]));
  });

  it('turns a non-proxy result into a 200 application/json response', async () => {
    const plain = await fetch(`${api.endpoint}/files/plain`);
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('application/json');
    expect(await plain.json()).toEqual({ hello: 'world' });
    expect(await (await fetch(`${api.endpoint}/files/text`)).text()).toBe('"just a string"');
  });

  it('answers 413 for a body over 10 MB without invoking the function', async () => {
    const response = await fetch(`${api.endpoint}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(10 * 1024 * 1024 + 1) });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ message: 'Request Entity Too Large' });
  });

  it('sends payload format 1.0 events to 1.0 integrations', async () => {
    const { event } = await echo('/v1/things/42?a=1&a=2', { headers: { 'X-Mixed-Case': 'kept' } });
    expect(event).toMatchObject({
      version: '1.0',
      resource: '/v1/{proxy+}',
      path: '/v1/things/42',
      httpMethod: 'GET',
      pathParameters: { proxy: 'things/42' },
      queryStringParameters: { a: '2' },
      multiValueQueryStringParameters: { a: ['1', '2'] },
      body: null,
      isBase64Encoded: false,
      requestContext: { resourcePath: '/v1/{proxy+}', httpMethod: 'GET', stage: '$default', path: '/v1/things/42' },
    });
    expect(Object.entries(event.headers as Record<string, string>).find(([name]) => name.toLowerCase() === 'x-mixed-case')?.[1]).toBe('kept');
  });

  it('routes everything to $default on an API with only a default integration', async () => {
    const response = await fetch(`${catchAll.endpoint}/any/path?q=1`, { method: 'PATCH' });
    const event = (await response.json()) as Event;
    expect(event.routeKey).toBe('$default');
    expect(event.requestContext.routeKey).toBe('$default');
    expect(event.rawPath).toBe('/any/path');
  });

  it('answers 503 when the integration times out', async () => {
    const main = apis.find((a) => a.name === 'Api')!;
    const routes = main.routes.map((r) => (r.integration ? { ...r, integration: { ...r.integration, timeoutMs: 200 } } : r));
    const quick = await startHttpApi({ routes, invoke: app.invoke, log: () => {} });
    try {
      const response = await fetch(`${quick.endpoint}/files/slow`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ message: 'Service Unavailable' });
    } finally {
      await quick.close();
    }
  });

  it('serves a named stage under its path prefix', async () => {
    const main = apis.find((a) => a.name === 'Api')!;
    const staged = await startHttpApi({ routes: main.routes, stages: ['prod'], invoke: app.invoke, log: () => {} });
    try {
      const event = (await (await fetch(`${staged.endpoint}/prod/inventory/SKU-1`)).json()) as Event;
      expect(event.requestContext.stage).toBe('prod');
      expect(event.rawPath).toBe('/inventory/SKU-1');
      expect((await fetch(`${staged.endpoint}/inventory/SKU-1`)).status).toBe(404);
    } finally {
      await staged.close();
    }
  });

  it('reports a taken port as PortInUseError', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const start = startHttpApi({ routes: [], invoke: app.invoke, port, name: 'HTTP API Api' });
      await expect(start).rejects.toBeInstanceOf(PortInUseError);
      await expect(start).rejects.toThrow(`Port ${port} (HTTP API Api) is already in use`);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});
