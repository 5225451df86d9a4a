/**
 * DynamoDB for Step Functions, answered by a real DynamoDB (DynamoDB Local in the runtime):
 *
 * - the optimized integrations `arn:aws:states:::dynamodb:getItem|putItem|updateItem|deleteItem`
 *   (AWS Step Functions Developer Guide, "Call DynamoDB with Step Functions");
 * - the AWS SDK integrations `arn:aws:states:::aws-sdk:dynamodb:<action>` for any DynamoDB API
 *   action ("AWS SDK service integrations").
 *
 * Parameters are the DynamoDB API request in its low-level JSON form (AttributeValues, binary as
 * base64); results are the API response in the same form. The two kinds differ where AWS's do:
 * optimized results carry `SdkHttpMetadata`/`SdkResponseMetadata` and fail as
 * `DynamoDB.<Exception>`; AWS SDK results are the bare response and fail as
 * `DynamoDb.<Exception>`.
 */
import * as DynamoDBApi from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parametersObject, pickSupported, requirePattern, sdkMetadata, serviceAction, sortedKeys, taskError, type SdkMetadataFields } from './shared.js';
import type { TaskIntegration, TaskRequest } from './types.js';

/** Resource prefix of the optimized integrations (partition `aws`; any partition is accepted). */
export const DYNAMODB_RESOURCE_PREFIX = 'arn:aws:states:::dynamodb:';
/** Resource prefix of the AWS SDK integrations (partition `aws`; any partition is accepted). */
export const DYNAMODB_SDK_RESOURCE_PREFIX = 'arn:aws:states:::aws-sdk:dynamodb:';

/** The request members PutItem, DeleteItem and UpdateItem share (conditions and return options). */
const WRITE_FIELDS = [
  'TableName',
  'ConditionalOperator',
  'ConditionExpression',
  'Expected',
  'ExpressionAttributeNames',
  'ExpressionAttributeValues',
  'ReturnConsumedCapacity',
  'ReturnItemCollectionMetrics',
  'ReturnValues',
];

/**
 * The optimized actions and the request fields each passes to DynamoDB (the API's request
 * members; others are dropped, as Step Functions drops unsupported parameters of optimized
 * integrations).
 */
const OPTIMIZED: Readonly<Record<string, ReadonlySet<string>>> = {
  getItem: new Set(['Key', 'TableName', 'AttributesToGet', 'ConsistentRead', 'ExpressionAttributeNames', 'ProjectionExpression', 'ReturnConsumedCapacity']),
  putItem: new Set(['Item', ...WRITE_FIELDS]),
  deleteItem: new Set(['Key', ...WRITE_FIELDS]),
  updateItem: new Set(['Key', 'AttributeUpdates', 'UpdateExpression', ...WRITE_FIELDS]),
};

/**
 * The optimized `dynamodb:getItem|putItem|updateItem|deleteItem` integration. The result is the
 * API response plus `SdkHttpMetadata` (the real response's headers and status) and
 * `SdkResponseMetadata` (localstack snapshot
 * `test_dynamodb_task_service.py::test_base_integrations[DYNAMODB_PUT_GET_ITEM]` and
 * `[DYNAMODB_PUT_UPDATE_GET_ITEM]`). A DynamoDB error fails the Task with
 * `DynamoDB.<ErrorCode>` (e.g. `DynamoDB.ConditionalCheckFailedException`) and the Java SDK v1
 * style Cause `<message> (Service: AmazonDynamoDBv2; Status Code: 400; Error Code: <code>;
 * Request ID: <id>; Proxy: null)`.
 *
 * @param client the runtime's client, pointed at DynamoDB Local
 */
export function dynamoDbIntegration(client: DynamoDBClient): TaskIntegration {
  return async (request) => {
    const action = serviceAction(request.resource)?.match(/^dynamodb:(\w+)$/)?.[1];
    const supported = action === undefined ? undefined : OPTIMIZED[action];
    if (action === undefined || supported === undefined) throw unrecognized(request);
    // "Call DynamoDB with Step Functions": the optimized integration is Request Response only.
    requirePattern(request, ['request-response']);
    const input = pickSupported(parametersObject(request), supported);
    try {
      const { output, metadata } = await send(client, pascal(action), input, request);
      return sortedKeys({ ...output, ...metadata });
    } catch (error) {
      throw failure(error, request, 'optimized');
    }
  };
}

/**
 * The AWS SDK integration `aws-sdk:dynamodb:<action>` for any DynamoDB API action (camelCase,
 * e.g. `query`, `scan`, `transactWriteItems`, `batchGetItem`). The result is the bare API
 * response (localstack snapshots `test_aws_sdk_task_service.py::test_dynamodb_put_get_item` and
 * `test_dynamodb_task_service.py::test_base_integrations[DYNAMODB_PUT_QUERY]`). A DynamoDB error
 * fails the Task with `DynamoDb.<Exception>` (e.g. `DynamoDb.ConditionalCheckFailedException`)
 * and the Java SDK v2 style Cause `<message> (Service: DynamoDb, Status Code: 400, Request ID:
 * <id>)`, as the `Sfn.InvalidTokenException` of `test_aws_sdk_task_service.snapshot.json` shows
 * for the scheme.
 *
 * @param client the runtime's client, pointed at DynamoDB Local
 */
export function dynamoDbSdkIntegration(client: DynamoDBClient): TaskIntegration {
  return async (request) => {
    const action = serviceAction(request.resource)?.match(/^aws-sdk:dynamodb:([a-z][A-Za-z0-9]*)$/)?.[1];
    if (action === undefined || commandFor(pascal(action)) === undefined) throw unrecognized(request);
    // "AWS SDK service integrations": Request Response and Wait for a Callback, never .sync.
    requirePattern(request, ['request-response', 'waitForTaskToken']);
    const input = parametersObject(request);
    try {
      const { output } = await send(client, pascal(action), input, request);
      return output;
    } catch (error) {
      throw failure(error, request, 'aws-sdk');
    }
  };
}

/**
 * Any DynamoDB command: only its middleware stack and `client.send` are used, which every
 * command of the client shares.
 */
type DynamoDBCommand = DynamoDBApi.GetItemCommand;
type CommandConstructor = new (input: unknown) => DynamoDBCommand;

/** The client's `<Action>Command` class, or undefined when DynamoDB has no such action. */
function commandFor(action: string): CommandConstructor | undefined {
  const exported = (DynamoDBApi as unknown as Record<string, unknown>)[`${action}Command`];
  return typeof exported === 'function' ? (exported as CommandConstructor) : undefined;
}

interface HttpCapture {
  statusCode: number;
  headers: Record<string, string>;
}

/**
 * Sends one low-level command by name, with the Task's abort signal, as tracked real work on the
 * engine's clock. Resolves with the response in JSON form and the optimized metadata fields.
 */
async function send(
  client: DynamoDBClient,
  action: string,
  input: Record<string, unknown>,
  request: TaskRequest,
): Promise<{ output: Record<string, unknown>; metadata: SdkMetadataFields | Record<string, never> }> {
  if (request.signal.aborted) throw request.signal.reason;
  const Command = commandFor(action)!;
  const command = new Command(toSdkInput(input));
  let http: HttpCapture | undefined;
  // The raw response is only visible to middleware; it is added to this command alone so the
  // shared client stays untouched.
  command.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const response = result.response as { statusCode?: unknown; headers?: unknown };
      if (typeof response?.statusCode === 'number' && typeof response.headers === 'object' && response.headers !== null) {
        http = { statusCode: response.statusCode, headers: response.headers as Record<string, string> };
      }
      return result;
    },
    { step: 'deserialize', name: 'sfnHttpMetadataCapture' },
  );
  let raw: Record<string, unknown>;
  try {
    raw = (await request.clock.track(client.send(command, { abortSignal: request.signal }))) as unknown as Record<string, unknown>;
  } catch (error) {
    if (request.signal.aborted) throw request.signal.reason;
    throw error;
  }
  const { $metadata, ...body } = raw as { $metadata?: { requestId?: string; httpStatusCode?: number } };
  const output = fromSdkOutput(body) as Record<string, unknown>;
  if (!http) return { output, metadata: {} };
  const headers = Object.fromEntries(Object.entries(http.headers).map(([name, value]) => [wireCase(name), String(value)]));
  const requestId = headers['x-amzn-RequestId'] ?? $metadata?.requestId ?? '';
  return { output, metadata: sdkMetadata(headers, http.statusCode, requestId) };
}

/** Node reports header names in lower case; Step Functions shows them as DynamoDB sends them. */
function wireCase(name: string): string {
  const special: Record<string, string> = { 'x-amzn-requestid': 'x-amzn-RequestId', 'x-amz-crc32': 'x-amz-crc32', 'x-amz-id-2': 'x-amz-id-2' };
  return special[name] ?? name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}

/**
 * The JSON request as the SDK wants it: binary AttributeValues (`B`, `BS`) are base64 text in
 * Step Functions but `Uint8Array`s in the SDK (a string would be sent as its UTF-8 bytes).
 */
function toSdkInput(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toSdkInput);
  if (typeof value !== 'object' || value === null) return value;
  const entries: [string, unknown][] = Object.entries(value);
  if (entries.length === 1) {
    const [key, inner] = entries[0]!;
    if (key === 'B' && typeof inner === 'string') return { B: Buffer.from(inner, 'base64') };
    if (key === 'BS' && Array.isArray(inner) && inner.every((item) => typeof item === 'string')) {
      return { BS: inner.map((item: string) => Buffer.from(item, 'base64')) };
    }
  }
  return Object.fromEntries(entries.map(([key, inner]) => [key, toSdkInput(inner)]));
}

/** The SDK output as JSON: binary as base64, timestamps as ISO 8601, no undefined members. */
function fromSdkOutput(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(fromSdkOutput);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, inner]) => inner !== undefined)
      .map(([key, inner]) => [key, fromSdkOutput(inner)]),
  );
}

/** Turns an SDK error into the Task failure Step Functions reports for it. */
function failure(error: unknown, request: TaskRequest, kind: 'optimized' | 'aws-sdk'): unknown {
  if (request.signal.aborted && error === request.signal.reason) return error;
  if (error instanceof Error && error.name.startsWith('States.')) return error;
  const service = error as { name?: unknown; message?: unknown; $fault?: unknown; $metadata?: { httpStatusCode?: number; requestId?: string } };
  const isServiceError = error instanceof DynamoDBApi.DynamoDBServiceException || (service?.$fault !== undefined && service.$metadata?.httpStatusCode !== undefined);
  const message = typeof service?.message === 'string' ? service.message : String(error);
  if (!isServiceError) {
    // A client-side failure (connection refused, serialization): no AWS recording; named after
    // the Java SDK's client exception class.
    return taskError(kind === 'optimized' ? 'DynamoDB.SdkClientException' : 'DynamoDb.SdkClientException', message);
  }
  const code = typeof service.name === 'string' ? service.name : 'UnknownError';
  const status = service.$metadata?.httpStatusCode ?? 400;
  const requestId = service.$metadata?.requestId ?? '';
  if (kind === 'optimized') {
    return taskError(`DynamoDB.${code}`, `${message} (Service: AmazonDynamoDBv2; Status Code: ${status}; Error Code: ${code}; Request ID: ${requestId}; Proxy: null)`);
  }
  const exception = code.endsWith('Exception') ? code : `${code}Exception`;
  return taskError(`DynamoDb.${exception}`, `${message} (Service: DynamoDb, Status Code: ${status}, Request ID: ${requestId})`);
}

/**
 * What CreateStateMachine says of a DynamoDB resource Step Functions does not integrate
 * (localstack snapshot `test_dynamodb_task_service.py::test_invalid_integration`); the local
 * runtime meets it at run time.
 */
function unrecognized(request: TaskRequest): Error {
  return taskError(
    'States.Runtime',
    `Task '${request.stateName}': The resource provided ${request.resource} is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.`,
  );
}

function pascal(action: string): string {
  return action.charAt(0).toUpperCase() + action.slice(1);
}
