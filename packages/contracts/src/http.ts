import * as z from './zod.js';
import { toIssues, type ValidationIssue } from './validation.js';

/** Largest request body the Order Flow APIs accept. */
export const MAX_BODY_BYTES = 64 * 1024;

/** The parts of an HTTP request (API Gateway HTTP API, payload 2.0) that body rules look at. */
export interface HttpRequestLike {
  readonly headers?: Readonly<Record<string, string | undefined>>;
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
}

/** A JSON HTTP response in API Gateway's Lambda proxy shape. */
export interface JsonResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** `{ error, message?, issues? }`: the one error body shape every Order Flow API returns. */
export interface ErrorBody {
  readonly error: string;
  readonly message?: string;
  readonly issues?: readonly ValidationIssue[];
}

/** Builds a JSON response. */
export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): JsonResponse {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/** The outcome of {@link parseJsonBody}: the parsed value, or the error response to send. */
export type BodyResult<T> = { ok: true; value: T } | { ok: false; response: JsonResponse };

/**
 * Applies the API's body rules in order, so each failure gets its own status:
 * wrong content type -> 415, over {@link MAX_BODY_BYTES} -> 413, not JSON -> 400 `InvalidJson`,
 * schema violations -> 400 `<errorName>` with every offending field and rule.
 */
export function parseJsonBody<S extends z.core.$ZodType>(
  request: HttpRequestLike,
  schema: S,
  errorName: string,
  maxBytes: number = MAX_BODY_BYTES,
): BodyResult<z.infer<S>> {
  const contentType = headerOf(request.headers, 'content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(contentType.trim())) {
    return fail(415, { error: 'UnsupportedMediaType', message: `content-type must be application/json (got "${contentType || 'none'}")` });
  }
  const raw = request.body ?? '';
  const bytes = request.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > maxBytes) {
    return fail(413, { error: 'PayloadTooLarge', message: `body must be at most ${maxBytes} bytes (got ${bytes.length})` });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    return fail(400, { error: 'InvalidJson', message: `body is not valid JSON: ${(error as Error).message}` });
  }
  z.configureZodErrors();
  const result = z.safeParse(schema, parsed);
  if (!result.success) {
    const issues = toIssues(result.error);
    return fail(400, { error: errorName, message: issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; '), issues });
  }
  return { ok: true, value: result.data };
}

/** Case-insensitive header lookup (API Gateway lower-cases them; other callers may not). */
export function headerOf(headers: HttpRequestLike['headers'], name: string): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

function fail(statusCode: number, body: ErrorBody): { ok: false; response: JsonResponse } {
  return { ok: false, response: json(statusCode, body) };
}
