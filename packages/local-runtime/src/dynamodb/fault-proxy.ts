/**
 * A tiny HTTP proxy in front of DynamoDB Local that answers some requests with the errors real
 * DynamoDB sends under load (throttling, transaction conflicts) — errors DynamoDB Local never
 * produces. Everything else is forwarded byte for byte and the response streamed back.
 */
import { randomBytes } from 'node:crypto';
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { crc32 } from 'node:zlib';
import type { DynamoDbFault } from '../faults/injector.js';
import { operationOf, parseJsonBody, sendAwsJson } from '../aws-protocol/json-protocol.js';
import { listen, readBody, type LocalEndpoint } from '../aws-protocol/server.js';

/** The X-Amz-Target prefix of the DynamoDB JSON protocol (`DynamoDB_20120810.PutItem`). */
const TARGET_PREFIX = 'DynamoDB_20120810.';
const ERROR_NAMESPACE = 'com.amazonaws.dynamodb.v20120810#';
/** DynamoDB's own request size limit; a faulted transaction's body is read to count its items. */
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

/** Options of {@link startDynamoDbFaultProxy}. */
export interface DynamoDbFaultProxyOptions {
  /** DynamoDB Local's endpoint, e.g. `http://127.0.0.1:8000`. */
  readonly target: string;
  /**
   * Decides per request, by its operation (`PutItem`, `TransactWriteItems`, ...); `undefined`
   * forwards it. Called once per request, in arrival order.
   */
  readonly decide: (operation: string) => DynamoDbFault | undefined;
  /**
   * Port on 127.0.0.1; 0 picks a free port.
   * @default 0
   */
  readonly port?: number;
}

/**
 * Starts the proxy. A faulted request is answered without being forwarded, so it has no side
 * effect, exactly like a request DynamoDB rejects.
 */
export async function startDynamoDbFaultProxy(options: DynamoDbFaultProxyOptions): Promise<LocalEndpoint> {
  const target = new URL(options.target);
  // Keep-alive to DynamoDB Local: a new TCP connection per request would dominate the overhead.
  const agent = new Agent({ keepAlive: true });
  const server = createServer((req, res) => {
    const operation = operationOf(req, TARGET_PREFIX);
    const fault = operation === undefined ? undefined : options.decide(operation);
    if (fault) {
      answerWithFault(req, res, fault).catch((error: unknown) => res.destroy(error as Error));
    } else {
      forward(req, res, target, agent);
    }
  });
  const endpoint = await listen(server, options.port ?? 0, '127.0.0.1', 'DynamoDB fault proxy');
  return {
    ...endpoint,
    close: async () => {
      await endpoint.close();
      agent.destroy();
    },
  };
}

function forward(req: IncomingMessage, res: ServerResponse, target: URL, agent: Agent): void {
  const upstream = request(
    { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.rawHeaders, agent },
    (response) => {
      res.writeHead(response.statusCode ?? 502, response.statusMessage, response.rawHeaders);
      response.pipe(res);
    },
  );
  upstream.on('error', (error) => {
    // DynamoDB Local went away mid-request: a 5xx the SDK treats as transient, like a real outage.
    if (res.headersSent) {
      res.destroy(error);
    } else {
      sendJson(res, 500, 'InternalServerError', { message: `DynamoDB fault proxy: ${error.message}` });
    }
  });
  req.pipe(upstream);
}

async function answerWithFault(req: IncomingMessage, res: ServerResponse, fault: DynamoDbFault): Promise<void> {
  const { body } = await readBody(req, MAX_REQUEST_BYTES);
  if (fault.kind === 'throttle') {
    const message =
      fault.error === 'ThrottlingException'
        ? 'Throughput exceeds the current capacity for one or more global secondary indexes. DynamoDB is automatically scaling your index so please try again shortly.'
        : 'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.';
    sendJson(res, 400, fault.error, { message });
    return;
  }
  const items = transactItemCount(body);
  const reasons = Array.from({ length: items }, () => ({ Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }));
  // TransactionCanceledException is the one DynamoDB error whose message key is capitalized.
  sendJson(res, 400, 'TransactionCanceledException', {
    CancellationReasons: reasons,
    Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((reason) => reason.Code).join(', ')}]`,
  });
}

function transactItemCount(body: Buffer): number {
  try {
    const parsed = parseJsonBody(body);
    return Array.isArray(parsed.TransactItems) && parsed.TransactItems.length > 0 ? parsed.TransactItems.length : 1;
  } catch {
    return 1;
  }
}

function sendJson(res: ServerResponse, status: number, errorType: string, fields: Record<string, unknown>): void {
  sendAwsJson(res, status, { __type: `${ERROR_NAMESPACE}${errorType}`, ...fields }, {
    contentType: 'application/x-amz-json-1.0',
    requestId: requestId(),
    // DynamoDB checksums every response body; SDKs that verify it accept ours.
    headers: (body) => ({ 'x-amz-crc32': String(crc32(body)), Date: new Date().toUTCString() }),
  });
}

/** DynamoDB request ids are 52 upper-case alphanumerics. */
function requestId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return [...randomBytes(52)].map((byte) => alphabet[byte % alphabet.length]).join('');
}
