/**
 * The AWS SDK for JavaScript v3 in the Node.js runtimes (AWS Lambda Developer Guide, "Building
 * Lambda functions with Node.js": the nodejs18.x and later runtimes include SDK v3), so bundles
 * may leave `@aws-sdk/*` external — NodejsFunction's default. Locally such imports resolve to the
 * packages @order-flow/local itself depends on: the clients of the services it emulates and the
 * DynamoDB document client. A package it lacks fails Init as it would on Lambda without it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalFunction, locateFunctionCode } from '@order-flow/local/lambda';
import type { AssemblyStack } from '@order-flow/local/cloudformation';

/** What a function may import without bundling it, locally. */
const PROVIDED = ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', '@aws-sdk/client-sfn', '@aws-sdk/client-eventbridge'];

const started: LocalFunction[] = [];

function sdkFixture(handler: string): LocalFunction {
  const directory = fileURLToPath(new URL('../fixtures/lambda-sdk', import.meta.url));
  const stack = { assets: new Map([['h', { path: directory }]]), assemblyDir: directory } as unknown as AssemblyStack;
  const fn = new LocalFunction({
    name: 'sdk-fixture',
    arn: 'arn:aws:lambda:us-east-1:000000000000:function:sdk-fixture',
    handler,
    code: locateFunctionCode(stack, 'sdk-fixture', { S3Key: 'h.zip' }, handler),
    environment: { AWS_REGION: 'us-east-1' },
    timeoutSeconds: 10,
    memoryMb: 256,
    logGroupName: '/aws/lambda/sdk-fixture',
    logs: 'silent',
  });
  started.push(fn);
  return fn;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((fn) => fn.stop()));
});

describe('the AWS SDK v3 the Node.js runtime provides, locally', () => {
  it('ships the provided SDK packages as dependencies: an npm install of @order-flow/local has them', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(manifest.dependencies)).toEqual(expect.arrayContaining(PROVIDED));
  });

  it.each(['services.handler', 'services-cjs.handler'])('%s: the document client, Step Functions and EventBridge clients resolve (ESM and CommonJS)', async (handler) => {
    const outcome = await sdkFixture(handler).invoke({});
    expect(outcome).toMatchObject({ ok: true, result: { document: 'function', sfn: 'function', eventBridge: 'function' } });
  });

  it('negative control: an @aws-sdk package the runtime lacks fails Init with Runtime.ImportModuleError, naming it', async () => {
    const outcome = await sdkFixture('missing-sdk.handler').invoke({});
    expect(outcome).toMatchObject({
      ok: false,
      error: { errorType: 'Runtime.ImportModuleError', errorMessage: expect.stringMatching(/^Error: Cannot find module '@aws-sdk\/client-that-the-runtime-lacks'/) },
    });
  });
});
