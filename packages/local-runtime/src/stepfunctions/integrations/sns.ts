/**
 * `arn:aws:states:::sns:publish` (AWS Step Functions Developer Guide, "Call Amazon SNS with Step
 * Functions"), answered locally: the message is recorded in a {@link MessageRecorder} instead of
 * being delivered, and the result has the shape SNS gives Step Functions.
 */
import { randomUUID } from 'node:crypto';
import type { MessageRecorder } from './messages.js';
import { httpDate, pickSupported, sdkMetadata, sequenceNumberAt, singleActionParameters, sortedKeys, taskError } from './shared.js';
import type { TaskIntegration, TaskRequest } from './types.js';

/** The Resource of the integration (partition `aws`; any partition is accepted). */
export const SNS_PUBLISH_RESOURCE = 'arn:aws:states:::sns:publish';

/** The parameters the optimized integration passes on; others are dropped, as on AWS. */
const SUPPORTED = new Set(['Message', 'MessageAttributes', 'MessageStructure', 'MessageDeduplicationId', 'MessageGroupId', 'PhoneNumber', 'Subject', 'TargetArn', 'TopicArn']);

/**
 * The `sns:publish` integration. Result: `{MessageId, SdkHttpMetadata, SdkResponseMetadata,
 * SequenceNumber?}` (localstack snapshot `test_sns_task_service.py::test_publish_base`,
 * `test_fifo_message_attribute`). A non-string `Message` is published as its JSON text.
 *
 * A FIFO topic (`.fifo`) without `MessageGroupId` fails with `SNS.InvalidParameterException`
 * and AWS's Cause (recorded in `test_fifo_message_attribute[input_params0-True]`). No
 * destination (`TopicArn`/`TargetArn`/`PhoneNumber`) or no `Message` fails with
 * `States.Runtime`: AWS's error for those is not recorded in the snapshots.
 */
export function snsPublishIntegration(messages: MessageRecorder): TaskIntegration {
  return (request) => Promise.resolve().then(() => publish(request, messages));
}

function publish(request: TaskRequest, messages: MessageRecorder): Record<string, unknown> {
  const parameters = pickSupported(singleActionParameters(request, 'SNS', 'sns:publish'), SUPPORTED);
  const destination = [parameters['TopicArn'], parameters['TargetArn'], parameters['PhoneNumber']].find(
    (value): value is string => typeof value === 'string' && value !== '',
  );
  if (destination === undefined) {
    throw taskError('States.Runtime', `Task '${request.stateName}': ${request.resource} needs one of the parameters TopicArn, TargetArn or PhoneNumber`);
  }
  const rawMessage = parameters['Message'];
  if (rawMessage === undefined || rawMessage === null || rawMessage === '') {
    throw taskError('States.Runtime', `Task '${request.stateName}': ${request.resource} needs the parameter Message`);
  }
  const body = typeof rawMessage === 'string' ? rawMessage : JSON.stringify(rawMessage);
  const groupId = optionalString(parameters['MessageGroupId']);
  const fifo = destination.endsWith('.fifo');
  if (fifo && groupId === undefined) {
    const requestId = randomUUID();
    throw taskError(
      'SNS.InvalidParameterException',
      `Invalid parameter: The MessageGroupId parameter is required for FIFO topics (Service: AmazonSNS; Status Code: 400; Error Code: InvalidParameter; Request ID: ${requestId}; Proxy: null)`,
    );
  }

  const messageId = randomUUID();
  const sequenceNumber = fifo ? sequenceNumberAt(request.clock.now()) : undefined;
  const attributes = parameters['MessageAttributes'];
  const deduplicationId = optionalString(parameters['MessageDeduplicationId']);
  const subject = optionalString(parameters['Subject']);
  const structure = optionalString(parameters['MessageStructure']);
  messages.record({
    service: 'sns',
    destination,
    messageId,
    body,
    ...(typeof attributes === 'object' && attributes !== null && { attributes: attributes as Record<string, unknown> }),
    ...(groupId !== undefined && { messageGroupId: groupId }),
    ...(deduplicationId !== undefined && { messageDeduplicationId: deduplicationId }),
    ...(sequenceNumber !== undefined && { sequenceNumber }),
    ...(subject !== undefined && { subject }),
    ...(structure !== undefined && { messageStructure: structure }),
    executionArn: request.executionArn,
    stateName: request.stateName,
    ...(request.taskToken !== undefined && { taskToken: request.taskToken }),
    sentAt: new Date(request.clock.now()),
  });
  const requestId = randomUUID();
  return sortedKeys({
    MessageId: messageId,
    ...(sequenceNumber !== undefined && { SequenceNumber: sequenceNumber }),
    ...sdkMetadata(
      {
        connection: 'keep-alive',
        'Content-Length': String(Buffer.byteLength(publishResponseXml(messageId, requestId, sequenceNumber))),
        'Content-Type': 'text/xml',
        Date: httpDate(request.clock.now()),
        'x-amzn-RequestId': requestId,
      },
      200,
      requestId,
    ),
  });
}

/**
 * The Query-protocol XML body SNS answers Publish with; only its length is reported (the
 * `Content-Length` header: 294 bytes, 352 with a SequenceNumber, in the localstack snapshots).
 */
function publishResponseXml(messageId: string, requestId: string, sequenceNumber: string | undefined): string {
  const sequence = sequenceNumber === undefined ? '' : `    <SequenceNumber>${sequenceNumber}</SequenceNumber>\n`;
  return (
    '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">\n' +
    `  <PublishResult>\n    <MessageId>${messageId}</MessageId>\n${sequence}  </PublishResult>\n` +
    `  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n` +
    '</PublishResponse>\n'
  );
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
