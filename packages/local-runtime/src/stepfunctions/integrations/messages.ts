/**
 * The messages state machines send through the SQS and SNS integrations. The local runtime runs
 * no queue or topic: it keeps what was sent so tests (and later a console) can read it.
 */

/** One message sent by an `sqs:sendMessage` or `sns:publish` Task. */
export interface RecordedMessage {
  readonly service: 'sqs' | 'sns';
  /**
   * Where it was sent: the `QueueUrl` (SQS), or the `TopicArn`, `TargetArn` or `PhoneNumber`
   * (SNS), as given.
   */
  readonly destination: string;
  readonly messageId: string;
  /** The body / message text as the service received it (objects are serialized to JSON). */
  readonly body: string;
  /** `MessageAttributes` as given (SQS: `{DataType, StringValue|BinaryValue}`; SNS the same). */
  readonly attributes?: Readonly<Record<string, unknown>>;
  readonly messageGroupId?: string;
  readonly messageDeduplicationId?: string;
  /** FIFO queues and topics: the sequence number the result reported. */
  readonly sequenceNumber?: string;
  /** SQS `DelaySeconds`. */
  readonly delaySeconds?: number;
  /** SNS `Subject`. */
  readonly subject?: string;
  /** SNS `MessageStructure` (`json` sends a per-protocol message). */
  readonly messageStructure?: string;
  /** The sending Task's context. */
  readonly executionArn: string;
  readonly stateName: string;
  /** The task token of a `.waitForTaskToken` Task (to answer it from a test). */
  readonly taskToken?: string;
  /** When it was sent, on the engine's clock. */
  readonly sentAt: Date;
}

/**
 * Keeps every message the SQS and SNS integrations send, oldest first.
 *
 * @example
 * const messages = new MessageRecorder();
 * const integrations = builtInIntegrations({ dynamodb, publishEvents, messages });
 * // ... run an execution ...
 * messages.messages('https://sqs.us-east-1.amazonaws.com/123456789012/orders');
 */
export class MessageRecorder {
  private recorded: RecordedMessage[] = [];
  private readonly listeners = new Set<(message: RecordedMessage) => void>();

  /** Keeps a message and notifies the listeners (a throwing listener does not fail the Task). */
  record(message: RecordedMessage): void {
    this.recorded.push(message);
    for (const listener of this.listeners) {
      try {
        listener(message);
      } catch (error) {
        process.emitWarning(`MessageRecorder listener failed: ${(error as Error).message}`);
      }
    }
  }

  /**
   * The kept messages, oldest first; with `destination`, only those sent to that queue URL,
   * topic ARN, target ARN or phone number.
   */
  messages(destination?: string): RecordedMessage[] {
    return destination === undefined ? [...this.recorded] : this.recorded.filter((message) => message.destination === destination);
  }

  /** Forgets every kept message (listeners stay). */
  clear(): void {
    this.recorded = [];
  }

  /** Calls `listener` for every message recorded from now on; returns the unsubscribe function. */
  onMessage(listener: (message: RecordedMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
