import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { ErrorName } from '@order-flow/contracts';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseOutageWindows } from '../../src/adapters/outage-windows.js';
import { gatewayKey } from '../../src/adapters/simulated-gateway.js';
import { createHandler } from '../../src/handler.js';
import { createTestTable, type TestTable } from '../support/dynamodb.js';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../events/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;

let table: TestTable;
let handler: ReturnType<typeof createHandler>;
let n = 0;
const orderId = () => `ord_h_${++n}`;

beforeAll(async () => {
  table = await createTestTable();
  handler = createHandler({ client: table.client, tableName: table.tableName, logger: new Logger({ serviceName: 'payment-test', logLevel: 'SILENT' }) });
});
afterAll(async () => {
  await table.drop();
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** Captures what the Powertools logger writes (it writes to stdout/stderr directly, as JSON lines). */
function captureLogs(): () => string {
  const lines: string[] = [];
  const keep = (chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(keep);
  vi.spyOn(process.stderr, 'write').mockImplementation(keep);
  return () => lines.join('');
}

describe('payment handler (createHandler) on DynamoDB Local', () => {
  it('charges, then refunds, with the action payloads the workflow sends', async () => {
    const id = orderId();

    const charged = await handler({ ...fixture('charge'), orderId: id });
    const refunded = await handler({ ...fixture('refund'), orderId: id });

    expect(charged).toEqual({ orderId: id, paymentId: expect.stringMatching(/^ch_sim_/), amount: 2598, currency: 'USD', status: 'CAPTURED' });
    expect(refunded).toEqual({ orderId: id, refunded: true, status: 'REFUNDED' });
  });

  it('rejects a card number as token, naming `token`, and writes nothing', async () => {
    const before = await table.scan();

    const attempt = handler(fixture('charge-card-number'));

    await expect(attempt).rejects.toMatchObject({ name: ErrorName.InvalidInput });
    await expect(attempt).rejects.toThrow('token: must be a payment token (tok_...), never a card number');
    expect(await table.scan()).toEqual(before);
  });

  it('names each offending field of an invalid event', async () => {
    await expect(handler({ action: 'charge', orderId: 'bad id!', amount: 0, currency: 'usd', token: 'tok_visa' })).rejects.toMatchObject({
      name: ErrorName.InvalidInput,
      message: expect.stringMatching(/orderId: .*amount: must be at least 1.*currency: /),
    });
    await expect(handler({ action: 'pay', orderId: 'ord_1' })).rejects.toMatchObject({ name: ErrorName.InvalidInput });
  });

  it('reports domain errors by their stable name (Lambda errorType)', async () => {
    const id = orderId();

    await expect(handler({ ...fixture('charge'), orderId: id, token: 'tok_chargeDeclined' })).rejects.toMatchObject({
      name: ErrorName.PaymentDeclined,
    });
    await expect(handler({ ...fixture('charge'), orderId: orderId(), token: 'tok_gatewayDown' })).rejects.toMatchObject({
      name: ErrorName.PaymentGatewayUnavailable,
    });
  });

  it('logs the orderId and a token prefix, never the token', async () => {
    const id = orderId();
    const logged = createHandler({ client: table.client, tableName: table.tableName, logger: new Logger({ serviceName: 'payment-test' }) });
    const logs = captureLogs();

    await logged({ ...fixture('charge'), orderId: id, token: 'tok_mastercard' });
    await expect(logged({ ...fixture('charge-card-number'), orderId: id })).rejects.toThrow();
    const output = logs();

    expect(output).toContain(`"orderId":"${id}"`);
    expect(output).toContain('"tokenPrefix":"tok_ma…"');
    expect(output).not.toContain('tok_mastercard');
    expect(output).not.toMatch(/4242/);
  });

  it('passes its outage windows to the simulated gateway: a charge during one is transient and leaves the record PENDING', async () => {
    const id = orderId();
    const time = { now: new Date('2030-01-01T00:20:00Z') };
    const during = createHandler({
      client: table.client,
      tableName: table.tableName,
      logger: new Logger({ logLevel: 'SILENT' }),
      clock: { now: () => time.now },
      gatewayOutages: parseOutageWindows('2030-01-01T00:10:00Z/2030-01-01T00:40:00Z'),
    });

    await expect(during({ ...fixture('charge'), orderId: id })).rejects.toMatchObject({ name: ErrorName.PaymentGatewayUnavailable });
    expect(await table.item(`PAYMENT#${id}`)).toMatchObject({ status: 'PENDING' });
    expect(await table.item(gatewayKey(id))).toBeUndefined();

    // The retry after the outage charges once.
    time.now = new Date('2030-01-01T00:40:00Z');
    await expect(during({ ...fixture('charge'), orderId: id })).resolves.toMatchObject({ status: 'CAPTURED' });
  });

  it('fails clearly when no table is configured', async () => {
    const unconfigured = createHandler({ client: table.client, tableName: undefined, logger: new Logger({ logLevel: 'SILENT' }) });

    await expect(unconfigured(fixture('refund'))).rejects.toThrow(/PAYMENT_TABLE_NAME is not set/);
  });
});
