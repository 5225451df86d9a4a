/**
 * The limit of the throughput benchmark: one order's handler calls (create, reserve, charge,
 * confirm) made directly in this process with the steps' own handler code, so the DynamoDB
 * operations are exactly the Lambda's, minus the state machine, the worker hop and JSONPath.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ChargeResult, OrderRecord, Reservation } from '@order-flow/contracts';
import { DynamoDbStockStore } from '@order-flow/inventory/runtime';
import { LOCAL_CREDENTIALS } from '@order-flow/local';
import { DynamoDbOrderStore, OrderService } from '@order-flow/order-status/runtime';
import { CapacityTally, countCapacity } from './capacity.js';
import type { Tables } from './cold-start.js';
import { benchOrder, type OrderRunner } from './throughput.js';

/** Handler durations of the direct path, per step (ms), for Lambda billed-duration estimates. */
export type StepDurations = Record<'create' | 'reserve' | 'charge' | 'confirm', number[]>;

type Handler = (event: unknown) => Promise<unknown>;

/** The direct order path on DynamoDB Local, with capacity counting. */
export interface DirectPath {
  readonly run: OrderRunner;
  readonly tally: CapacityTally;
  readonly durations: StepDurations;
  /** Starts recording handler durations (off during warm-up and the concurrent levels). */
  recordDurations(on: boolean): void;
  destroy(): void;
}

/**
 * Loads the three steps' `createHandler` from their sources. The handler modules read their
 * environment at import, so Powertools logging is silenced first (the runtime discards function
 * logs too; here they would flood the report).
 */
export async function createDirectPath(endpoint: string, region: string, tables: Tables): Promise<DirectPath> {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  // Source imports: payment has no runtime entry point, and the handler code is what Lambda runs.
  const inventoryModule = await import('../../../packages/inventory/src/handler.js');
  const paymentModule = await import('../../../packages/payment/src/handler.js');
  const orderStatusModule = await import('../../../packages/order-status/src/handler.js');

  const tally = new CapacityTally();
  const base = new DynamoDBClient({ endpoint, region, credentials: LOCAL_CREDENTIALS });
  countCapacity(base, tally);
  const client = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });

  const inventory = inventoryModule.createHandler({ store: new DynamoDbStockStore(client, tables.inventory) }) as Handler;
  const payment = paymentModule.createHandler({ client, tableName: tables.payment }) as Handler;
  const orderStatus = orderStatusModule.createHandler({ service: new OrderService(new DynamoDbOrderStore(client, tables.orders)) }) as Handler;

  const durations: StepDurations = { create: [], reserve: [], charge: [], confirm: [] };
  let recording = false;
  const timed = async <T>(step: keyof StepDurations, call: () => Promise<unknown>): Promise<T> => {
    const t0 = performance.now();
    const result = (await call()) as T;
    if (recording) durations[step].push(performance.now() - t0);
    return result;
  };

  const run: OrderRunner = async (orderId, sku) => {
    const order = benchOrder(orderId, sku);
    await timed<OrderRecord>('create', () => orderStatus({ action: 'create', order }));
    const reservation = await timed<Reservation>('reserve', () => inventory({ action: 'reserve', orderId, items: order.items }));
    const charge = await timed<ChargeResult>('charge', () =>
      payment({ action: 'charge', orderId, amount: reservation.total, currency: order.currency, token: order.payment.token }),
    );
    const confirmed = await timed<OrderRecord>('confirm', () =>
      orderStatus({ action: 'confirm', orderId, lines: reservation.lines, total: reservation.total, paymentId: charge.paymentId, causedBy: 'ConfirmOrder' }),
    );
    if (confirmed.status !== 'CONFIRMED') throw new Error(`direct order ${orderId} is ${confirmed.status}`);
  };

  return {
    run,
    tally,
    durations,
    recordDurations: (on) => {
      recording = on;
    },
    destroy: () => base.destroy(),
  };
}
