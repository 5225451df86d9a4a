import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { CapacityProxy, billedCapacity, itemBytes, type BilledCapacity, type CapacityCall } from '../src/capacity.js';
import { billPerMillion, lambdaGbSeconds, reconcilerMonthly, type PathUsage, type Prices } from '../src/cost.js';
import { accessLogLine, ingestedBytes, stepFunctionsLogRecords } from '../src/logs.js';

/** prices.json's figures, written out so the expected values below can be computed by hand. */
const prices = {
  region: 'us-east-1',
  date: 'test',
  source: 'test',
  hoursPerMonth: 730,
  stepFunctions: { standardPerStateTransition: 0.000025, expressPerRequest: 0.000001, expressPerGbSecond: 0.00001667, expressMemoryIncrementMb: 64, expressDurationIncrementMs: 100 },
  lambda: { perRequest: 0.0000002, perGbSecond: 0.0000133334, durationIncrementMs: 1 },
  dynamodb: { perWriteRequestUnit: 0.000000625, perReadRequestUnit: 0.000000125 },
  eventbridge: { perCustomEvent: 0.000001 },
  apiGateway: { httpApiPerRequest: 0.000001, requestMeteringBytes: 524288 },
  cloudwatchLogs: { perGbIngested: 0.5, bytesPerGb: 1073741824, eventOverheadBytes: 26 },
  xray: { perTraceRecorded: 0.000005 },
} satisfies Prices;

const call = (operation: string, ok: boolean, response: Record<string, unknown>, request: Record<string, unknown> = {}): CapacityCall => ({ operation, ok, response, request });
const billed = (b: BilledCapacity) => [b.readUnits, b.writeUnits, b.rule];

describe('DynamoDB capacity as AWS bills it', () => {
  it('sizes items as DynamoDB does: names + values, 3 bytes + 1 per element for lists and maps', () => {
    // orderId 7+2, n 1+(2+1), ok 2+1, l 1+3+(1+2), m 1+3+(1+1)+1
    const item = { orderId: { S: 'o1' }, n: { N: '123' }, ok: { BOOL: true }, l: { L: [{ S: 'ab' }] }, m: { M: { k: { S: 'v' } } } };

    expect(itemBytes(item)).toBe(9 + 4 + 3 + 7 + 7);
  });

  it('doubles what DynamoDB Local reports for a transaction (2 units per item unit)', () => {
    // The reservation: Update of the stock + Put of the reservation, each under 1 KB. Local says 2.
    const reserve = call('TransactWriteItems', true, { ConsumedCapacity: [{ TableName: 'inventory', CapacityUnits: 2 }] });
    const read = call('TransactGetItems', true, { ConsumedCapacity: [{ TableName: 'a', CapacityUnits: 1 }, { TableName: 'b', CapacityUnits: 1 }] });

    expect(billed(billedCapacity(reserve))).toEqual([0, 4, 'transaction x2']);
    expect(billed(billedCapacity(read))).toEqual([4, 0, 'transaction x2']);
    expect(billedCapacity(reserve).reportedUnits).toBe(2);
  });

  it('takes other successful requests as reported, attributing a bare total by the kind of operation', () => {
    expect(billed(billedCapacity(call('GetItem', true, { ConsumedCapacity: { CapacityUnits: 1 } })))).toEqual([1, 0, 'as reported']);
    expect(billed(billedCapacity(call('PutItem', true, { ConsumedCapacity: { CapacityUnits: 2 } })))).toEqual([0, 2, 'as reported']);
    expect(billed(billedCapacity(call('BatchGetItem', true, { ConsumedCapacity: [{ CapacityUnits: 1 }, { CapacityUnits: 0.5 }] })))).toEqual([1.5, 0, 'as reported']);
    expect(billed(billedCapacity(call('Query', true, { ConsumedCapacity: { ReadCapacityUnits: 3, WriteCapacityUnits: 0 } })))).toEqual([3, 0, 'as reported']);
  });

  it('bills a failed conditional write by the size of the item (at least 1 unit); Local reports none', () => {
    const small = { orderId: { S: 'o1' }, status: { S: 'PENDING' } };
    const large = { orderId: { S: 'o1' }, blob: { S: 'x'.repeat(1500) } }; // 7+2 + 4+1500 = 1513 bytes: 2 units
    const refused = (item: Record<string, unknown>) =>
      billedCapacity(call('PutItem', false, { __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException' }, { Item: item }));

    expect(billed(refused(small))).toEqual([0, 1, 'failed conditional write']);
    expect(billed(refused(large))).toEqual([0, 2, 'failed conditional write']);
    expect(billed(billedCapacity(call('UpdateItem', false, { __type: 'x#ConditionalCheckFailedException' })))).toEqual([0, 1, 'failed conditional write']);
  });

  it('counts a canceled transaction as its items written transactionally (an assumption), and other errors as nothing', () => {
    const canceled = call(
      'TransactWriteItems',
      false,
      { __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException' },
      { TransactItems: [{ Update: { Key: { pk: { S: 'SKU#1' } } } }, { Put: { Item: { pk: { S: 'RES#o1' } } } }] },
    );

    expect(billed(billedCapacity(canceled))).toEqual([0, 4, 'canceled transaction (assumed)']);
    expect(billed(billedCapacity(call('PutItem', false, { __type: 'x#ProvisionedThroughputExceededException' })))).toEqual([0, 0, 'not billed']);
  });

  it('the proxy asks every request for its consumed capacity and returns the answer unchanged', async () => {
    const answer = JSON.stringify({ ConsumedCapacity: [{ TableName: 'inventory', CapacityUnits: 2 }] });
    let forwarded: Record<string, unknown> = {};
    const upstream = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        forwarded = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(answer);
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', () => resolve()));
    const calls: [string, BilledCapacity][] = [];
    const proxy = await CapacityProxy.start((c, b) => calls.push([c.operation, b]));
    proxy.upstream = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    try {
      const body = JSON.stringify({ TransactItems: [{ Update: {} }, { Put: {} }] });
      const received = await new Promise<string>((resolve, reject) => {
        const url = new URL(proxy.endpoint);
        const req = request({ host: url.hostname, port: url.port, method: 'POST', path: '/', headers: { 'x-amz-target': 'DynamoDB_20120810.TransactWriteItems', 'content-length': Buffer.byteLength(body) } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        });
        req.on('error', reject);
        req.end(body);
      });

      expect(forwarded.ReturnConsumedCapacity).toBe('TOTAL');
      expect(received).toBe(answer);
      await new Promise((resolve) => setImmediate(resolve));
      expect(calls.map(([operation, b]) => [operation, b.writeUnits, b.reportedUnits])).toEqual([['TransactWriteItems', 4, 2]]);
    } finally {
      await proxy.close();
      upstream.close();
    }
  });
});

describe('the bill per million orders', () => {
  // A confirmed order: 6 states, 5 invocations (order-api + 4 steps) billing 200 ms at 256 MB,
  // 5 RRU, 16 WRU (of which the reservation's and the capture's transactions: 2 × 4), 1 API
  // request, 1 event, 16,200 bytes of logs, 1 trace, 120 ms of execution.
  const confirmed: PathUsage = {
    transitions: 6,
    lambdaInvocations: 5,
    lambdaBilledMs: 200,
    lambdaGbSeconds: 0.2 * 0.25,
    readUnits: 5,
    writeUnits: 16,
    apiRequests: 1,
    events: 1,
    logBytes: { lambda: 7000, stepFunctions: 9000, apiGateway: 200 },
    traces: 1,
    executionMs: 120,
  };

  it('prices each service of a confirmed order, transactions included', () => {
    const bill = billPerMillion(confirmed, prices);

    expect(bill.stepFunctionsStandard).toBeCloseTo(6 * 25, 9); // $0.025 per 1,000 transitions
    expect(bill.lambda).toBeCloseTo(5 * 0.2 + 0.05 * 13.3334, 9);
    expect(bill.dynamodb).toBeCloseTo(5 * 0.125 + 16 * 0.625, 9); // = 10.625
    expect(bill.apiGateway).toBeCloseTo(1, 9);
    expect(bill.eventbridge).toBeCloseTo(1, 9);
    expect(bill.logs).toBeCloseTo((16_200 / 1_073_741_824) * 0.5 * 1e6, 9); // ≈ 7.5437
    expect(bill.xray).toBeCloseTo(5, 9);
    expect(bill.totalStandard).toBeCloseTo(150 + 1.666670 + 10.625 + 1 + 1 + 7.543713 + 5, 4);
    // Express: 1 request + 200 ms (120 rounded up) × 0.0625 GB × $0.00001667, per million.
    expect(bill.stepFunctionsExpress).toBeCloseTo(1 + 0.2 * 0.0625 * 16.67, 9);
    expect(bill.totalExpress - bill.stepFunctionsExpress).toBeCloseTo(bill.totalStandard - bill.stepFunctionsStandard, 9);
  });

  it('charges a retried path for every attempt: transitions, invocations, their capacity and logs', () => {
    // tok_gatewayFlaky: ProcessPayment fails twice then approves: 2 more transitions (Standard
    // bills retries), 2 more payment invocations of 50 ms, 4 more RRU and 2 more WRU (the attempt
    // ledger), 1,600 more bytes of logs.
    const flaky: PathUsage = {
      ...confirmed,
      transitions: 8,
      lambdaInvocations: 7,
      lambdaGbSeconds: confirmed.lambdaGbSeconds + 2 * 0.05 * 0.25,
      readUnits: 9,
      writeUnits: 18,
      logBytes: { ...confirmed.logBytes, lambda: 8600 },
      executionMs: 3120,
    };
    const base = billPerMillion(confirmed, prices);
    const bill = billPerMillion(flaky, prices);

    expect(bill.stepFunctionsStandard - base.stepFunctionsStandard).toBeCloseTo(2 * 25, 9);
    expect(bill.lambda - base.lambda).toBeCloseTo(2 * 0.2 + 0.025 * 13.3334, 9);
    expect(bill.dynamodb - base.dynamodb).toBeCloseTo(4 * 0.125 + 2 * 0.625, 9);
    expect(bill.logs - base.logs).toBeCloseTo((1600 / 1_073_741_824) * 0.5 * 1e6, 9);
    // Express bills the retry waits: 3,200 ms instead of 200.
    expect(bill.stepFunctionsExpress).toBeCloseTo(1 + 3.2 * 0.0625 * 16.67, 9);
  });

  it('rounds each invocation up to the billing increment before applying the memory', () => {
    expect(lambdaGbSeconds(12.3, 256, prices)).toBeCloseTo(0.013 * 0.25, 12);
    expect(lambdaGbSeconds(0.2, 1024, prices)).toBeCloseTo(0.001, 12);
  });

  it('prices the reconciler per month: a fixed schedule, and a Scan that grows with the orders stored', () => {
    const monthly = reconcilerMonthly({ transitions: 6, logBytes: 6856, traces: 1, orderItemBytes: 453 }, 15, prices);

    expect(monthly.sweepsPerMonth).toBe(2920); // 730 h × 4
    expect(monthly.stepFunctions).toBeCloseTo(2920 * 6 * 0.000025, 9); // $0.438
    expect(monthly.xray).toBeCloseTo(2920 * 0.000005, 9);
    expect(monthly.logs).toBeCloseTo(((2920 * 6856) / 1_073_741_824) * 0.5, 9);
    // 1,000,000 × 453 bytes = 453,000,000 bytes / 4 KB = 110,595.7 -> 110,596 RRU per sweep.
    expect(monthly.scanReadUnitsPerMillionStored).toBe(110_596);
    expect(monthly.scanPerMillionStoredOrders).toBeCloseTo(2920 * 110_596 * 0.000000125, 9); // ≈ $40.37
  });
});

describe('CloudWatch Logs records', () => {
  it('renders Step Functions execution events without their data, as level ALL writes them', () => {
    const arn = 'arn:aws:states:us-east-1:000000000000:execution:M:o1';
    const history = [
      { timestamp: new Date(1_764_316_562_074), type: 'TaskStateEntered', id: 2, previousEventId: 0, stateEnteredEventDetails: { name: 'CreateOrder', input: '{"secret":1}', inputDetails: { truncated: false } } },
    ];
    const [record] = stepFunctionsLogRecords(history, arn);

    expect(JSON.parse(record!)).toEqual({
      id: '2',
      type: 'TaskStateEntered',
      details: { name: 'CreateOrder' },
      previous_event_id: '0',
      event_timestamp: '1764316562074',
      execution_arn: arn,
      redrive_count: '0',
    });
  });

  it('fills an access log format and counts bytes with the per-event overhead', () => {
    const line = accessLogLine('{"id":"$context.requestId","status":"$context.status","err":"$context.integrationErrorMessage"}', { requestId: 'abc', status: '202' });

    expect(line).toBe('{"id":"abc","status":"202","err":"-"}');
    expect(ingestedBytes([line, 'é'], 26)).toBe(line.length + 26 + 2 + 26);
  });
});
