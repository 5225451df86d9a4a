import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { StepFunctionsError, type ExecutionState, type StateMachineType, type StepFunctionsEngine } from '@order-flow/step-functions';
import { PortInUseError, assertPortFree } from '../ports.js';

/** Options of {@link startStepFunctionsApi}. */
export interface StepFunctionsApiOptions {
  /**
   * Port on 127.0.0.1; 0 picks a free one. A taken port is a `PortInUseError`.
   * @default 0
   */
  readonly port?: number;
}

/** A running Step Functions API endpoint. */
export interface StepFunctionsApi {
  /** `http://127.0.0.1:<port>`: the `endpoint` of an SFN client, or the CLI's `--endpoint-url`. */
  readonly endpoint: string;
  readonly port: number;
  /** Stops accepting requests and closes open connections. Safe to call more than once. */
  close(): Promise<void>;
}

type Body = Record<string, unknown>;
type Operation = (body: Body, engine: StepFunctionsEngine) => unknown;

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Serves the Step Functions JSON protocol (`X-Amz-Target: AWSStepFunctions.<Operation>`, JSON
 * 1.0 bodies, epoch-second timestamps, `{"__type","message"}` errors) on localhost over an
 * engine, so `@aws-sdk/client-sfn` and the AWS CLI work against it unchanged.
 *
 * `StartSyncExecution` and `TestState` are sent by the SDK to a `sync-` host prefix
 * (`sync-127.0.0.1`, which does not resolve): create the client with `disableHostPrefix: true`.
 *
 * @throws PortInUseError when the port is taken
 */
export async function startStepFunctionsApi(engine: StepFunctionsEngine, options: StepFunctionsApiOptions = {}): Promise<StepFunctionsApi> {
  const requested = options.port ?? 0;
  if (requested !== 0) await assertPortFree(requested, 'Step Functions API');
  const server = createServer((request, response) => {
    handle(request, response, engine).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, { __type: 'InternalFailure', message: error instanceof Error ? error.message : String(error) });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      // Someone may take the port between the check and the listen.
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(`Port ${requested} (Step Functions API) is already in use on 127.0.0.1.`) : error);
    });
    server.listen(requested, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : requested;
  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

const OPERATIONS: Readonly<Record<string, Operation>> = {
  CreateStateMachine: (body, engine) =>
    engine.createStateMachine({
      name: requiredString(body, 'name'),
      definition: requiredString(body, 'definition'),
      ...(body.roleArn !== undefined && { roleArn: requiredString(body, 'roleArn') }),
      ...(body.type !== undefined && { type: machineType(body) }),
    }),
  UpdateStateMachine: (body, engine) =>
    engine.updateStateMachine({
      stateMachineArn: requiredString(body, 'stateMachineArn'),
      ...(body.definition !== undefined && { definition: requiredString(body, 'definition') }),
      ...(body.roleArn !== undefined && { roleArn: requiredString(body, 'roleArn') }),
    }),
  DeleteStateMachine: (body, engine) => {
    engine.deleteStateMachine(requiredString(body, 'stateMachineArn'));
    return {};
  },
  DescribeStateMachine: (body, engine) => engine.describeStateMachine(requiredString(body, 'stateMachineArn')),
  ListStateMachines: (_body, engine) => ({ stateMachines: engine.listStateMachines() }),
  StartExecution: (body, engine) => {
    const { executionArn, startDate } = engine.startExecution({
      stateMachineArn: requiredString(body, 'stateMachineArn'),
      ...optionalString(body, 'input'),
      ...(body.name !== undefined && { name: requiredString(body, 'name') }),
    });
    return { executionArn, startDate };
  },
  StartSyncExecution: async (body, engine) => {
    const result = await engine.startSyncExecution({
      stateMachineArn: requiredString(body, 'stateMachineArn'),
      ...optionalString(body, 'input'),
      ...(body.name !== undefined && { name: requiredString(body, 'name') }),
    });
    return { ...result, inputDetails: { included: true }, ...(result.output !== undefined && { outputDetails: { included: true } }) };
  },
  DescribeExecution: (body, engine) => {
    const description = engine.describeExecution(requiredString(body, 'executionArn'));
    return { ...description, inputDetails: { included: true }, ...(description.output !== undefined && { outputDetails: { included: true } }) };
  },
  GetExecutionHistory: (body, engine) =>
    engine.getExecutionHistory(requiredString(body, 'executionArn'), {
      ...optionalNumber(body, 'maxResults'),
      ...(body.reverseOrder !== undefined && { reverseOrder: body.reverseOrder === true }),
      ...(body.includeExecutionData !== undefined && { includeExecutionData: body.includeExecutionData !== false }),
      ...(body.nextToken !== undefined && { nextToken: requiredString(body, 'nextToken') }),
    }),
  ListExecutions: (body, engine) =>
    engine.listExecutions(requiredString(body, 'stateMachineArn'), {
      ...(body.statusFilter !== undefined && { statusFilter: requiredString(body, 'statusFilter') as ExecutionState }),
      ...optionalNumber(body, 'maxResults'),
      ...(body.nextToken !== undefined && { nextToken: requiredString(body, 'nextToken') }),
    }),
  StopExecution: (body, engine) =>
    engine.stopExecution(requiredString(body, 'executionArn'), {
      ...(body.error !== undefined && { error: requiredString(body, 'error') }),
      ...(body.cause !== undefined && { cause: requiredString(body, 'cause') }),
    }),
  SendTaskSuccess: (body, engine) => {
    engine.sendTaskSuccess(requiredString(body, 'taskToken'), requiredString(body, 'output'));
    return {};
  },
  SendTaskFailure: (body, engine) => {
    engine.sendTaskFailure(requiredString(body, 'taskToken'), optionalString(body, 'error').error, optionalString(body, 'cause').cause);
    return {};
  },
  SendTaskHeartbeat: (body, engine) => {
    engine.sendTaskHeartbeat(requiredString(body, 'taskToken'));
    return {};
  },
  TestState: (body, engine) =>
    engine.testState({
      definition: requiredString(body, 'definition'),
      ...optionalString(body, 'roleArn'),
      ...optionalString(body, 'input'),
      ...optionalString(body, 'stateName'),
      ...optionalString(body, 'variables'),
      ...(body.inspectionLevel !== undefined && { inspectionLevel: inspectionLevel(body) }),
      ...(body.revealSecrets !== undefined && { revealSecrets: body.revealSecrets === true }),
      ...(body.mock !== undefined && body.mock !== null && { mock: mockOf(body) }),
      ...(body.stateConfiguration !== undefined && body.stateConfiguration !== null && { stateConfiguration: stateConfiguration(body) }),
    }),
};

function inspectionLevel(body: Body): 'INFO' | 'DEBUG' | 'TRACE' {
  const level = requiredString(body, 'inspectionLevel');
  if (level !== 'INFO' && level !== 'DEBUG' && level !== 'TRACE') throw new StepFunctionsError('ValidationException', `inspectionLevel must be INFO, DEBUG or TRACE, got '${level}'`);
  return level;
}

function objectField(body: Body, key: string): Body {
  const value = body[key];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new StepFunctionsError('ValidationException', `'${key}' must be an object`);
  return value as Body;
}

function mockOf(body: Body): NonNullable<Parameters<StepFunctionsEngine['testState']>[0]['mock']> {
  const mock = objectField(body, 'mock');
  const errorOutput = mock.errorOutput === undefined || mock.errorOutput === null ? undefined : objectField(mock, 'errorOutput');
  return {
    ...optionalString(mock, 'result'),
    ...optionalString(mock, 'fieldValidationMode'),
    ...(errorOutput !== undefined && { errorOutput: { ...optionalString(errorOutput, 'error'), ...optionalString(errorOutput, 'cause') } }),
  };
}

function stateConfiguration(body: Body): { retrierRetryCount?: number } {
  const configuration = objectField(body, 'stateConfiguration');
  const count = configuration.retrierRetryCount;
  if (count === undefined || count === null) return {};
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) throw new StepFunctionsError('ValidationException', "'stateConfiguration.retrierRetryCount' must be a non-negative integer");
  return { retrierRetryCount: count };
}

function machineType(body: Body): StateMachineType {
  const type = requiredString(body, 'type');
  if (type !== 'STANDARD' && type !== 'EXPRESS') throw new StepFunctionsError('ValidationException', `type must be STANDARD or EXPRESS, got '${type}'`);
  return type;
}

async function handle(request: IncomingMessage, response: ServerResponse, engine: StepFunctionsEngine): Promise<void> {
  try {
    if (request.method !== 'POST') throw new StepFunctionsError('UnknownOperationException', `Only POST is supported, got ${request.method}`);
    const target = String(request.headers['x-amz-target'] ?? '');
    const operationName = target.startsWith('AWSStepFunctions.') ? target.slice('AWSStepFunctions.'.length) : undefined;
    const operation = operationName === undefined ? undefined : OPERATIONS[operationName];
    if (!operation) throw new StepFunctionsError('UnknownOperationException', `Unknown operation '${target}'`);
    const body = parseBody(await readBody(request));
    send(response, 200, await operation(body, engine));
  } catch (error) {
    if (!(error instanceof StepFunctionsError)) throw error;
    send(response, 400, { __type: error.name, message: error.message });
  }
}

function send(response: ServerResponse, status: number, payload: unknown): void {
  // Dates become epoch seconds (with fractions), the JSON 1.0 protocol's timestamp format.
  const text = JSON.stringify(payload, function (this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key];
    return raw instanceof Date ? raw.getTime() / 1000 : value;
  });
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/x-amz-json-1.0',
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': randomUUID(),
  };
  if (status >= 400 && typeof (payload as { __type?: unknown }).__type === 'string') headers['x-amzn-ErrorType'] = (payload as { __type: string }).__type;
  response.writeHead(status, headers).end(text);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new StepFunctionsError('ValidationException', `Request body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(text: string): Body {
  if (text.trim() === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new StepFunctionsError('SerializationException', 'The request body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new StepFunctionsError('SerializationException', 'The request body must be a JSON object');
  return body as Body;
}

function requiredString(body: Body, key: string): string {
  const value = body[key];
  if (typeof value !== 'string') throw new StepFunctionsError('ValidationException', `'${key}' must be a string`);
  return value;
}

function optionalString<K extends string>(body: Body, key: K): { [P in K]?: string } {
  return body[key] === undefined || body[key] === null ? {} : ({ [key]: requiredString(body, key) } as { [P in K]?: string });
}

function optionalNumber(body: Body, key: 'maxResults'): { maxResults?: number } {
  const value = body[key];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'number') throw new StepFunctionsError('ValidationException', `'${key}' must be a number`);
  return { [key]: value };
}
