/**
 * The DynamoDB Task integrations against a real DynamoDB Local, asserted against AWS's recorded
 * behaviour: the localstack snapshots validated against AWS
 * (tests/aws/services/stepfunctions/v2/services/test_dynamodb_task_service.snapshot.json and
 * test_aws_sdk_task_service.snapshot.json) and the AWS Step Functions Developer Guide sections
 * "Call DynamoDB with Step Functions" and "AWS SDK service integrations".
 */
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '@order-flow/local';
import { startDynamoDbLocal, type DynamoDbLocal } from '@order-flow/local/dynamodb';
import { dynamoDbIntegration, dynamoDbSdkIntegration, type TaskIntegration } from '@order-flow/local/stepfunctions';
import { countingClock, taskRequests, type CountingClock } from '../support/task-request.ts';

/** A task result as JSON (assertions read raw AWS shapes). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Result = Record<string, any>;

const EXECUTION_ARN = 'arn:aws:states:us-east-1:000000000000:execution:Flow:run-1';
const ITEM = { data: { S: 'HelloWorld' }, id: { S: 'id1' } };
const UPDATE = { UpdateExpression: 'set S=:r', ExpressionAttributeValues: { ':r': { S: 'HelloWorldUpdated' } } };

const taskRequest = taskRequests({ stateName: 'Store', executionArn: EXECUTION_ARN, clock: () => countingClock() });

describe('DynamoDB Task integrations on DynamoDB Local', () => {
  let ddb: DynamoDbLocal;
  let client: DynamoDBClient;
  let optimized: ReturnType<typeof dynamoDbIntegration>;
  let sdk: ReturnType<typeof dynamoDbSdkIntegration>;

  beforeAll(async () => {
    ddb = await startDynamoDbLocal();
    client = new DynamoDBClient({ endpoint: ddb.endpoint, region: ddb.region, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
    optimized = dynamoDbIntegration(client);
    sdk = dynamoDbSdkIntegration(client);
  });
  afterAll(async () => {
    client?.destroy();
    await ddb?.stop();
  });

  /** The item stored under `id`, read straight from DynamoDB Local (undefined when there is none). */
  async function storedItem(table: string, id: string) {
    return (await client.send(new GetItemCommand({ TableName: table, Key: { id: { S: id } } }))).Item;
  }

  /**
   * In a fresh table, puts `id1` if absent through `integration`, then asks again for `id1` (the
   * condition fails) and for `id2` (it holds).
   */
  async function putIfAbsentTwice(integration: TaskIntegration, resource: string) {
    const table = await newTable();
    const putIfAbsent = (id: string) => integration(taskRequest(resource, { TableName: table, Item: { ...ITEM, id: { S: id } }, ConditionExpression: 'attribute_not_exists(id)' }));
    await putIfAbsent('id1');
    return { conflict: putIfAbsent('id1'), fresh: putIfAbsent('id2') };
  }

  /** A fresh table keyed by `id` (S), as the snapshots' tests create. */
  async function newTable(): Promise<string> {
    const name = `sfn-${randomUUID()}`;
    await client.send(
      new CreateTableCommand({
        TableName: name,
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    return name;
  }

  describe('optimized integrations ("Call DynamoDB with Step Functions")', () => {
    it('putItem then getItem answer the API response with SdkHttpMetadata/SdkResponseMetadata (snapshot test_base_integrations[DYNAMODB_PUT_GET_ITEM])', async () => {
      // Prepare
      const table = await newTable();

      // Act
      const put = (await optimized(taskRequest('arn:aws:states:::dynamodb:putItem', { TableName: table, Item: ITEM }))) as Result;
      const get = (await optimized(taskRequest('arn:aws:states:::dynamodb:getItem', { TableName: table, Key: { id: { S: 'id1' } } }))) as Result;

      // Assess
      expect(Object.keys(put)).toEqual(['SdkHttpMetadata', 'SdkResponseMetadata']);
      expect(Object.keys(get)).toEqual(['Item', 'SdkHttpMetadata', 'SdkResponseMetadata']);
      expect(get.Item).toEqual(ITEM);
      // The recorded Content-Lengths: 2 for PutItem's `{}`, 53 for this GetItem response.
      expect(put.SdkHttpMetadata).toMatchObject({ HttpStatusCode: 200, HttpHeaders: { 'Content-Length': '2', 'Content-Type': 'application/x-amz-json-1.0' } });
      expect(put.SdkHttpMetadata.AllHttpHeaders['Content-Length']).toEqual(['2']);
      expect(get.SdkHttpMetadata.HttpHeaders['Content-Length']).toBe('53');
      expect(get.SdkHttpMetadata.HttpHeaders['x-amz-crc32']).toMatch(/^\d+$/);
      expect(get.SdkResponseMetadata.RequestId).toBe(get.SdkHttpMetadata.HttpHeaders['x-amzn-RequestId']);
      expect(get.SdkResponseMetadata.RequestId).not.toBe(put.SdkResponseMetadata.RequestId);
    });

    it('updateItem with ReturnValues UPDATED_NEW answers Attributes (snapshot [DYNAMODB_PUT_UPDATE_GET_ITEM]: Content-Length 46, then 83)', async () => {
      // Prepare
      const table = await newTable();
      await optimized(taskRequest('arn:aws:states:::dynamodb:putItem', { TableName: table, Item: ITEM }));

      // Act
      const update = (await optimized(
        taskRequest('arn:aws:states:::dynamodb:updateItem', { TableName: table, Key: { id: { S: 'id1' } }, ReturnValues: 'UPDATED_NEW', ...UPDATE }),
      )) as Result;
      const get = (await optimized(taskRequest('arn:aws:states:::dynamodb:getItem', { TableName: table, Key: { id: { S: 'id1' } } }))) as Result;

      // Assess
      expect(update.Attributes).toEqual({ S: { S: 'HelloWorldUpdated' } });
      expect(update.SdkHttpMetadata.HttpHeaders['Content-Length']).toBe('46');
      expect(get.Item).toEqual({ S: { S: 'HelloWorldUpdated' }, ...ITEM });
      expect(get.SdkHttpMetadata.HttpHeaders['Content-Length']).toBe('83');
    });

    it('deleteItem with ReturnValues ALL_OLD answers the deleted item; a second delete answers no Attributes', async () => {
      // Prepare
      const table = await newTable();
      await optimized(taskRequest('arn:aws:states:::dynamodb:putItem', { TableName: table, Item: ITEM }));
      const remove = () => optimized(taskRequest('arn:aws:states:::dynamodb:deleteItem', { TableName: table, Key: { id: { S: 'id1' } }, ReturnValues: 'ALL_OLD' }));

      // Act
      const first = (await remove()) as Result;
      const second = (await remove()) as Result;

      // Assess
      expect(first.Attributes).toEqual(ITEM);
      expect(second).not.toHaveProperty('Attributes');
    });

    it('fails a failed condition with DynamoDB.ConditionalCheckFailedException and the AmazonDynamoDBv2 Cause; a met condition writes', async () => {
      // Prepare / Act
      const { conflict, fresh } = await putIfAbsentTwice(optimized, 'arn:aws:states:::dynamodb:putItem');

      // Assess
      await expect(conflict).rejects.toMatchObject({
        name: 'DynamoDB.ConditionalCheckFailedException',
        message: expect.stringMatching(
          /^The conditional request failed \(Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ConditionalCheckFailedException; Request ID: [^;]+; Proxy: null\)$/,
        ),
      });
      await expect(fresh).resolves.toHaveProperty('SdkHttpMetadata');
    });

    it('fails a missing table with DynamoDB.ResourceNotFoundException', async () => {
      // Act
      const missing = optimized(taskRequest('arn:aws:states:::dynamodb:getItem', { TableName: `absent-${randomUUID()}`, Key: { id: { S: 'id1' } } }));

      // Assess
      await expect(missing).rejects.toMatchObject({ name: 'DynamoDB.ResourceNotFoundException' });
    });

    it('drops parameters the optimized integration does not pass on', async () => {
      // Prepare
      const table = await newTable();

      // Act
      const put = optimized(taskRequest('arn:aws:states:::dynamodb:putItem', { TableName: table, Item: ITEM, Comment: 'not a PutItem member' }));

      // Assess
      await expect(put).resolves.toHaveProperty('SdkResponseMetadata');
    });

    it('refuses resources Step Functions does not integrate (snapshot test_invalid_integration: dynamodb:query) and the .waitForTaskToken pattern', async () => {
      // Prepare
      const table = await newTable();

      // Act
      const query = optimized(taskRequest('arn:aws:states:::dynamodb:query', { TableName: table }));
      const callback = optimized(taskRequest('arn:aws:states:::dynamodb:putItem', { TableName: table, Item: ITEM }, { pattern: 'waitForTaskToken', taskToken: 't' }));

      // Assess
      await expect(query).rejects.toMatchObject({ name: 'States.Runtime', message: expect.stringContaining('arn:aws:states:::dynamodb:query is not recognized') });
      await expect(callback).rejects.toMatchObject({ name: 'States.Runtime' });
      expect(await storedItem(table, 'id1')).toBeUndefined();
    });

    it('round-trips binary attributes as base64 text, as Step Functions JSON carries them', async () => {
      // Prepare
      const table = await newTable();
      const bytes = Buffer.from([0, 1, 2, 250, 255]);
      const item = { id: { S: 'bin' }, blob: { B: bytes.toString('base64') }, blobs: { BS: [Buffer.from('a').toString('base64'), Buffer.from('b').toString('base64')] } };

      // Act
      await optimized(taskRequest('arn:aws:states:::dynamodb:putItem', { TableName: table, Item: item }));
      const get = (await optimized(taskRequest('arn:aws:states:::dynamodb:getItem', { TableName: table, Key: { id: { S: 'bin' } } }))) as Result;
      const stored = await storedItem(table, 'bin');

      // Assess
      expect(get.Item.blob).toEqual({ B: bytes.toString('base64') });
      expect([...get.Item.blobs.BS].sort()).toEqual(item.blobs.BS);
      // Negative control: the stored bytes are the decoded ones, not the base64 text.
      expect(Buffer.from(stored!['blob']!.B!)).toEqual(bytes);
    });

    it('accepts any partition and tracks the request on the engine clock', async () => {
      // Prepare
      const table = await newTable();
      const request = taskRequest('arn:aws-us-gov:states:::dynamodb:putItem', { TableName: table, Item: ITEM });

      // Act
      await optimized(request);

      // Assess
      expect((request.clock as CountingClock).tracked).toBe(1);
      expect(await storedItem(table, 'id1')).toEqual(ITEM);
    });

    it('does not write when the Task is already aborted, and rejects with the abort reason', async () => {
      // Prepare
      const table = await newTable();
      const controller = new AbortController();
      const reason = new Error('state timed out');
      controller.abort(reason);

      // Act
      const aborted = optimized(taskRequest('arn:aws:states:::dynamodb:putItem', { TableName: table, Item: ITEM }, { signal: controller.signal }));

      // Assess
      await expect(aborted).rejects.toBe(reason);
      expect(await storedItem(table, 'id1')).toBeUndefined();
    });
    it('rejects with the abort reason when the Task is aborted while DynamoDB answers', async () => {
      // Prepare
      const table = await newTable();
      const controller = new AbortController();
      const reason = new Error('execution stopped');

      // Act
      const inFlight = optimized(taskRequest('arn:aws:states:::dynamodb:getItem', { TableName: table, Key: { id: { S: 'id1' } } }, { signal: controller.signal }));
      controller.abort(reason);

      // Assess
      await expect(inFlight).rejects.toBe(reason);
    });
  });

  describe('AWS SDK integrations ("AWS SDK service integrations")', () => {
    it('putItem answers {} and getItem {Item}, without SDK metadata (snapshot test_aws_sdk_task_service test_dynamodb_put_get_item)', async () => {
      // Prepare
      const table = await newTable();

      // Act
      const put = await sdk(taskRequest('arn:aws:states:::aws-sdk:dynamodb:putItem', { TableName: table, Item: ITEM }));
      const get = await sdk(taskRequest('arn:aws:states:::aws-sdk:dynamodb:getItem', { TableName: table, Key: { id: { S: 'id1' } } }));

      // Assess
      expect(put).toEqual({});
      expect(get).toEqual({ Item: ITEM });
    });

    it('query answers {Count, Items, ScannedCount} (snapshot test_base_integrations[DYNAMODB_PUT_QUERY])', async () => {
      // Prepare
      const table = await newTable();
      await sdk(taskRequest('arn:aws:states:::aws-sdk:dynamodb:putItem', { TableName: table, Item: ITEM }));

      // Act
      const query = await sdk(
        taskRequest('arn:aws:states:::aws-sdk:dynamodb:query', { TableName: table, KeyConditionExpression: 'id = :id', ExpressionAttributeValues: { ':id': { S: 'id1' } } }),
      );
      const none = await sdk(
        taskRequest('arn:aws:states:::aws-sdk:dynamodb:query', { TableName: table, KeyConditionExpression: 'id = :id', ExpressionAttributeValues: { ':id': { S: 'id2' } } }),
      );

      // Assess
      expect(query).toEqual({ Count: 1, Items: [ITEM], ScannedCount: 1 });
      expect(none).toEqual({ Count: 0, Items: [], ScannedCount: 0 });
    });

    it('runs any action by its camelCase name: transactWriteItems, batchGetItem, scan', async () => {
      // Prepare
      const table = await newTable();
      const put = (id: string) => ({ Put: { TableName: table, Item: { ...ITEM, id: { S: id } } } });

      // Act
      const write = await sdk(taskRequest('arn:aws:states:::aws-sdk:dynamodb:transactWriteItems', { TransactItems: [put('a'), put('b')] }));
      const batch = (await sdk(
        taskRequest('arn:aws:states:::aws-sdk:dynamodb:batchGetItem', { RequestItems: { [table]: { Keys: [{ id: { S: 'a' } }, { id: { S: 'b' } }] } } }),
      )) as Result;
      const scan = (await sdk(taskRequest('arn:aws:states:::aws-sdk:dynamodb:scan', { TableName: table, Select: 'COUNT' }))) as Result;

      // Assess
      expect(write).toEqual({});
      expect(batch.Responses[table].map((item: Result) => String(item.id.S)).sort()).toEqual(['a', 'b']);
      expect(batch.UnprocessedKeys).toEqual({});
      expect(scan).toMatchObject({ Count: 2, ScannedCount: 2 });
    });

    it('fails a failed condition with DynamoDb.ConditionalCheckFailedException and the SDK v2 Cause; a met condition writes', async () => {
      // Prepare / Act
      const { conflict, fresh } = await putIfAbsentTwice(sdk, 'arn:aws:states:::aws-sdk:dynamodb:putItem');

      // Assess
      await expect(conflict).rejects.toMatchObject({
        name: 'DynamoDb.ConditionalCheckFailedException',
        message: expect.stringMatching(/^The conditional request failed \(Service: DynamoDb, Status Code: 400, Request ID: [^)]+\)$/),
      });
      await expect(fresh).resolves.toEqual({});
    });

    it('fails a cancelled transaction with DynamoDb.TransactionCanceledException and writes nothing', async () => {
      // Prepare
      const table = await newTable();
      await sdk(taskRequest('arn:aws:states:::aws-sdk:dynamodb:putItem', { TableName: table, Item: ITEM }));
      const items = [
        { Put: { TableName: table, Item: { ...ITEM, id: { S: 'new' } } } },
        { ConditionCheck: { TableName: table, Key: { id: { S: 'id1' } }, ConditionExpression: 'attribute_not_exists(id)' } },
      ];

      // Act
      const cancelled = sdk(taskRequest('arn:aws:states:::aws-sdk:dynamodb:transactWriteItems', { TransactItems: items }));

      // Assess
      await expect(cancelled).rejects.toMatchObject({ name: 'DynamoDb.TransactionCanceledException', message: expect.stringContaining('ConditionalCheckFailed') });
      expect(await storedItem(table, 'new')).toBeUndefined();
    });

    it('refuses an action DynamoDB does not have, a PascalCase action, and .sync', async () => {
      // Prepare
      const table = await newTable();

      // Act
      const unknown = sdk(taskRequest('arn:aws:states:::aws-sdk:dynamodb:frobnicate', { TableName: table }));
      const pascal = sdk(taskRequest('arn:aws:states:::aws-sdk:dynamodb:PutItem', { TableName: table, Item: ITEM }));
      const sync = sdk(taskRequest('arn:aws:states:::aws-sdk:dynamodb:putItem', { TableName: table, Item: ITEM }, { pattern: 'sync' }));

      // Assess
      await expect(unknown).rejects.toMatchObject({ name: 'States.Runtime' });
      await expect(pascal).rejects.toMatchObject({ name: 'States.Runtime' });
      await expect(sync).rejects.toMatchObject({ name: 'States.Runtime' });
      expect(await storedItem(table, 'id1')).toBeUndefined();
    });

    it('runs .waitForTaskToken requests (the engine then waits for the token)', async () => {
      // Prepare
      const table = await newTable();

      // Act
      const put = await sdk(taskRequest('arn:aws:states:::aws-sdk:dynamodb:putItem', { TableName: table, Item: ITEM }, { pattern: 'waitForTaskToken', taskToken: 'token-1' }));

      // Assess
      expect(put).toEqual({});
      expect(await storedItem(table, 'id1')).toEqual(ITEM);
    });
  });
});
