/**
 * The Step Functions service integrations the local runtime answers itself, keyed by Resource
 * ARN prefix for the engine.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DYNAMODB_RESOURCE_PREFIX, DYNAMODB_SDK_RESOURCE_PREFIX, dynamoDbIntegration, dynamoDbSdkIntegration } from './dynamodb.js';
import { EVENTS_PUT_EVENTS_RESOURCE, putEventsIntegration, type PublishEvents } from './events.js';
import type { MessageRecorder } from './messages.js';
import { SNS_PUBLISH_RESOURCE, snsPublishIntegration } from './sns.js';
import { SQS_SEND_MESSAGE_RESOURCE, sqsSendMessageIntegration } from './sqs.js';
import type { TaskIntegration } from './types.js';

export { DYNAMODB_RESOURCE_PREFIX, DYNAMODB_SDK_RESOURCE_PREFIX, dynamoDbIntegration, dynamoDbSdkIntegration } from './dynamodb.js';
export { EVENTS_PUT_EVENTS_RESOURCE, putEventsIntegration, stateMachineArnOf, type PublishEvents } from './events.js';
export { MessageRecorder, type RecordedMessage } from './messages.js';
export { SNS_PUBLISH_RESOURCE, snsPublishIntegration } from './sns.js';
export { SQS_SEND_MESSAGE_RESOURCE, md5OfMessageAttributes, sqsSendMessageIntegration } from './sqs.js';
export type { Clock, TaskIntegration, TaskRequest } from './types.js';

/** What the built-in integrations talk to. */
export interface BuiltInIntegrationDeps {
  /** A client pointed at the runtime's DynamoDB Local. */
  readonly dynamodb: DynamoDBClient;
  /** The runtime's EventBridge: `(request) => bridge.putEvents(request)`. */
  readonly publishEvents: PublishEvents;
  /** Where `sqs:sendMessage` and `sns:publish` messages are kept. */
  readonly messages: MessageRecorder;
}

/**
 * The integrations the local runtime answers, keyed by Resource ARN prefix in the `aws`
 * partition. Look a Resource up with {@link integrationFor}, which maps other partitions
 * (`arn:aws-us-gov:`, `arn:aws-cn:`) onto these keys; the integrations themselves accept any
 * partition.
 *
 * @example
 * const integrations = builtInIntegrations({
 *   dynamodb: new DynamoDBClient({ endpoint: ddb.endpoint, region, credentials }),
 *   publishEvents: (request) => bridge.putEvents(request),
 *   messages: new MessageRecorder(),
 * });
 */
export function builtInIntegrations(deps: BuiltInIntegrationDeps): Record<string, TaskIntegration> {
  return {
    [DYNAMODB_RESOURCE_PREFIX]: dynamoDbIntegration(deps.dynamodb),
    [DYNAMODB_SDK_RESOURCE_PREFIX]: dynamoDbSdkIntegration(deps.dynamodb),
    [EVENTS_PUT_EVENTS_RESOURCE]: putEventsIntegration(deps.publishEvents),
    [SQS_SEND_MESSAGE_RESOURCE]: sqsSendMessageIntegration(deps.messages),
    [SNS_PUBLISH_RESOURCE]: snsPublishIntegration(deps.messages),
  };
}

/**
 * The integration registered for `resource` (pattern suffix already removed): the longest key
 * that prefixes it once its partition is read as `aws`, or undefined.
 */
export function integrationFor(integrations: Readonly<Record<string, TaskIntegration>>, resource: string): TaskIntegration | undefined {
  const normalized = resource.replace(/^arn:[a-z0-9-]+:/, 'arn:aws:');
  let best: string | undefined;
  for (const key of Object.keys(integrations)) {
    if (normalized.startsWith(key) && (best === undefined || key.length > best.length)) best = key;
  }
  return best === undefined ? undefined : integrations[best];
}
