/**
 * DynamoDB capacity as AWS bills it (on-demand read and write request units), counted on the
 * requests the Lambda functions really make: {@link CapacityProxy} sits between the functions and
 * the local runtime's DynamoDB endpoint, asks every request for `ReturnConsumedCapacity: TOTAL`
 * and reads what DynamoDB Local answers; {@link billedCapacity} then applies AWS's billing rules
 * where DynamoDB Local's figure is not what AWS bills:
 *
 * - **Transactions**: AWS bills 2 write units per item unit written by `TransactWriteItems` (and 2
 *   read units per item unit read by `TransactGetItems`). DynamoDB Local reports the
 *   non-transactional figure (measured: a 2-item reservation under 1 KB reports 2 units, AWS
 *   bills 4), so transactional units are doubled here.
 * - **Failed conditional writes**: a `ConditionalCheckFailedException` still consumes write
 *   capacity on AWS (the larger of the existing and the new item, at least 1 unit); DynamoDB
 *   Local returns no ConsumedCapacity with the error, so it is computed from the request's item.
 * - **Canceled transactions** (`TransactionCanceledException`): AWS does not document what they
 *   consume; they are counted as if every item had been written transactionally (2 units per
 *   item unit), an upper bound, and flagged as an assumption in the report.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Operations whose units are reads (everything else that consumes capacity writes). */
const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);
/** Operations AWS bills at twice the units of the same non-transactional access. */
const TRANSACTIONAL = new Set(['TransactWriteItems', 'TransactGetItems']);
/** Single-item writes whose failed condition still consumes write units. */
const CONDITIONAL_WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);
const KB = 1024;

/** Bytes of one attribute value as DynamoDB sizes it ("Item sizes and formats"). */
function valueBytes(value: unknown): number {
  if (!value || typeof value !== 'object') return 0;
  const [type, v] = Object.entries(value as Record<string, unknown>)[0] ?? [];
  switch (type) {
    case 'S':
      return Buffer.byteLength(String(v), 'utf8');
    case 'N':
      return numberBytes(String(v));
    case 'B':
      return Buffer.from(String(v), 'base64').length;
    case 'BOOL':
    case 'NULL':
      return 1;
    case 'SS':
      return (v as string[]).reduce((sum, s) => sum + Buffer.byteLength(s, 'utf8'), 0);
    case 'NS':
      return (v as string[]).reduce((sum, n) => sum + numberBytes(n), 0);
    case 'BS':
      return (v as string[]).reduce((sum, b) => sum + Buffer.from(b, 'base64').length, 0);
    case 'L':
      // 3 bytes for the list, 1 byte per element on top of the element.
      return 3 + (v as unknown[]).reduce<number>((sum, element) => sum + 1 + valueBytes(element), 0);
    case 'M':
      return 3 + itemBytes(v as Record<string, unknown>) + Object.keys(v as object).length;
    default:
      return 0;
  }
}

/** A number's size: 1 byte per two significant digits, plus 1 (leading/trailing zeros trimmed). */
function numberBytes(text: string): number {
  const digits = text.replace(/^[-+]/, '').replace(/[eE].*$/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

/**
 * Size in bytes of an item in DynamoDB's wire format (`{ name: { S: '...' } }`), as DynamoDB
 * counts it for capacity: every attribute name's UTF-8 bytes plus its value's size.
 */
export function itemBytes(item: Readonly<Record<string, unknown>>): number {
  let total = 0;
  for (const [name, value] of Object.entries(item)) total += Buffer.byteLength(name, 'utf8') + valueBytes(value);
  return total;
}

/** Write units of one item written (1 per started KB, at least 1). */
function writeUnitsOf(item: Readonly<Record<string, unknown>> | undefined): number {
  return item ? Math.max(1, Math.ceil(itemBytes(item) / KB)) : 1;
}

/** One DynamoDB request a function made, with DynamoDB Local's answer. */
export interface CapacityCall {
  /** The operation (`X-Amz-Target` after the dot), e.g. `TransactWriteItems`. */
  readonly operation: string;
  /** The request body as sent (after `ReturnConsumedCapacity` was added). */
  readonly request: Readonly<Record<string, unknown>>;
  /** Whether DynamoDB answered 2xx. */
  readonly ok: boolean;
  /** The response body: the result, or the error (`__type`). */
  readonly response: Readonly<Record<string, unknown>>;
}

/** What AWS bills for one request, beside what DynamoDB Local reported. */
export interface BilledCapacity {
  readonly readUnits: number;
  readonly writeUnits: number;
  /** Units DynamoDB Local reported (0 when it reported none, e.g. with an error). */
  readonly reportedUnits: number;
  /** Which rule turned `reportedUnits` into the billed units. */
  readonly rule: 'as reported' | 'transaction x2' | 'failed conditional write' | 'canceled transaction (assumed)' | 'not billed';
}

/** Sums a ConsumedCapacity (one entry, or one per table): reads and writes apart when given. */
function reported(operation: string, consumed: unknown): { read: number; write: number } {
  let read = 0;
  let write = 0;
  for (const c of [consumed].flat()) {
    if (!c || typeof c !== 'object') continue;
    const { ReadCapacityUnits: r, WriteCapacityUnits: w, CapacityUnits: total } = c as Record<string, number | undefined>;
    if (r !== undefined || w !== undefined) {
      read += r ?? 0;
      write += w ?? 0;
    } else if (total !== undefined) {
      // DynamoDB Local gives only the total: attribute it by the kind of operation.
      if (READS.has(operation)) read += total;
      else write += total;
    }
  }
  return { read, write };
}

/**
 * Read and write request units AWS bills for one request, from what DynamoDB Local reported and
 * the request itself (see the module comment for the rules).
 */
export function billedCapacity(call: CapacityCall): BilledCapacity {
  const { operation, request, response } = call;
  if (call.ok) {
    const { read, write } = reported(operation, response.ConsumedCapacity);
    const units = read + write;
    if (TRANSACTIONAL.has(operation)) return { readUnits: read * 2, writeUnits: write * 2, reportedUnits: units, rule: 'transaction x2' };
    return { readUnits: read, writeUnits: write, reportedUnits: units, rule: 'as reported' };
  }
  const error = typeof response.__type === 'string' ? response.__type.split('#').pop() : undefined;
  if (error === 'ConditionalCheckFailedException' && CONDITIONAL_WRITES.has(operation)) {
    // The existing item is not in the request; the new one (PutItem) is, and for this app's
    // refused writes both are the same record. UpdateItem/DeleteItem: 1 unit (items < 1 KB).
    const item = operation === 'PutItem' ? (request.Item as Record<string, unknown> | undefined) : undefined;
    return { readUnits: 0, writeUnits: writeUnitsOf(item), reportedUnits: 0, rule: 'failed conditional write' };
  }
  if (error === 'TransactionCanceledException' && operation === 'TransactWriteItems') {
    const items = (request.TransactItems as Record<string, { Item?: Record<string, unknown> }>[] | undefined) ?? [];
    const units = items.reduce((sum, entry) => sum + writeUnitsOf(entry.Put?.Item), 0);
    return { readUnits: 0, writeUnits: units * 2, reportedUnits: 0, rule: 'canceled transaction (assumed)' };
  }
  return { readUnits: 0, writeUnits: 0, reportedUnits: 0, rule: 'not billed' };
}

/** Running totals of billed capacity, by operation. */
export class CapacityTally {
  readUnits = 0;
  writeUnits = 0;
  requests = 0;
  readonly byOperation = new Map<string, { requests: number; readUnits: number; writeUnits: number; reportedUnits: number }>();
  /** How often each rule applied (to show where DynamoDB Local's figure was corrected). */
  readonly rules = new Map<BilledCapacity['rule'], number>();

  /** Adds one request's billed capacity. */
  add(operation: string, billed: BilledCapacity): void {
    this.requests++;
    this.readUnits += billed.readUnits;
    this.writeUnits += billed.writeUnits;
    const entry = this.byOperation.get(operation) ?? { requests: 0, readUnits: 0, writeUnits: 0, reportedUnits: 0 };
    entry.requests++;
    entry.readUnits += billed.readUnits;
    entry.writeUnits += billed.writeUnits;
    entry.reportedUnits += billed.reportedUnits;
    this.byOperation.set(operation, entry);
    this.rules.set(billed.rule, (this.rules.get(billed.rule) ?? 0) + 1);
  }

  reset(): void {
    this.readUnits = 0;
    this.writeUnits = 0;
    this.requests = 0;
    this.byOperation.clear();
    this.rules.clear();
  }
}

/**
 * An HTTP proxy in front of a DynamoDB endpoint that adds `ReturnConsumedCapacity: TOTAL` to
 * every request (unless it asks for INDEXES), forwards it, returns the response unchanged and
 * reports each call. Functions reach it through `AWS_ENDPOINT_URL_DYNAMODB` (the runtime's
 * `environment` option), so the real bundles' own requests are counted, not a replica of them.
 * The request body changes, so its SigV4 signature no longer matches: DynamoDB Local does not
 * check signatures (AWS would); the response is passed through byte for byte (its CRC32 holds).
 */
export class CapacityProxy {
  /** The DynamoDB endpoint requests are forwarded to; set once the runtime is up. */
  upstream = '';

  private constructor(private readonly server: Server) {}

  /**
   * Starts the proxy on a free port of 127.0.0.1.
   *
   * @param onCall called for every forwarded request with its billed capacity
   */
  static async start(onCall: (call: CapacityCall, billed: BilledCapacity) => void): Promise<CapacityProxy> {
    const server = createServer();
    const proxy = new CapacityProxy(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const operation = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? 'unknown';
        let body = Buffer.concat(chunks);
        let parsed: Record<string, unknown> | undefined;
        try {
          parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
          if (parsed.ReturnConsumedCapacity !== 'INDEXES') parsed.ReturnConsumedCapacity = 'TOTAL';
          body = Buffer.from(JSON.stringify(parsed), 'utf8');
        } catch {
          parsed = undefined; // not JSON: forwarded as it came
        }
        const headers: IncomingHttpHeaders = { ...req.headers, 'content-length': String(body.length) };
        const target = new URL(proxy.upstream);
        const forward = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (upstream) => {
          const answer: Buffer[] = [];
          upstream.on('data', (chunk: Buffer) => answer.push(chunk));
          upstream.on('end', () => {
            const raw = Buffer.concat(answer);
            res.writeHead(upstream.statusCode ?? 500, upstream.headers);
            res.end(raw);
            if (!parsed || upstream.headers['content-encoding']) return;
            let response: Record<string, unknown> = {};
            try {
              response = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
            } catch {
              // an empty or non-JSON answer bills nothing
            }
            const call = { operation, request: parsed, ok: (upstream.statusCode ?? 500) < 300, response };
            onCall(call, billedCapacity(call));
          });
        });
        forward.on('error', (error) => {
          res.writeHead(502, { 'content-type': 'text/plain' });
          res.end(String(error));
        });
        forward.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    return proxy;
  }

  /** `http://127.0.0.1:<port>`, for `AWS_ENDPOINT_URL_DYNAMODB`. */
  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
