/** Maps a Lambda proxy integration's result to the HTTP response API Gateway sends (payload 2.0 or 1.0). */


export interface HttpResponse {
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

