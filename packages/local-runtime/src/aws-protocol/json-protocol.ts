/**
 * The AWS JSON protocol (awsJson1_0 / awsJson1_1) as the local services speak it: `POST /` with
 * `X-Amz-Target: <Prefix>.<Operation>`, a JSON body, epoch-second timestamps and
 * `{"__type","message"}` errors with an `x-amzn-ErrorType` header. Written once, used by the
 * Step Functions API, the EventBridge endpoint and the DynamoDB fault proxy.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { listen, readBody, type LocalEndpoint } from './server.js';
import type { PortOption } from './tcp-ports.js';

/** `application/x-amz-json-1.0` (Step Functions, DynamoDB) or `-1.1` (EventBridge). */
export type AwsJsonContentType = 'application/x-amz-json-1.0' | 'application/x-amz-json-1.1';

/** A JSON request body (always an object). */
export type AwsJsonBody = Record<string, unknown>;

/** An error answered as `{"__type": type, "message": message}` with `status`. */
export class AwsProtocolError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
  override get name(): string {
    return this.type;
  }
}

/** The operation named by `X-Amz-Target: <prefix><Operation>`, or undefined for another prefix. */
export function operationOf(req: IncomingMessage, prefix: string): string | undefined {
  const header = req.headers['x-amz-target'];
  return typeof header === 'string' && header.startsWith(prefix) ? header.slice(prefix.length) : undefined;
}

/**
 * Parses a JSON protocol body: empty means `{}`; anything but a JSON object is a
 * `SerializationException`.
 */
export function parseJsonBody(body: Buffer | string): AwsJsonBody {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AwsProtocolError('SerializationException', 'The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new AwsProtocolError('SerializationException', 'The request body must be a JSON object.');
  return parsed as AwsJsonBody;
}

/** Serializes a response payload: `Date`s become epoch seconds (with fractions), the protocol's timestamp format. */
export function stringifyAwsJson(payload: unknown): string {
  return JSON.stringify(payload, function (this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key];
    return raw instanceof Date ? raw.getTime() / 1000 : value;
  });
}

/** Options of {@link sendAwsJson}. */
export interface SendAwsJsonOptions {
  readonly contentType: AwsJsonContentType;
  /** @default - a random UUID */
  readonly requestId?: string;
  /** Extra headers computed from the serialized body (e.g. DynamoDB's `x-amz-crc32`). */
  readonly headers?: (body: Buffer) => Record<string, string>;
}

/** Answers with a JSON payload; a 4xx/5xx payload with a string `__type` also gets `x-amzn-ErrorType`. */
export function sendAwsJson(res: ServerResponse, status: number, payload: unknown, options: SendAwsJsonOptions): void {
  const body = Buffer.from(stringifyAwsJson(payload), 'utf8');
  const headers: Record<string, string> = {
    'Content-Type': options.contentType,
    'Content-Length': String(body.length),
    'x-amzn-RequestId': options.requestId ?? randomUUID(),
    ...options.headers?.(body),
  };
  const type = (payload as { __type?: unknown } | null)?.__type;
  if (status >= 400 && typeof type === 'string') headers['x-amzn-ErrorType'] = type;
  res.writeHead(status, headers).end(body);
}

/** Answers `{"__type": type, "message": message, ...fields}`. */
export function sendAwsError(res: ServerResponse, status: number, type: string, message: string | undefined, options: SendAwsJsonOptions, fields: Record<string, unknown> = {}): void {
  sendAwsJson(res, status, { __type: type, ...(message !== undefined && { message }), ...fields }, options);
}

/** One operation: gets the parsed body, returns the response payload (or throws). */
export type AwsJsonOperation = (body: AwsJsonBody, req: IncomingMessage) => unknown;

/** Options of {@link awsJsonHandler}. */
export interface AwsJsonServiceOptions {
  /** The `X-Amz-Target` prefix including the dot, e.g. `AWSStepFunctions.`. */
  readonly targetPrefix: string;
  readonly contentType: AwsJsonContentType;
  /** Larger request bodies are answered with `tooLarge` (the rest of the body is drained). */
  readonly maxBodyBytes: number;
  readonly operations: Readonly<Record<string, AwsJsonOperation>>;
  /**
   * The answer to a body over `maxBodyBytes`.
   * @default 400 ValidationException
   */
  readonly tooLarge?: { readonly status: number; readonly message: string };
  /** Message of the `UnknownOperationException` for an unsupported target. */
  readonly unknownOperation?: (target: string) => string;
  /** Maps a service error thrown by an operation (its typed errors) to an AWS error; undefined = internal failure. */
  readonly toProtocolError?: (error: unknown) => AwsProtocolError | undefined;
  /**
   * `__type` of the 500 answer to an unexpected error.
   * @default 'InternalFailure'
   */
  readonly internalErrorType?: string;
}

/** A `node:http` request listener that dispatches JSON protocol requests to `operations`. */
export function awsJsonHandler(options: AwsJsonServiceOptions): RequestListener {
  const send = { contentType: options.contentType };
  return (req, res) => {
    dispatch(options, req, res).catch((error: unknown) => {
      const known = error instanceof AwsProtocolError ? error : options.toProtocolError?.(error);
      if (res.headersSent) res.destroy();
      else if (known) sendAwsError(res, known.status, known.type, known.message, send);
      else sendAwsError(res, 500, options.internalErrorType ?? 'InternalFailure', error instanceof Error ? error.message : String(error), send);
    });
  };
}

async function dispatch(options: AwsJsonServiceOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { body, tooLarge } = await readBody(req, options.maxBodyBytes);
  if (tooLarge) {
    throw new AwsProtocolError('ValidationException', options.tooLarge?.message ?? `Request body larger than ${options.maxBodyBytes} bytes`, options.tooLarge?.status ?? 400);
  }
  const target = String(req.headers['x-amz-target'] ?? '');
  const name = operationOf(req, options.targetPrefix);
  const operation = req.method === 'POST' && name !== undefined && Object.hasOwn(options.operations, name) ? options.operations[name] : undefined;
  if (!operation) {
    throw new AwsProtocolError('UnknownOperationException', options.unknownOperation?.(target) ?? `Unknown operation '${target}'${req.method === 'POST' ? '' : ` (only POST is supported, got ${req.method})`}`);
  }
  sendAwsJson(res, 200, await operation(parseJsonBody(body), req), { contentType: options.contentType });
}

/**
 * Starts a JSON protocol service on `host:port` (0 = a free port; a `ReservedPort` is served on its socket).
 *
 * @throws PortInUseError naming `purpose` when the port is taken
 */
export function startAwsJsonService(
  options: AwsJsonServiceOptions & { readonly port?: PortOption; readonly host?: string; readonly purpose: string; readonly closeAllConnections?: boolean },
): Promise<LocalEndpoint> {
  return listen(createServer(awsJsonHandler(options)), options.port ?? 0, options.host ?? '127.0.0.1', options.purpose, {
    ...(options.closeAllConnections !== undefined && { closeAllConnections: options.closeAllConnections }),
  });
}
