import { ConditionalCheckFailedException, DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isConditionalCheckFailed, systemClock } from '../../src/index.js';
import { documentClient, lambdaHandler, serviceLogger } from '../../src/handler.js';

/** Every JSON line the Powertools logger prints while `work` runs. */
async function captureLogs(work: () => unknown): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const capture = (chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    await Promise.resolve().then(work).catch(() => undefined);
  } finally {
    vi.restoreAllMocks();
  }
  return lines.flatMap((chunk) => chunk.split('\n')).filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
}

const context: Context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'kit-test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:kit-test',
  memoryLimitInMB: '256',
  awsRequestId: 'req-1',
  logGroupName: '/aws/lambda/kit-test',
  logStreamName: 'stream',
  getRemainingTimeInMillis: () => 1000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('isConditionalCheckFailed', () => {
  it('recognises the SDK exception and the same name from another copy of the SDK', () => {
    const sdk = new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    const otherCopy = Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });

    expect(isConditionalCheckFailed(sdk)).toBe(true);
    expect(isConditionalCheckFailed(otherCopy)).toBe(true);
  });

  it('is false for a cancelled transaction, another error and a non-error (negative controls)', () => {
    const cancelled = new TransactionCanceledException({ message: 'cancelled', $metadata: {} });

    expect(isConditionalCheckFailed(cancelled)).toBe(false);
    expect(isConditionalCheckFailed(new Error('ConditionalCheckFailedException'))).toBe(false);
    expect(isConditionalCheckFailed({ name: 'ConditionalCheckFailedException' })).toBe(false);
  });
});

describe('systemClock', () => {
  it('reads Date', () => {
    vi.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') });
    try {
      expect(systemClock.now().toISOString()).toBe('2030-01-01T00:00:00.000Z');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('serviceLogger', () => {
  it('uses POWERTOOLS_SERVICE_NAME when set, the package default otherwise', async () => {
    const renamed = serviceLogger('payment', { POWERTOOLS_SERVICE_NAME: 'payments-eu' });
    const unnamed = serviceLogger('payment', {});

    const logs = await captureLogs(() => {
      renamed.info('renamed');
      unnamed.info('default');
    });

    expect(logs.map((entry) => [entry.message, entry.service])).toEqual([
      ['renamed', 'payments-eu'],
      ['default', 'payment'],
    ]);
  });

  it('refuses an empty default service name', () => {
    expect(() => serviceLogger(' ')).toThrow('serviceLogger: defaultServiceName must be a non-empty service name');
  });
});

describe('documentClient', () => {
  it('omits undefined attributes instead of failing the marshaller', () => {
    const client = documentClient(new DynamoDBClient({ region: 'us-east-1' }));

    expect(client.config.translateConfig?.marshallOptions?.removeUndefinedValues).toBe(true);
    client.destroy();
  });
});

describe('lambdaHandler', () => {
  const named = (name: string) => Object.assign(new Error(`${name} happened`), { name });

  it('adds the Lambda context and resets keys between invocations, even after a failure', async () => {
    const logger = serviceLogger('kit-test', {});
    const handler = lambdaHandler({ logger, failureMessage: 'step failed', expectedErrors: ['OutOfStock'] }, (event) => {
      const { orderId, fail } = event as { orderId?: string; fail?: boolean };
      if (orderId) logger.appendKeys({ orderId });
      if (fail) return Promise.reject(named('OutOfStock'));
      logger.info('done');
      return Promise.resolve('ok');
    });

    const logs = await captureLogs(async () => {
      await handler({ orderId: 'ord_1', fail: true }, context).catch(() => undefined);
      await handler({}, { ...context, awsRequestId: 'req-2' });
    });

    // The first invocation's entry carries its key (the control); the second's does not.
    expect(logs).toHaveLength(2);
    expect(logs[0]).toMatchObject({ level: 'WARN', message: 'step failed', orderId: 'ord_1', errorName: 'OutOfStock', function_request_id: 'req-1' });
    expect(logs[1]).toMatchObject({ level: 'INFO', message: 'done', function_request_id: 'req-2' });
    expect(logs[1]).not.toHaveProperty('orderId');
  });

  it('rethrows by default: an expected name is a warning, anything else an error with its stack', async () => {
    const logger = serviceLogger('kit-test', {});
    const handler = lambdaHandler({ logger, failureMessage: 'step failed', expectedErrors: ['OutOfStock'] }, (event) =>
      Promise.reject(named(String(event))),
    );

    let thrown: unknown[] = [];
    const logs = await captureLogs(async () => {
      thrown = await Promise.all(['OutOfStock', 'TypeError'].map((name) => handler(name).catch((error: unknown) => error)));
    });

    expect(thrown.map((error) => (error as Error).name)).toEqual(['OutOfStock', 'TypeError']);
    expect(logs.map((entry) => [entry.level, entry.errorName ?? (entry.error as { name?: string } | undefined)?.name])).toEqual([
      ['WARN', 'OutOfStock'],
      ['ERROR', 'TypeError'],
    ]);
    expect(logs[1]!.error).toHaveProperty('stack');
  });

  it('answers with onError after logging, instead of rethrowing', async () => {
    const logger = serviceLogger('kit-test', {});
    const handler = lambdaHandler(
      { logger, failureMessage: 'request failed', onError: () => ({ statusCode: 500 }) },
      () => Promise.reject(new Error('table missing')),
    );

    let answer: unknown;
    const logs = await captureLogs(async () => {
      answer = await handler({});
    });

    expect(answer).toEqual({ statusCode: 500 });
    expect(logs).toEqual([expect.objectContaining({ level: 'ERROR', message: 'request failed' })]);
  });
});
