/**
 * Vitest global setup that starts one DynamoDB Local for a test project and hands its endpoint
 * to the tests (`inject('dynamodbEndpoint')`). Each test creates its own uniquely named tables.
 *
 * @example
 * // vitest.config.ts
 * test: { globalSetup: ['./tests/global-setup.ts'] }
 * // tests/global-setup.ts
 * export { default } from '@order-flow/local/testing';
 */
import { randomBytes } from 'node:crypto';
import type {} from 'vitest';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS, startDynamoDbLocal } from './dynamodb/local.js';
import { TABLE_TYPES, toCreateTableInput } from './cloudformation/tables.js';

export { findFreePort, PortInUseError } from './aws-protocol/tcp-ports.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}

interface Provider {
  provide(key: 'dynamodbEndpoint', value: string): void;
}

export default async function setup(project: Provider): Promise<() => Promise<void>> {
  const ddb = await startDynamoDbLocal();
  project.provide('dynamodbEndpoint', ddb.endpoint);
  return () => ddb.stop();
}

/** A CloudFormation template as `Template.fromStack(stack).toJSON()` returns it. */
export interface TemplateJson {
  readonly Resources?: Readonly<Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown> }>>;
}

/**
 * The CreateTable request for the one DynamoDB table a synthesized template declares, under
 * `tableName`: tests create their tables from the construct's own layout (keys, indexes) instead
 * of a hand-written copy that could drift from it.
 *
 * @example
 * const stack = new Stack(new App(), 'T');
 * new PaymentStep(stack, 'Payment', { code: lambda.Code.fromInline('') });
 * await client.send(new CreateTableCommand(tableLayoutFromTemplate(Template.fromStack(stack).toJSON(), 'payment-1')));
 */
export function tableLayoutFromTemplate(template: TemplateJson, tableName: string): CreateTableCommandInput {
  const tables = Object.values(template.Resources ?? {}).filter((resource) => TABLE_TYPES.has(resource.Type));
  if (tables.length !== 1) throw new Error(`Expected exactly one DynamoDB table in the template, found ${tables.length}`);
  return toCreateTableInput(tableName, tables[0]!.Properties ?? {});
}

/** A uniquely named table on a DynamoDB Local, for one test file (see {@link createTestTable}). */
export interface TestTable {
  readonly tableName: string;
  /** The low-level client (CreateTable, raw attribute values). */
  readonly client: DynamoDBClient;
  /** A document client on the same endpoint; `undefined` attributes are omitted, as the stores expect. */
  readonly documentClient: DynamoDBDocumentClient;
  /** The item with this key (strongly consistent), or `undefined`. */
  item(key: Record<string, unknown>): Promise<Record<string, unknown> | undefined>;
  /** Every item (strongly consistent; one page, which test tables never outgrow). */
  scan(): Promise<Record<string, unknown>[]>;
  /** How many items the table holds. */
  itemCount(): Promise<number>;
  /** Deletes the table and closes the clients. */
  dispose(): Promise<void>;
}

/** What {@link createTestTable} needs. */
export interface TestTableOptions {
  /** The DynamoDB Local endpoint, e.g. `inject('dynamodbEndpoint')`. */
  readonly endpoint: string;
  /**
   * The synthesized template declaring exactly one table, or a function returning it (called at
   * most once per process for the same function, so a file synthesizes its stack once).
   */
  readonly template: TemplateJson | (() => TemplateJson);
  /** Start of the table name (letters, digits, `_`, `-`, `.`); a random suffix makes it unique. */
  readonly prefix: string;
}

const synthesized = new WeakMap<() => TemplateJson, TemplateJson>();

/**
 * Creates a uniquely named table laid out exactly as the template declares it (keys, indexes):
 * the one way the packages' tests make their DynamoDB Local tables, so test files can run in
 * parallel on one DynamoDB Local and no test keeps a hand-written layout that could drift.
 *
 * @example
 * const layout = () => {
 *   const stack = new Stack(new App(), 'TableLayout');
 *   new PaymentStep(stack, 'Payment', { code: lambda.Code.fromInline('exports.handler = () => {}') });
 *   return Template.fromStack(stack).toJSON();
 * };
 * const table = await createTestTable({ endpoint: inject('dynamodbEndpoint'), template: layout, prefix: 'payment' });
 * @throws Error when `prefix` is not a valid start of a table name, or the template has not exactly one table
 */
export async function createTestTable(options: TestTableOptions): Promise<TestTable> {
  if (!/^[A-Za-z0-9_.-]{1,200}$/.test(options.prefix)) {
    throw new Error(`createTestTable: prefix must be 1-200 letters, digits, "_", "-" or "." (got ${JSON.stringify(options.prefix)})`);
  }
  const template = typeof options.template === 'function' ? templateOnce(options.template) : options.template;
  const tableName = `${options.prefix}-${randomBytes(6).toString('hex')}`;
  const input = tableLayoutFromTemplate(template, tableName);
  const client = new DynamoDBClient({ endpoint: options.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  const documentClient = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  await client.send(new CreateTableCommand(input));
  const scan = async () => (await documentClient.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }))).Items ?? [];
  return {
    tableName,
    client,
    documentClient,
    item: async (key) => (await documentClient.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item,
    scan,
    itemCount: async () => (await scan()).length,
    dispose: async () => {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
    },
  };
}

function templateOnce(synthesize: () => TemplateJson): TemplateJson {
  let template = synthesized.get(synthesize);
  if (!template) {
    template = synthesize();
    synthesized.set(synthesize, template);
  }
  return template;
}

/** The Lambda context object a handler receives (the `Context` of `@types/aws-lambda`). */
export interface TestLambdaContext {
  readonly callbackWaitsForEmptyEventLoop: boolean;
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly awsRequestId: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  getRemainingTimeInMillis(): number;
  done(): void;
  fail(): void;
  succeed(): void;
}

/**
 * A Lambda context for calling a handler directly in a unit test, as Lambda builds it for
 * `functionName` ($LATEST, 256 MB, in us-east-1 of account 123456789012, request `req-1`), with
 * `remainingMs` left before the timeout. ("Using the Lambda context object to retrieve Node.js
 * function information" in the Lambda Developer Guide.)
 *
 * @example
 * await handler(event, lambdaContext('order-status', 10_000));
 */
export function lambdaContext(functionName: string, remainingMs: number): TestLambdaContext {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: 'req-1',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
