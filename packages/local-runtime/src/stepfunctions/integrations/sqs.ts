/**
 * `arn:aws:states:::sqs:sendMessage` (AWS Step Functions Developer Guide, "Call Amazon SQS with
 * Step Functions"), answered locally: the message is recorded in a {@link MessageRecorder}
 * instead of being queued, and the result has the shape SQS gives Step Functions.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { MessageRecorder } from './messages.js';
import { httpDate, pickSupported, sdkMetadata, sequenceNumberAt, singleActionParameters, sortedKeys, taskError } from './shared.js';
import type { TaskIntegration, TaskRequest } from './types.js';

/** The Resource of the integration (partition `aws`; any partition is accepted). */
export const SQS_SEND_MESSAGE_RESOURCE = 'arn:aws:states:::sqs:sendMessage';

/**
 * The parameters the optimized integration passes on ("Call Amazon SQS with Step Functions" >
 * supported APIs); others are dropped, as on AWS (localstack snapshot
 * `test_send_message_unsupported_parameters`).
 */
const SUPPORTED = new Set(['DelaySeconds', 'MessageAttributes', 'MessageBody', 'MessageDeduplicationId', 'MessageGroupId', 'QueueUrl']);

/**
 * The `sqs:sendMessage` integration. Result: `{MD5OfMessageAttributes?, MD5OfMessageBody,
 * MessageId, SdkHttpMetadata, SdkResponseMetadata, SequenceNumber?}` (localstack snapshot
 * `test_sqs_task_service.py::test_send_message` / `test_send_message_attributes`). A non-string
 * `MessageBody` is sent as its JSON text, as Step Functions does.
 *
 * Missing `QueueUrl` or `MessageBody`, and a FIFO queue without `MessageGroupId`, fail with
 * `States.Runtime`: AWS's error for them is not recorded in the snapshots.
 */
export function sqsSendMessageIntegration(messages: MessageRecorder): TaskIntegration {
  return (request) => Promise.resolve().then(() => sendMessage(request, messages));
}

function sendMessage(request: TaskRequest, messages: MessageRecorder): Record<string, unknown> {
  const parameters = pickSupported(singleActionParameters(request, 'SQS', 'sqs:sendMessage'), SUPPORTED);
  const queueUrl = parameters['QueueUrl'];
  if (typeof queueUrl !== 'string' || queueUrl === '') throw missing(request, 'QueueUrl');
  const rawBody = parameters['MessageBody'];
  if (rawBody === undefined || rawBody === null || rawBody === '') throw missing(request, 'MessageBody');
  const body = typeof rawBody === 'string' ? rawBody : JSON.stringify(rawBody);
  const fifo = queueUrl.endsWith('.fifo');
  const groupId = optionalString(parameters['MessageGroupId']);
  if (fifo && groupId === undefined) {
    throw taskError('States.Runtime', `Task '${request.stateName}': the request must contain the parameter MessageGroupId (FIFO queue ${queueUrl})`);
  }
  const attributes = parameters['MessageAttributes'];
  const attributeMap = typeof attributes === 'object' && attributes !== null && Object.keys(attributes).length > 0 ? (attributes as Record<string, unknown>) : undefined;

  const messageId = randomUUID();
  const sequenceNumber = fifo ? sequenceNumberAt(request.clock.now()) : undefined;
  const response = sortedKeys({
    MD5OfMessageBody: md5Hex(Buffer.from(body, 'utf8')),
    MessageId: messageId,
    ...(attributeMap && { MD5OfMessageAttributes: md5OfMessageAttributes(attributeMap) }),
    ...(sequenceNumber !== undefined && { SequenceNumber: sequenceNumber }),
  });
  const deduplicationId = optionalString(parameters['MessageDeduplicationId']);
  const delaySeconds = parameters['DelaySeconds'];
  messages.record({
    service: 'sqs',
    destination: queueUrl,
    messageId,
    body,
    ...(attributeMap && { attributes: attributeMap }),
    ...(groupId !== undefined && { messageGroupId: groupId }),
    ...(deduplicationId !== undefined && { messageDeduplicationId: deduplicationId }),
    ...(sequenceNumber !== undefined && { sequenceNumber }),
    ...(typeof delaySeconds === 'number' && { delaySeconds }),
    executionArn: request.executionArn,
    stateName: request.stateName,
    ...(request.taskToken !== undefined && { taskToken: request.taskToken }),
    sentAt: new Date(request.clock.now()),
  });
  return sortedKeys({ ...response, ...sqsMetadata(response, request.clock.now()) });
}

/**
 * SQS's `MD5OfMessageAttributes` (Amazon SQS Developer Guide, "Calculating the MD5 message
 * digest for message attributes"): for each attribute in name order, the 4-byte big-endian
 * length and UTF-8 bytes of the name and of the DataType, a transport byte (1 string, 2 binary),
 * and the length-prefixed value (`BinaryValue` is base64 in JSON).
 */
export function md5OfMessageAttributes(attributes: Readonly<Record<string, unknown>>): string {
  const parts: Buffer[] = [];
  const lengthPrefixed = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    parts.push(length, bytes);
  };
  // Byte order of the UTF-8 names, as SQS sorts them.
  const names = Object.keys(attributes).sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
  for (const name of names) {
    const attribute = (attributes[name] ?? {}) as { DataType?: unknown; StringValue?: unknown; BinaryValue?: unknown };
    lengthPrefixed(Buffer.from(name, 'utf8'));
    lengthPrefixed(Buffer.from(text(attribute.DataType), 'utf8'));
    if (attribute.BinaryValue !== undefined && attribute.StringValue === undefined) {
      parts.push(Buffer.from([2]));
      lengthPrefixed(Buffer.from(text(attribute.BinaryValue), 'base64'));
    } else {
      parts.push(Buffer.from([1]));
      lengthPrefixed(Buffer.from(text(attribute.StringValue), 'utf8'));
    }
  }
  return md5Hex(Buffer.concat(parts));
}

/** A scalar attribute member as text (numbers and booleans as JSON writes them). */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  return value === undefined || value === null ? '' : JSON.stringify(value);
}

function md5Hex(bytes: Buffer): string {
  return createHash('md5').update(bytes).digest('hex');
}

/**
 * The headers SQS's JSON protocol answers SendMessage with (localstack snapshot
 * `test_send_message`: `x-amzn-RequestId`, `connection`, `Content-Length`, `Date`,
 * `Content-Type`); the length is that of the JSON response body.
 */
function sqsMetadata(response: Record<string, unknown>, now: number) {
  const requestId = randomUUID();
  return sdkMetadata(
    {
      connection: 'keep-alive',
      'Content-Length': String(Buffer.byteLength(JSON.stringify(response))),
      'Content-Type': 'application/x-amz-json-1.0',
      Date: httpDate(now),
      'x-amzn-RequestId': requestId,
    },
    200,
    requestId,
  );
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function missing(request: TaskRequest, parameter: string): Error {
  return taskError('States.Runtime', `Task '${request.stateName}': ${request.resource} needs the parameter ${parameter}`);
}
