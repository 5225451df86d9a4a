/**
 * The local console's HTTP server: the page (assets built by esbuild into `dist/console-web`),
 * a small JSON API over what the runtime already holds (the engine's executions and histories,
 * the event recorder, the functions' metrics, DynamoDB Local) and server-sent event streams.
 *
 * Cost when no page is open: none per execution. The server subscribes to the engine
 * (`onExecutionStatusChange`, `watchExecution`) and to the event recorder only while a stream
 * client is connected, and unsubscribes when it disconnects; the engine and the recorder skip
 * their listener loops when no listener is registered. Everything else runs on request.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { StepFunctionsError, type ExecutionDescription, type ExecutionState, type HistoryEvent, type StepFunctionsEngine } from '@order-flow/step-functions';
import type { NamedResourceInfo } from '../cloudformation/resources.js';
import { LOCAL_CREDENTIALS } from '../dynamodb/local.js';
import type { EventRecorder } from '../eventbridge/bus.js';
import type { FunctionStats } from '../lambda/function.js';
import { listen, readBody } from '../aws-protocol/server.js';
import { redact, redactHistoryEvent, redactJsonText } from './redact.js';

/** Options of `LocalRuntime.startConsole`. */
export interface ConsoleOptions {
  /**
   * Port on 127.0.0.1; 0 picks a free one. A taken port is a `PortInUseError`.
   * @default 0
   */
  readonly port?: number;
}

/** A running local console. */
export interface LocalConsole {
  /** `http://127.0.0.1:<port>/`: open it in a browser. */
  readonly url: string;
  readonly port: number;
  /** Server-sent event streams open now (0 when no page is open: the console then does no work). */
  readonly streams: number;
  /** Closes the server and every open stream. Safe to call more than once. */
  close(): Promise<void>;
}

/** What the console reads from the runtime; it keeps no store of its own. */
export interface ConsoleSource {
  readonly engine: StepFunctionsEngine;
  /** State machines of the assembly (construct paths); machines created through the API are listed by the engine. */
  readonly stateMachines: readonly NamedResourceInfo[];
  readonly tables: readonly NamedResourceInfo[];
  readonly functions: readonly NamedResourceInfo[];
  /** Metrics of each function by local name (undefined: it cannot run locally). */
  functionStats(): Readonly<Record<string, FunctionStats | undefined>>;
  readonly events: EventRecorder;
  readonly dynamodb: { readonly endpoint: string; readonly region: string };
  /** The Step Functions API endpoint, for the AWS CLI commands the page offers. */
  readonly stepFunctionsEndpoint: string | undefined;
}

/** The console's assets could not be found (the package was not built). */
export class ConsoleAssetsMissingError extends Error {
  override readonly name = 'ConsoleAssetsMissingError';
}

const STATUSES: readonly ExecutionState[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];
const MAX_BODY_BYTES = 256 * 1024;
/** Both `src/console` and `dist/console` are two levels below the package root. */
const ASSETS_DIR = new URL('../../dist/console-web/', import.meta.url);
const ASSETS: Readonly<Record<string, string>> = {
  '/': 'index.html',
  '/index.html': 'index.html',
  '/app.js': 'app.js',
  '/app.css': 'app.css',
};
const TYPES: Readonly<Record<string, string>> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };
const SECURITY_HEADERS = {
  // Everything is served from this origin: no CDN, no inline script, works offline.
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** A request the console's API refuses: answered with `status` and `{error, message, field?}`. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

function loadAssets(): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const file of new Set(Object.values(ASSETS))) {
    try {
      files.set(file, readFileSync(new URL(file, ASSETS_DIR)));
    } catch {
      throw new ConsoleAssetsMissingError(
        `The console's assets are missing (${new URL(file, ASSETS_DIR).pathname}): build @order-flow/local first (pnpm build, or pnpm --filter @order-flow/local build)`,
      );
    }
  }
  return files;
}

/**
 * Starts the console on 127.0.0.1 over `source`.
 *
 * @throws ConsoleAssetsMissingError when the package's console assets were not built; PortInUseError
 */
export async function startConsole(source: ConsoleSource, options: ConsoleOptions = {}): Promise<LocalConsole> {
  const assets = loadAssets();
  const open = new Set<ServerResponse>();
  let db: DynamoDBDocumentClient | undefined;
  const documents = () =>
    (db ??= DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: source.dynamodb.endpoint, region: source.dynamodb.region, credentials: LOCAL_CREDENTIALS }), {
      unmarshallOptions: { wrapNumbers: false },
    }));
  const api = new ConsoleApi(source, documents, open);

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://console.local');
    const asset = ASSETS[url.pathname];
    if (req.method === 'GET' && asset !== undefined) {
      const ext = asset.slice(asset.lastIndexOf('.') + 1);
      res.writeHead(200, { 'content-type': TYPES[ext]!, 'cache-control': 'no-cache', ...SECURITY_HEADERS });
      res.end(assets.get(asset));
      return;
    }
    api.handle(req, res, url).catch((error: unknown) => sendError(res, error));
  });
  const endpoint = await listen(server, options.port ?? 0, '127.0.0.1', 'local console', { closeAllConnections: true });
  return {
    url: `${endpoint.endpoint}/`,
    port: endpoint.port,
    get streams() {
      return open.size;
    },
    close: async () => {
      for (const res of open) res.end();
      await endpoint.close();
      db?.destroy();
    },
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...SECURITY_HEADERS });
  res.end(text);
}

function sendError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  if (error instanceof ApiError) {
    sendJson(res, error.status, { error: error.code, message: error.message, ...(error.field !== undefined && { field: error.field }) });
  } else if (error instanceof StepFunctionsError) {
    const notFound = error.name === 'ExecutionDoesNotExist' || error.name === 'StateMachineDoesNotExist';
    sendJson(res, notFound ? 404 : 400, { error: error.name, message: error.message });
  } else {
    sendJson(res, 500, { error: 'InternalError', message: error instanceof Error ? error.message : String(error) });
  }
}

/** An integer query parameter within `min..max`, or `fallback` when absent. */
function intParam(url: URL, name: string, fallback: number, min: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new ApiError(400, 'ValidationError', `${name} must be an integer from ${min} to ${max}, got "${raw}"`, name);
  return value;
}

function listItem(execution: Pick<ExecutionDescription, 'executionArn' | 'stateMachineArn' | 'name' | 'status' | 'startDate' | 'stopDate'>) {
  return {
    executionArn: execution.executionArn,
    stateMachineArn: execution.stateMachineArn,
    name: execution.name,
    status: execution.status,
    startDate: execution.startDate.toISOString(),
    ...(execution.stopDate !== undefined && { stopDate: execution.stopDate.toISOString(), durationMs: execution.stopDate.getTime() - execution.startDate.getTime() }),
  };
}

function describe(execution: ExecutionDescription) {
  return {
    ...listItem(execution),
    input: redactJsonText(execution.input),
    ...(execution.output !== undefined && { output: redactJsonText(execution.output) }),
    ...(execution.error !== undefined && { error: execution.error }),
    ...(execution.cause !== undefined && { cause: redactJsonText(execution.cause) }),
  };
}

/** The console's JSON API and streams. */
class ConsoleApi {
  constructor(
    private readonly source: ConsoleSource,
    private readonly documents: () => DynamoDBDocumentClient,
    private readonly open: Set<ServerResponse>,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    const parts = url.pathname.split('/').filter(Boolean).map((part) => decodeURIComponent(part));
    if (parts[0] !== 'api') throw new ApiError(404, 'NotFound', `No such page: ${url.pathname}`);
    const route = `${method} ${parts.slice(1, 2).join('/')}`;
    const [, , id, action] = parts;
    const { engine } = this.source;

    if (route === 'GET info' && parts.length === 2) {
      return sendJson(res, 200, { region: this.source.dynamodb.region, stepFunctionsEndpoint: this.source.stepFunctionsEndpoint ?? null });
    }
    if (route === 'GET state-machines' && parts.length === 2) {
      const machines = engine.listStateMachines().map((listed) => {
        const described = engine.describeStateMachine(listed.stateMachineArn);
        const info = this.source.stateMachines.find((machine) => machine.arn === listed.stateMachineArn);
        return { arn: listed.stateMachineArn, name: listed.name, type: listed.type, path: info?.path ?? null, definition: JSON.parse(described.definition) as unknown };
      });
      return sendJson(res, 200, { stateMachines: machines });
    }
    if (route === 'GET executions' && parts.length === 2) return this.listExecutions(res, url);
    if (route === 'POST executions' && parts.length === 2) return this.start(req, res);
    if (route === 'GET executions' && id !== undefined && parts.length === 3) {
      return sendJson(res, 200, { execution: describe(engine.describeExecution(id, { allowExpress: true })), events: this.history(id).map(redactHistoryEvent) });
    }
    if (route === 'GET executions' && id !== undefined && action === 'stream' && parts.length === 4) return this.executionStream(req, res, id);
    if (route === 'POST executions' && id !== undefined && action === 'stop' && parts.length === 4) {
      await this.readJson(req, true);
      const { stopDate } = engine.stopExecution(id, { error: 'Console.Stopped', cause: 'Stopped from the local console' });
      return sendJson(res, 200, { stopDate: stopDate.toISOString() });
    }
    if (route === 'POST executions' && id !== undefined && action === 'rerun' && parts.length === 4) {
      await this.readJson(req, true);
      const previous = engine.describeExecution(id, { allowExpress: true });
      // The engine's own copy of the input, not the redacted one the page saw.
      const { executionArn, startDate } = engine.startExecution({ stateMachineArn: previous.stateMachineArn, input: previous.input });
      return sendJson(res, 201, { executionArn, startDate: startDate.toISOString() });
    }
    if (route === 'GET stream' && parts.length === 2) return this.stream(req, res, url);
    if (route === 'GET tables' && parts.length === 2) return sendJson(res, 200, { tables: this.source.tables.map(({ name, path, logicalId }) => ({ name, path: path ?? null, logicalId })) });
    if (route === 'GET tables' && id !== undefined && action === 'items' && parts.length === 4) return this.scan(res, url, id);
    if (route === 'GET functions' && parts.length === 2) {
      const stats = this.source.functionStats();
      return sendJson(res, 200, { functions: this.source.functions.map(({ name, path, logicalId }) => ({ name, path: path ?? null, logicalId, stats: stats[name] ?? null })) });
    }
    if (route === 'GET events' && parts.length === 2) {
      const limit = intParam(url, 'limit', 100, 1, 1000);
      const events = this.source.events.list().slice(-limit).reverse();
      return sendJson(res, 200, { events: events.map((recorded) => redact(recorded)) });
    }
    throw new ApiError(404, 'NotFound', `No route ${method} ${url.pathname}`);
  }

  private listExecutions(res: ServerResponse, url: URL): void {
    const stateMachineArn = url.searchParams.get('stateMachineArn');
    if (!stateMachineArn) throw new ApiError(400, 'ValidationError', 'stateMachineArn is required (the ARN of a state machine)', 'stateMachineArn');
    const status = url.searchParams.get('status');
    if (status !== null && !STATUSES.includes(status as ExecutionState)) {
      throw new ApiError(400, 'ValidationError', `status must be one of ${STATUSES.join(', ')}, got "${status}"`, 'status');
    }
    const maxResults = intParam(url, 'maxResults', 20, 1, 1000);
    const nextToken = url.searchParams.get('nextToken');
    // Express executions too: AWS's API does not list them (their record is the state machine's
    // CloudWatch Logs), but a developer looking at a local run wants to see them.
    const page = this.source.engine.listExecutions(
      stateMachineArn,
      { maxResults, ...(status !== null && { statusFilter: status as ExecutionState }), ...(nextToken !== null && { nextToken }) },
      { allowExpress: true },
    );
    sendJson(res, 200, { executions: page.executions.map(listItem), nextToken: page.nextToken ?? null });
  }

  private async start(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await this.readJson(req, false);
    const { stateMachineArn, input, name } = body;
    if (typeof stateMachineArn !== 'string' || stateMachineArn === '') throw new ApiError(400, 'ValidationError', 'stateMachineArn must be a non-empty string', 'stateMachineArn');
    if (name !== undefined && (typeof name !== 'string' || name === '')) throw new ApiError(400, 'ValidationError', 'name must be a non-empty string when given', 'name');
    let inputText = '{}';
    if (typeof input === 'string') {
      try {
        JSON.parse(input);
      } catch (error) {
        throw new ApiError(400, 'ValidationError', `input must be JSON text: ${(error as Error).message}`, 'input');
      }
      inputText = input;
    } else if (input !== undefined) {
      throw new ApiError(400, 'ValidationError', 'input must be a string of JSON text', 'input');
    }
    const { executionArn, startDate } = this.source.engine.startExecution({ stateMachineArn, input: inputText, ...(name !== undefined && { name }) });
    sendJson(res, 201, { executionArn, startDate: startDate.toISOString() });
  }

  private history(executionArn: string): HistoryEvent[] {
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = this.source.engine.getExecutionHistory(executionArn, { maxResults: 1000, ...(nextToken !== undefined && { nextToken }) }, { allowExpress: true });
      events.push(...page.events);
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    return events;
  }

  private async scan(res: ServerResponse, url: URL, tableName: string): Promise<void> {
    if (!this.source.tables.some((table) => table.name === tableName)) {
      throw new ApiError(404, 'NotFound', `No table '${tableName}' in the assembly (tables: ${this.source.tables.map((t) => t.name).join(', ') || 'none'})`, 'table');
    }
    const limit = intParam(url, 'limit', 25, 1, 100);
    const token = url.searchParams.get('nextToken');
    let startKey: Record<string, unknown> | undefined;
    if (token !== null) {
      try {
        startKey = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
        if (startKey === null || typeof startKey !== 'object' || Array.isArray(startKey)) throw new Error('not an object');
      } catch {
        throw new ApiError(400, 'ValidationError', 'nextToken is not a token this API returned', 'nextToken');
      }
    }
    const page = await this.documents().send(new ScanCommand({ TableName: tableName, Limit: limit, ...(startKey !== undefined && { ExclusiveStartKey: startKey }) }));
    const next = page.LastEvaluatedKey === undefined ? null : Buffer.from(JSON.stringify(page.LastEvaluatedKey)).toString('base64url');
    sendJson(res, 200, { items: (page.Items ?? []).map((item) => redact(item)), nextToken: next });
  }

  private async readJson(req: IncomingMessage, optional: boolean): Promise<Record<string, unknown>> {
    const { body, tooLarge } = await readBody(req, MAX_BODY_BYTES);
    if (tooLarge) throw new ApiError(413, 'PayloadTooLarge', `The request body is over ${MAX_BODY_BYTES} bytes`);
    // A JSON content type cannot be sent cross-origin without a CORS preflight, which this
    // server never grants: another site open in the browser cannot start or stop executions.
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) throw new ApiError(415, 'UnsupportedMediaType', 'content-type must be application/json', 'content-type');
    if (optional && body.length === 0) return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch (error) {
      throw new ApiError(400, 'InvalidJson', `The request body is not JSON: ${(error as Error).message}`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ApiError(400, 'ValidationError', 'The request body must be a JSON object');
    return parsed as Record<string, unknown>;
  }

  /** Opens a server-sent event stream; `subscribe` returns what undoes its subscriptions. */
  private openStream(req: IncomingMessage, res: ServerResponse, subscribe: (send: (event: string, data: unknown) => void) => () => void): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', ...SECURITY_HEADERS });
    res.write('retry: 1000\n\n');
    const send = (event: string, data: unknown) => {
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    this.open.add(res);
    let unsubscribe: () => void = () => undefined;
    // Proxies and browsers drop silent connections; a comment line every 15 s keeps it open.
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    heartbeat.unref();
    const done = () => {
      clearInterval(heartbeat);
      unsubscribe();
      this.open.delete(res);
    };
    req.on('close', done);
    res.on('close', done);
    unsubscribe = subscribe(send);
  }

  /** Executions starting and ending (of one state machine, or all) and events put on the buses. */
  private stream(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const machine = url.searchParams.get('stateMachineArn');
    this.openStream(req, res, (send) => {
      const offStatus = this.source.engine.onExecutionStatusChange((description) => {
        if (machine !== null && description.stateMachineArn !== machine) return;
        send('execution', listItem(description));
      });
      const offEvents = this.source.events.onEvent((recorded) => send('bus', redact(recorded)));
      return () => {
        offStatus();
        offEvents();
      };
    });
  }

  /** One execution: its description, every event so far, then each new event as it is recorded. */
  private executionStream(req: IncomingMessage, res: ServerResponse, executionArn: string): void {
    const { engine } = this.source;
    const first = engine.describeExecution(executionArn, { allowExpress: true }); // throws (404) before the stream opens
    this.openStream(req, res, (send) => {
      send('execution', describe(first));
      // Read and subscribe in the same tick: no event can fall between the two.
      for (const event of this.history(executionArn)) send('history', redactHistoryEvent(event));
      const offHistory = engine.watchExecution(executionArn, (event) => send('history', redactHistoryEvent(event)));
      const offStatus = engine.onExecutionStatusChange((description) => {
        if (description.executionArn === executionArn) send('execution', describe(description));
      });
      return () => {
        offHistory();
        offStatus();
      };
    });
  }
}
