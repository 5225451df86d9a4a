/**
 * The SQS, SNS and EventBridge Task integrations the local runtime answers itself, asserted
 * against AWS's recorded behaviour: the localstack snapshots validated against AWS
 * (tests/aws/services/stepfunctions/v2/services/test_{sqs,sns,events}_task_service.snapshot.json)
 * and the AWS Step Functions Developer Guide sections named in each describe.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LocalEventBridge } from '@order-flow/local/eventbridge';
import { EVENTS_PUT_EVENTS_RESOURCE, MessageRecorder, SNS_PUBLISH_RESOURCE, SQS_SEND_MESSAGE_RESOURCE, builtInIntegrations, integrationFor, md5OfMessageAttributes, putEventsIntegration, snsPublishIntegration, sqsSendMessageIntegration, stateMachineArnOf } from '@order-flow/local/stepfunctions';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { countingClock, taskRequests, type CountingClock } from '../support/task-request.ts';

/** A task result as JSON (assertions read raw AWS shapes). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Result = Record<string, any>;

const NOW = Date.parse('2026-11-25T10:20:30.000Z');
const EXECUTION_ARN = 'arn:aws:states:us-east-1:000000000000:execution:Flow:run-1';
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/000000000000/orders';
const TOPIC_ARN = 'arn:aws:sns:us-east-1:000000000000:orders';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const taskRequest = taskRequests({ stateName: 'Send', executionArn: EXECUTION_ARN, clock: () => countingClock(NOW) });

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

describe('sqs:sendMessage ("Call Amazon SQS with Step Functions")', () => {
  it('answers with MD5OfMessageBody, MessageId and the SDK metadata, and records the message (snapshot test_send_message)', async () => {
    // Prepare
    const messages = new MessageRecorder();
    const send = sqsSendMessageIntegration(messages);

    // Act
    const result = (await send(taskRequest(SQS_SEND_MESSAGE_RESOURCE, { QueueUrl: QUEUE_URL, MessageBody: 'test_message_body' }))) as Result;

    // Assess
    expect(Object.keys(result)).toEqual(['MD5OfMessageBody', 'MessageId', 'SdkHttpMetadata', 'SdkResponseMetadata']);
    expect(result.MD5OfMessageBody).toBe(md5('test_message_body'));
    expect(result.MessageId).toMatch(UUID);
    const requestId = result.SdkResponseMetadata.RequestId;
    // Content-Length 106 is what the snapshot recorded: the JSON body of a SendMessage response.
    expect(result.SdkHttpMetadata).toEqual({
      AllHttpHeaders: {
        connection: ['keep-alive'],
        'Content-Length': ['106'],
        'Content-Type': ['application/x-amz-json-1.0'],
        Date: ['Wed, 25 Nov 2026 10:20:30 GMT'],
        'x-amzn-RequestId': [requestId],
      },
      HttpHeaders: {
        connection: 'keep-alive',
        'Content-Length': '106',
        'Content-Type': 'application/x-amz-json-1.0',
        Date: 'Wed, 25 Nov 2026 10:20:30 GMT',
        'x-amzn-RequestId': requestId,
      },
      HttpStatusCode: 200,
    });
    expect(messages.messages(QUEUE_URL)).toEqual([
      expect.objectContaining({ service: 'sqs', destination: QUEUE_URL, messageId: result.MessageId, body: 'test_message_body', stateName: 'Send', executionArn: EXECUTION_ARN, sentAt: new Date(NOW) }),
    ]);
    // Negative control: another destination has no messages.
    expect(messages.messages('https://sqs.us-east-1.amazonaws.com/000000000000/other')).toEqual([]);
  });

  it('reports the MD5 of the body text: "text data" digests as the S3 ETag recorded in test_aws_sdk_task_service (test_s3_get_object[str])', async () => {
    // Prepare
    const send = sqsSendMessageIntegration(new MessageRecorder());

    // Act
    const result = (await send(taskRequest(SQS_SEND_MESSAGE_RESOURCE, { QueueUrl: QUEUE_URL, MessageBody: 'text data' }))) as Result;
    const other = (await send(taskRequest(SQS_SEND_MESSAGE_RESOURCE, { QueueUrl: QUEUE_URL, MessageBody: 'text data!' }))) as Result;

    // Assess
    expect(result.MD5OfMessageBody).toBe('332eec544317a6d340b8e77da7fe54ad');
    expect(other.MD5OfMessageBody).not.toBe('332eec544317a6d340b8e77da7fe54ad');
  });

  it('sends an object MessageBody as its JSON text, as Step Functions serializes it', async () => {
    // Prepare
    const messages = new MessageRecorder();
    const send = sqsSendMessageIntegration(messages);

    // Act
    const result = (await send(taskRequest(SQS_SEND_MESSAGE_RESOURCE, { QueueUrl: QUEUE_URL, MessageBody: { orderId: 'o-1', total: 12.5 } }))) as Result;

    // Assess
    expect(messages.messages()[0]!.body).toBe('{"orderId":"o-1","total":12.5}');
    expect(result.MD5OfMessageBody).toBe(md5('{"orderId":"o-1","total":12.5}'));
  });

  it('adds MD5OfMessageAttributes for MessageAttributes (snapshot test_send_message_attributes: Content-Length 166)', async () => {
    // Prepare
    const messages = new MessageRecorder();
    const send = sqsSendMessageIntegration(messages);
    const attributes = { my_attribute_no_1: { DataType: 'String', StringValue: 'Hello' }, my_attribute_no_2: { DataType: 'String', StringValue: 'World' } };

    // Act
    const result = (await send(taskRequest(SQS_SEND_MESSAGE_RESOURCE, { QueueUrl: QUEUE_URL, MessageBody: 'test_message_body', MessageAttributes: attributes }))) as Result;

    // Assess
    expect(Object.keys(result)).toEqual(['MD5OfMessageAttributes', 'MD5OfMessageBody', 'MessageId', 'SdkHttpMetadata', 'SdkResponseMetadata']);
    expect(result.MD5OfMessageAttributes).toBe(md5OfMessageAttributes(attributes));
    expect(result.SdkHttpMetadata.HttpHeaders['Content-Length']).toBe('166');
    expect(messages.messages()[0]!.attributes).toEqual(attributes);
  });

  it('digests message attributes as SQS does (vectors pinned by moto tests/test_sqs/test_sqs.py)', () => {
    // Prepare
    const number = (value: string) => ({ DataType: 'Number', StringValue: value });

    // Act
    const first = md5OfMessageAttributes({ timestamp: number('1493147359900') });
    const second = md5OfMessageAttributes({ timestamp: number('1493147359901') });
    const ordered = md5OfMessageAttributes({ a: number('1'), b: { DataType: 'Binary', BinaryValue: Buffer.from('hi').toString('base64') } });
    const reversed = md5OfMessageAttributes({ b: { DataType: 'Binary', BinaryValue: Buffer.from('hi').toString('base64') }, a: number('1') });
    const asString = md5OfMessageAttributes({ a: number('1'), b: { DataType: 'Binary', StringValue: 'hi' } });

    // Assess
    expect(first).toBe('235c5c510d26fb653d073faed50ae77c');
    expect(second).toBe('994258b45346a2cc3f9cbb611aa7af30');
    // Name order, not insertion order; and the transport byte tells binary from string.
    expect(reversed).toBe(ordered);
    expect(asString).not.toBe(ordered);
  });

  it('drops parameters the integration does not support, and still succeeds (snapshot test_send_message_unsupported_parameters)', async () => {
    // Prepare
    const messages = new MessageRecorder();
    const send = sqsSendMessageIntegration(messages);

    // Act
    const result = (await send(taskRequest(SQS_SEND_MESSAGE_RESOURCE, { QueueUrl: QUEUE_URL, MessageBody: 'test', MessageSystemAttribute: { AWSTraceHeader: 'test' } }))) as Result;

    // Assess
    expect(result.MD5OfMessageBody).toBe(md5('test'));
    expect(messages.messages()[0]).not.toHaveProperty('attributes');
  });

  it('reports a SequenceNumber and keeps group and deduplication ids for a FIFO queue', async () => {
    // Prepare
    const messages = new MessageRecorder();
    const send = sqsSendMessageIntegration(messages);
    const fifo = `${QUEUE_URL}.fifo`;

    // Act
    const first = (await send(taskRequest(SQS_SEND_MESSAGE_RESOURCE, { QueueUrl: fifo, MessageBody: 'a', MessageGroupId: 'g', MessageDeduplicationId: 'd1' }))) as Result;
    const second = (await send(taskRequest(SQS_SEND_MESSAGE_RESOURCE, { QueueUrl: fifo, MessageBody: 'b', MessageGroupId: 'g', MessageDeduplicationId: 'd2' }))) as Result;

    // Assess
    expect(first.SequenceNumber).toMatch(/^\d{20}$/);
    expect(BigInt(second.SequenceNumber)).toBeGreaterThan(BigInt(first.SequenceNumber));
    expect(messages.messages(fifo).map((m) => [m.messageGroupId, m.messageDeduplicationId, m.sequenceNumber])).toEqual([
      ['g', 'd1', first.SequenceNumber],
      ['g', 'd2', second.SequenceNumber],
    ]);
  });

  it('fails with States.Runtime when QueueUrl or MessageBody is missing, or a FIFO queue gets no MessageGroupId (AWS error not recorded)', async () => {
    // Prepare
    const messages = new MessageRecorder();
    const send = sqsSendMessageIntegration(messages);

    // Act
    const noQueue = send(taskRequest(SQS_SEND_MESSAGE_RESOURCE, { MessageBody: 'x' }));
    const noBody = send(taskRequest(SQS_SEND_MESSAGE_RESOURCE, { QueueUrl: QUEUE_URL }));
    const noGroup = send(taskRequest(SQS_SEND_MESSAGE_RESOURCE, { QueueUrl: `${QUEUE_URL}.fifo`, MessageBody: 'x' }));

    // Assess
    await expect(noQueue).rejects.toMatchObject({ name: 'States.Runtime', message: expect.stringContaining('QueueUrl') });
    await expect(noBody).rejects.toMatchObject({ name: 'States.Runtime', message: expect.stringContaining('MessageBody') });
    await expect(noGroup).rejects.toMatchObject({ name: 'States.Runtime', message: expect.stringContaining('MessageGroupId') });
    expect(messages.messages()).toEqual([]);
  });

  it('sends for .waitForTaskToken and records the token; refuses .sync', async () => {
    // Prepare
    const messages = new MessageRecorder();
    const send = sqsSendMessageIntegration(messages);

    // Act
    await send(taskRequest(SQS_SEND_MESSAGE_RESOURCE, { QueueUrl: QUEUE_URL, MessageBody: 'x' }, { pattern: 'waitForTaskToken', taskToken: 'token-1' }));
    const sync = send(taskRequest(SQS_SEND_MESSAGE_RESOURCE, { QueueUrl: QUEUE_URL, MessageBody: 'y' }, { pattern: 'sync' }));

    // Assess
    await expect(sync).rejects.toMatchObject({ name: 'States.Runtime' });
    expect(messages.messages().map((m) => [m.body, m.taskToken])).toEqual([['x', 'token-1']]);
  });
});

describe('sns:publish ("Call Amazon SNS with Step Functions")', () => {
  it('answers with MessageId and the SDK metadata, and records the message (snapshot test_publish_base: Content-Length 294, text/xml)', async () => {
    // Prepare
    const messages = new MessageRecorder();
    const publish = snsPublishIntegration(messages);

    // Act
    const result = (await publish(taskRequest(SNS_PUBLISH_RESOURCE, { TopicArn: TOPIC_ARN, Message: { Message: 'HelloWorld!' } }))) as Result;

    // Assess
    expect(Object.keys(result)).toEqual(['MessageId', 'SdkHttpMetadata', 'SdkResponseMetadata']);
    expect(result.MessageId).toMatch(UUID);
    expect(result.SdkHttpMetadata.HttpHeaders).toEqual({
      connection: 'keep-alive',
      'Content-Length': '294',
      'Content-Type': 'text/xml',
      Date: 'Wed, 25 Nov 2026 10:20:30 GMT',
      'x-amzn-RequestId': result.SdkResponseMetadata.RequestId,
    });
    expect(result.SdkHttpMetadata.HttpStatusCode).toBe(200);
    // An object Message is published as its JSON text.
    expect(messages.messages(TOPIC_ARN)).toEqual([expect.objectContaining({ service: 'sns', messageId: result.MessageId, body: '{"Message":"HelloWorld!"}' })]);
  });

  it('fails a FIFO topic without MessageGroupId with SNS.InvalidParameterException (snapshot test_fifo_message_attribute[input_params0-True])', async () => {
    // Prepare
    const messages = new MessageRecorder();
    const publish = snsPublishIntegration(messages);
    const fifoTopic = `${TOPIC_ARN}.fifo`;

    // Act
    const withoutGroup = publish(taskRequest(SNS_PUBLISH_RESOURCE, { TopicArn: fifoTopic, Message: { Message: 'HelloWorld!' } }));

    // Assess
    await expect(withoutGroup).rejects.toMatchObject({
      name: 'SNS.InvalidParameterException',
      message: expect.stringMatching(
        /^Invalid parameter: The MessageGroupId parameter is required for FIFO topics \(Service: AmazonSNS; Status Code: 400; Error Code: InvalidParameter; Request ID: [0-9a-f-]{36}; Proxy: null\)$/,
      ),
    });
    expect(messages.messages()).toEqual([]);
  });

  it('publishes to a FIFO topic with MessageGroupId and reports a SequenceNumber (snapshot test_fifo_message_attribute[input_params1-False]: Content-Length 352)', async () => {
    // Prepare
    const messages = new MessageRecorder();
    const publish = snsPublishIntegration(messages);

    // Act
    const result = (await publish(
      taskRequest(SNS_PUBLISH_RESOURCE, { TopicArn: `${TOPIC_ARN}.fifo`, Message: { Message: 'HelloWorld!' }, MessageGroupId: 'a-group', MessageDeduplicationId: 'dedup-1' }),
    )) as Result;

    // Assess
    expect(Object.keys(result)).toEqual(['MessageId', 'SdkHttpMetadata', 'SdkResponseMetadata', 'SequenceNumber']);
    expect(result.SequenceNumber).toMatch(/^\d{20}$/);
    expect(result.SdkHttpMetadata.HttpHeaders['Content-Length']).toBe('352');
    expect(messages.messages()[0]).toMatchObject({ messageGroupId: 'a-group', messageDeduplicationId: 'dedup-1', sequenceNumber: result.SequenceNumber });
  });

  it('accepts TargetArn or PhoneNumber as the destination; fails with States.Runtime without one or without Message (AWS error not recorded)', async () => {
    // Prepare
    const messages = new MessageRecorder();
    const publish = snsPublishIntegration(messages);

    // Act
    await publish(taskRequest(SNS_PUBLISH_RESOURCE, { TargetArn: 'arn:aws:sns:us-east-1:000000000000:endpoint/APNS/app/1', Message: 'a' }));
    await publish(taskRequest(SNS_PUBLISH_RESOURCE, { PhoneNumber: '+15555550100', Message: 'b', Subject: 'hi' }));
    const noDestination = publish(taskRequest(SNS_PUBLISH_RESOURCE, { Message: 'c' }));
    const noMessage = publish(taskRequest(SNS_PUBLISH_RESOURCE, { TopicArn: TOPIC_ARN }));

    // Assess
    await expect(noDestination).rejects.toMatchObject({ name: 'States.Runtime', message: expect.stringContaining('TopicArn, TargetArn or PhoneNumber') });
    await expect(noMessage).rejects.toMatchObject({ name: 'States.Runtime', message: expect.stringContaining('Message') });
    expect(messages.messages().map((m) => [m.destination, m.body, m.subject])).toEqual([
      ['arn:aws:sns:us-east-1:000000000000:endpoint/APNS/app/1', 'a', undefined],
      ['+15555550100', 'b', 'hi'],
    ]);
  });
});

describe('events:putEvents ("Call EventBridge with Step Functions")', () => {
  it('puts every entry with the state machine and execution ARNs appended to Resources (snapshot test_put_events_base)', async () => {
    // Prepare
    const bridge = new LocalEventBridge();
    const put = putEventsIntegration((request) => bridge.putEvents(request));
    const entries = [
      { Detail: '{"Message": "HelloWorld0"}', DetailType: 'T', Source: 'some.source' },
      { Detail: { Message: 'HelloWorld1' }, DetailType: 'T', Source: 'some.source' },
      { Detail: { Message: 'HelloWorld2' }, DetailType: 'T', Source: 'some.source', Resources: ['arn:aws:sqs:us-east-1:000000000000:q'] },
    ];
    const request = taskRequest(EVENTS_PUT_EVENTS_RESOURCE, { Entries: entries });

    // Act
    const result = (await put(request)) as Result;

    // Assess
    const events = bridge.recorder.list().map((r) => r.event);
    expect(result).toEqual({ Entries: events.map((e) => ({ EventId: e.id })), FailedEntryCount: 0 });
    const machineArn = 'arn:aws:states:us-east-1:000000000000:stateMachine:Flow';
    expect(events.map((e) => [e.detail, e.resources])).toEqual([
      [{ Message: 'HelloWorld0' }, [machineArn, EXECUTION_ARN]],
      [{ Message: 'HelloWorld1' }, [machineArn, EXECUTION_ARN]],
      [{ Message: 'HelloWorld2' }, ['arn:aws:sqs:us-east-1:000000000000:q', machineArn, EXECUTION_ARN]],
    ]);
    expect((request.clock as CountingClock).tracked).toBe(1);
  });

  it('fails with EventBridge.FailedEntry and the response as Cause when an entry fails, keeping the good ones (snapshot test_put_events_no_source)', async () => {
    // Prepare
    const bridge = new LocalEventBridge();
    const put = putEventsIntegration((request) => bridge.putEvents(request));
    const entries = [{ Detail: { Message: 'HelloWorld1' }, DetailType: 'T', Source: 'some.source' }, { Detail: { Message: 'HelloWorld' }, DetailType: 'T' }];

    // Act
    const failure = put(taskRequest(EVENTS_PUT_EVENTS_RESOURCE, { Entries: entries }));

    // Assess
    const error = await failure.catch((e: unknown) => e as Error);
    expect(error).toMatchObject({ name: 'EventBridge.FailedEntry' });
    const [kept] = bridge.recorder.list();
    expect(JSON.parse((error as Error).message)).toEqual({
      Entries: [{ EventId: kept!.event.id }, { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.' }],
      FailedEntryCount: 1,
    });
    expect(bridge.recorder.size).toBe(1);
  });

  it('fails a malformed Detail with MalformedDetail (snapshot test_put_events_malformed_detail)', async () => {
    // Prepare
    const bridge = new LocalEventBridge();
    const put = putEventsIntegration((request) => bridge.putEvents(request));

    // Act
    const failure = put(taskRequest(EVENTS_PUT_EVENTS_RESOURCE, { Entries: [{ Detail: '"jsonstring"', DetailType: 'T', Source: 'some.source' }] }));

    // Assess
    await expect(failure).rejects.toMatchObject({
      name: 'EventBridge.FailedEntry',
      message: JSON.stringify({ Entries: [{ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' }], FailedEntryCount: 1 }),
    });
    expect(bridge.recorder.size).toBe(0);
  });

  it('names a request-level error EventBridge.ValidationException (name scheme assumed; not recorded)', async () => {
    // Prepare
    const put = putEventsIntegration((request) => new LocalEventBridge().putEvents(request));

    // Act
    const empty = put(taskRequest(EVENTS_PUT_EVENTS_RESOURCE, { Entries: [] }));

    // Assess
    await expect(empty).rejects.toMatchObject({ name: 'EventBridge.ValidationException' });
  });

  it('derives the state machine ARN of Standard and Express executions', () => {
    // Act
    const standard = stateMachineArnOf('arn:aws:states:eu-west-1:1:execution:Flow:run-1');
    const express = stateMachineArnOf('arn:aws:states:eu-west-1:1:express:Flow:run-1:1b2c');

    // Assess
    expect(standard).toBe('arn:aws:states:eu-west-1:1:stateMachine:Flow');
    expect(express).toBe('arn:aws:states:eu-west-1:1:stateMachine:Flow');
  });
});

describe('builtInIntegrations', () => {
  const deps = { dynamodb: {} as DynamoDBClient, publishEvents: (request: { readonly Entries: unknown }) => new LocalEventBridge().putEvents(request), messages: new MessageRecorder() };

  it('keys the integrations by Resource ARN prefix in the aws partition', () => {
    // Act
    const integrations = builtInIntegrations(deps);

    // Assess
    expect(Object.keys(integrations).sort()).toEqual([
      'arn:aws:states:::aws-sdk:dynamodb:',
      'arn:aws:states:::dynamodb:',
      'arn:aws:states:::events:putEvents',
      'arn:aws:states:::sns:publish',
      'arn:aws:states:::sqs:sendMessage',
    ]);
  });

  it('finds an integration for any partition by the longest matching prefix, and none for other services', async () => {
    // Prepare
    const integrations = builtInIntegrations(deps);
    const govResource = 'arn:aws-us-gov:states:::sqs:sendMessage';

    // Act
    const sqs = integrationFor(integrations, govResource);
    const sdk = integrationFor(integrations, 'arn:aws-cn:states:::aws-sdk:dynamodb:query');
    const lambda = integrationFor(integrations, 'arn:aws:states:::lambda:invoke');
    const result = (await sqs!(taskRequest(govResource, { QueueUrl: QUEUE_URL, MessageBody: 'gov' }))) as Result;

    // Assess
    expect(sqs).toBe(integrations['arn:aws:states:::sqs:sendMessage']);
    expect(sdk).toBe(integrations['arn:aws:states:::aws-sdk:dynamodb:']);
    expect(lambda).toBeUndefined();
    expect(result.MD5OfMessageBody).toBe(md5('gov'));
    expect(deps.messages.messages(QUEUE_URL).map((m) => m.body)).toEqual(['gov']);
  });
});

describe('MessageRecorder', () => {
  it('lists by destination, notifies listeners until unsubscribed, survives a throwing listener, and clears', () => {
    // Prepare
    const recorder = new MessageRecorder();
    const seen: string[] = [];
    recorder.onMessage(() => {
      throw new Error('listener bug');
    });
    const stop = recorder.onMessage((m) => seen.push(m.messageId));
    const message = (messageId: string, destination: string) => ({
      service: 'sqs' as const,
      destination,
      messageId,
      body: 'b',
      executionArn: EXECUTION_ARN,
      stateName: 'Send',
      sentAt: new Date(NOW),
    });

    // Act
    recorder.record(message('m-1', 'q1'));
    stop();
    recorder.record(message('m-2', 'q2'));
    const all = recorder.messages().map((m) => m.messageId);
    const q2 = recorder.messages('q2').map((m) => m.messageId);
    recorder.clear();

    // Assess
    expect(all).toEqual(['m-1', 'm-2']);
    expect(q2).toEqual(['m-2']);
    expect(seen).toEqual(['m-1']);
    expect(recorder.messages()).toEqual([]);
  });
});
