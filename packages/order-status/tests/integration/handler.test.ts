import { Logger } from '@aws-lambda-powertools/logger';
import { ErrorName, OrderStatus } from '@order-flow/contracts';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoDbOrderStore } from '../../src/adapters/dynamodb-order-store.js';
import { createHandler, handler, type OrderStatusHandler } from '../../src/handler.js';
import { OrderService } from '../../src/order-service.js';
import { createOrdersTable, type TestTable } from '../support/dynamodb.js';
import { fixtures } from '../support/fixtures.js';
import { lambdaContext } from '@order-flow/local/testing';

const CARD_NUMBER = '4242 4242 4242 4242';

let table: TestTable;
let invoke: OrderStatusHandler;
let logs: string[];

beforeAll(async () => {
  table = await createOrdersTable();
  const logger = new Logger({ serviceName: 'order-status-test' });
  invoke = createHandler({ service: new OrderService(new DynamoDbOrderStore(table.documentClient, table.tableName)), logger });
});
afterAll(async () => {
  await table.dispose();
});
// Powertools writes INFO to stdout and WARN/ERROR to stderr; keep both for assertions (and off the console).
beforeEach(() => {
  captureLogs();
});
afterEach(() => {
  vi.restoreAllMocks();
});

function captureLogs(): void {
  logs = [];
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk) => {
      logs.push(String(chunk));
      return true;
    });
  }
}

const context = lambdaContext('order-status', 10_000);

describe('handler: invalid orders (the table stays empty)', () => {
  const order = () => fixtures.orderRequest() as Record<string, unknown>;
  const withItem = (quantity: unknown) => ({ ...order(), items: [{ sku: 'SKU-RED-MUG', quantity }] });

  it.each([
    ['missing customerId', { ...order(), customerId: undefined }, 'customerId: is required'],
    ['quantity 0', withItem(0), 'items.0.quantity: must be at least 1'],
    ['quantity -1', withItem(-1), 'items.0.quantity: must be at least 1'],
    ['quantity 1.5', withItem(1.5), 'items.0.quantity: must be a whole number'],
    ['a card number as token', { ...order(), payment: { token: CARD_NUMBER } }, 'payment.token: must be a payment token (tok_...), never a card number'],
    ['an unspaced card number as token', { ...order(), payment: { token: '4242424242424242' } }, 'payment.token: must be a payment token'],
  ])('rejects %s as InvalidOrder naming the field', async (_case, bad, message) => {
    const result = invoke({ action: 'create', order: bad }, context);

    await expect(result).rejects.toMatchObject({ name: ErrorName.InvalidOrder });
    await expect(result).rejects.toThrow(message);
    expect(await table.itemCount()).toBe(0);
    expect(logs.join('')).not.toContain('4242');
  });

  it('rejects a malformed step event as InvalidInput', async () => {
    const result = invoke({ action: 'confirm', orderId: 'ord_1', total: -1 }, context);

    await expect(result).rejects.toMatchObject({ name: ErrorName.InvalidInput });
    await expect(result).rejects.toThrow(/lines: .*total: .*paymentId: .*causedBy: /);
    await expect(invoke({ action: 'delete', orderId: 'ord_1' })).rejects.toMatchObject({ name: ErrorName.InvalidInput });
    expect(await table.itemCount()).toBe(0);
  });
});

describe('handler: actions', () => {
  it('creates, confirms and refuses to fail an order, logging its orderId', async () => {
    const confirm = fixtures.confirm();

    const created = await invoke({ action: 'create', order: fixtures.orderRequest() }, context);
    const confirmed = await invoke(confirm, context);
    const failing = invoke({ ...fixtures.failOutOfStock(), orderId: confirm.orderId }, context);

    expect(created).toMatchObject({ orderId: confirm.orderId, status: OrderStatus.PENDING, paymentToken: 'tok_visa' });
    expect(confirmed).toMatchObject({ status: OrderStatus.CONFIRMED, total: confirm.total });
    expect(confirmed.history).toHaveLength(2);
    await expect(failing).rejects.toMatchObject({ name: ErrorName.IllegalTransition });
    const entries = logs.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries).toHaveLength(3);
    for (const entry of entries) expect(entry).toMatchObject({ orderId: confirm.orderId, function_request_id: 'req-1' });
    expect(entries.at(-1)).toMatchObject({ level: 'WARN', errorName: ErrorName.IllegalTransition });
  });

  it('does not carry one invocation\'s orderId into the next', async () => {
    await invoke({ action: 'create', order: { ...fixtures.orderRequest(), orderId: 'ord_first' } }, context);
    captureLogs();

    await expect(invoke({ action: 'create', order: { customerId: 'cus_1' } }, context)).rejects.toThrow();

    expect(logs.join('')).not.toContain('ord_first');
  });
});

describe('handler entry point', () => {
  it('names the missing table variable instead of calling DynamoDB without a table', async () => {
    await expect(handler({ action: 'create', order: fixtures.orderRequest() })).rejects.toThrow('ORDERS_TABLE_NAME is not set');
  });
});
