import { ErrorName, FailureReason, OrderStatus, OrderRecordSchema, type OrderRecord } from '@order-flow/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbOrderStore } from '../../src/adapters/dynamodb-order-store.js';
import { legalSources } from '../../src/domain/transitions.js';
import { OrderService } from '../../src/order-service.js';
import { createOrdersTable, type TestTable } from '../support/dynamodb.js';
import { fixtures } from '../support/fixtures.js';

let table: TestTable;
let service: OrderService;
let sequence = 0;

beforeAll(async () => {
  table = await createOrdersTable();
  service = new OrderService(new DynamoDbOrderStore(table.documentClient, table.tableName));
});
afterAll(async () => {
  await table.dispose();
});

/** A fresh order (own id) per test: tests share the table. */
function newRequest() {
  return { ...fixtures.orderRequest(), orderId: `ord_it_${process.pid}_${++sequence}` };
}
function confirmation() {
  const { lines, total, paymentId } = fixtures.confirm();
  return { lines, total, paymentId };
}
async function stored(orderId: string): Promise<OrderRecord | undefined> {
  return new DynamoDbOrderStore(table.documentClient, table.tableName).get(orderId);
}

describe('DynamoDbOrderStore + OrderService on DynamoDB Local', () => {
  it('creates a PENDING order with one history entry, matching the contract schema', async () => {
    const request = newRequest();

    const record = await service.create(request, 'CreateOrder');

    expect(record.status).toBe(OrderStatus.PENDING);
    expect(record.history).toEqual([{ status: OrderStatus.PENDING, at: record.createdAt, causedBy: 'CreateOrder' }]);
    const item = await stored(request.orderId);
    expect(item).toEqual(record);
    expect(OrderRecordSchema.safeParse(item).success).toBe(true);
  });

  it('treats a repeated create as a no-op returning the existing record', async () => {
    const request = newRequest();
    const first = await service.create(request, 'CreateOrder');

    const repeat = await service.create(request, 'CreateOrder');

    expect(repeat).toEqual(first);
    expect((await stored(request.orderId))?.history).toHaveLength(1);
  });

  it('rejects the same orderId with a different order as OrderConflict', async () => {
    const request = newRequest();
    const first = await service.create(request, 'CreateOrder');

    const result = service.create({ ...request, items: [{ sku: 'SKU-RED-MUG', quantity: 5 }] }, 'CreateOrder');

    await expect(result).rejects.toMatchObject({ name: ErrorName.OrderConflict });
    expect(await stored(request.orderId)).toEqual(first);
  });

  it('confirms PENDING -> CONFIRMED with 2 history entries; a repeat is a no-op', async () => {
    const { orderId } = await service.create(newRequest(), 'CreateOrder');

    const confirmed = await service.confirm(orderId, confirmation(), 'ConfirmOrder');
    const repeat = await service.confirm(orderId, confirmation(), 'ConfirmOrder');

    expect(confirmed).toMatchObject({ status: OrderStatus.CONFIRMED, total: 4499, paymentId: 'pay_123' });
    expect(confirmed.lines).toEqual(fixtures.confirm().lines);
    expect(confirmed.history.map((entry) => [entry.status, entry.causedBy])).toEqual([
      [OrderStatus.PENDING, 'CreateOrder'],
      [OrderStatus.CONFIRMED, 'ConfirmOrder'],
    ]);
    expect(repeat).toEqual(confirmed);
    expect(await stored(orderId)).toEqual(confirmed);
  });

  it('rejects CONFIRMED -> FAILED and leaves the record unchanged', async () => {
    const { orderId } = await service.create(newRequest(), 'CreateOrder');
    const confirmed = await service.confirm(orderId, confirmation(), 'ConfirmOrder');

    const result = service.fail(orderId, FailureReason.INTERNAL_ERROR, 'ConfirmOrder');

    await expect(result).rejects.toMatchObject({ name: ErrorName.IllegalTransition });
    await expect(result).rejects.toThrow('CONFIRMED -> FAILED is not allowed');
    expect(await stored(orderId)).toEqual(confirmed);
  });

  it('fails PENDING -> FAILED with the caught error as detail; the same reason again is a no-op', async () => {
    const { orderId } = await service.create(newRequest(), 'CreateOrder');
    const { error } = fixtures.failOutOfStock();

    const failed = await service.fail(orderId, FailureReason.OUT_OF_STOCK, 'ReserveInventory', error);
    const repeat = await service.fail(orderId, FailureReason.OUT_OF_STOCK, 'ReserveInventory', error);

    expect(failed).toMatchObject({ status: OrderStatus.FAILED, reason: FailureReason.OUT_OF_STOCK });
    expect(failed.history[1]).toMatchObject({
      status: OrderStatus.FAILED,
      causedBy: 'ReserveInventory',
      reason: FailureReason.OUT_OF_STOCK,
      detail: 'OutOfStock: SKU-RED-MUG: 2 requested, 1 available',
    });
    expect(repeat).toEqual(failed);
    expect(await stored(orderId)).toEqual(failed);
  });

  it('rejects FAILED with another reason and FAILED -> CONFIRMED', async () => {
    const { orderId } = await service.create(newRequest(), 'CreateOrder');
    const failed = await service.fail(orderId, FailureReason.PAYMENT_DECLINED, 'ProcessPayment');

    await expect(service.fail(orderId, FailureReason.OUT_OF_STOCK, 'ReserveInventory')).rejects.toMatchObject({
      name: ErrorName.IllegalTransition,
    });
    await expect(service.confirm(orderId, confirmation(), 'ConfirmOrder')).rejects.toThrow('FAILED -> CONFIRMED is not allowed');
    expect(await stored(orderId)).toEqual(failed);
  });

  it('reports OrderNotFound for confirm and fail of a missing order, creating nothing', async () => {
    const orderId = newRequest().orderId;

    await expect(service.confirm(orderId, confirmation(), 'ConfirmOrder')).rejects.toMatchObject({ name: ErrorName.OrderNotFound });
    await expect(service.fail(orderId, FailureReason.INTERNAL_ERROR, 'X')).rejects.toMatchObject({ name: ErrorName.OrderNotFound });
    expect(await stored(orderId)).toBeUndefined();
  });

  it('refuses a write whose stored status is not a legal source in the write itself (negative control: a legal source applies)', async () => {
    // Prepare: a CONFIRMED order, written around the service so no earlier read could decide.
    const { orderId } = await service.create(newRequest(), 'CreateOrder');
    const confirmed = await service.confirm(orderId, confirmation(), 'ConfirmOrder');
    const store = new DynamoDbOrderStore(table.documentClient, table.tableName);
    const at = '2030-01-01T00:00:00.000Z';
    const toFailed = { status: OrderStatus.FAILED, updatedAt: at, reason: FailureReason.INTERNAL_ERROR,
      entry: { status: OrderStatus.FAILED, at, causedBy: 'Probe', reason: FailureReason.INTERNAL_ERROR } };

    // Act: the service's sources for FAILED (PENDING only), then CONFIRMED as a source.
    const refused = await store.transition(orderId, legalSources(OrderStatus.FAILED), toFailed);
    const stillConfirmed = await stored(orderId);
    const applied = await store.transition(orderId, [OrderStatus.PENDING, OrderStatus.CONFIRMED], toFailed);

    // Assess
    expect(legalSources(OrderStatus.FAILED)).toEqual([OrderStatus.PENDING]);
    expect(refused).toBeUndefined();
    expect(stillConfirmed).toEqual(confirmed);
    expect(applied).toMatchObject({ status: OrderStatus.FAILED, history: [{}, {}, { causedBy: 'Probe' }] });
  });

  it('gives the workflow-start claim to exactly one of 20 concurrent requests; the others see it, and the started execution once recorded', async () => {
    const request = newRequest();
    await service.create(request, 'OrderApi');

    const claims = await Promise.all(Array.from({ length: 20 }, (_, index) => service.claimWorkflowStart(request.orderId, `request-${index}`)));

    const winners = claims.flatMap((claim, index) => (claim.claimed ? [index] : []));
    expect(winners).toHaveLength(1);
    for (const claim of claims) if (!claim.claimed) expect(claim).toMatchObject({ status: 'PENDING', claimedAt: expect.any(String) });
    expect(await service.recordWorkflowStarted(request.orderId, 'not-the-winner', 'arn:wrong')).toBe(false);
    expect(await service.recordWorkflowStarted(request.orderId, `request-${winners[0]}`, 'arn:aws:states:us-east-1:1:express:M:x:1')).toBe(true);
    // Once started, nobody claims it again, however stale the claim (a lease of 0 ms).
    expect(await service.claimWorkflowStart(request.orderId, 'late', 0)).toEqual({ claimed: false, status: 'PENDING', executionArn: 'arn:aws:states:us-east-1:1:express:M:x:1', claimedAt: expect.any(String) });
    // The claim attributes never change the order itself.
    expect(OrderRecordSchema.parse(await stored(request.orderId))).toMatchObject({ status: 'PENDING', history: [expect.objectContaining({ status: 'PENDING' })] });
  });

  it('hands a released or stale claim to the next request, but never claims a settled or missing order', async () => {
    const request = newRequest();
    await service.create(request, 'OrderApi');
    expect(await service.claimWorkflowStart(request.orderId, 'first')).toEqual({ claimed: true });
    expect((await service.claimWorkflowStart(request.orderId, 'second')).claimed).toBe(false);
    await service.releaseWorkflowClaim(request.orderId, 'first');
    expect(await service.claimWorkflowStart(request.orderId, 'second')).toEqual({ claimed: true });
    // Stale after the lease: a 0 ms lease makes any existing claim stale.
    expect(await service.claimWorkflowStart(request.orderId, 'third', 0)).toEqual({ claimed: true });
    await service.releaseWorkflowClaim(request.orderId, 'second'); // not the holder any more: no effect
    expect((await service.claimWorkflowStart(request.orderId, 'fourth')).claimed).toBe(false);

    await service.fail(request.orderId, FailureReason.OUT_OF_STOCK, 'Test');
    expect(await service.claimWorkflowStart(request.orderId, 'after-fail', 0)).toMatchObject({ claimed: false, status: 'FAILED' });
    expect(await service.claimWorkflowStart('ord_never_created_claim', 'x')).toEqual({ claimed: false, status: undefined });
    expect(await stored('ord_never_created_claim')).toBeUndefined();
  });

  it('lets exactly one of 20 concurrent confirm/fail calls win', async () => {
    const { orderId } = await service.create(newRequest(), 'CreateOrder');

    // Act: 10 confirms and 10 fails interleaved, all against the same PENDING order.
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? service.confirm(orderId, confirmation(), `Confirm-${i}`)
          : service.fail(orderId, FailureReason.PAYMENT_ERROR, `Fail-${i}`),
      ),
    );

    const record = (await stored(orderId))!;
    expect(record.history).toHaveLength(2);
    const winner = record.status;
    expect([OrderStatus.CONFIRMED, OrderStatus.FAILED]).toContain(winner);
    const winnerIsConfirm = winner === OrderStatus.CONFIRMED;
    results.forEach((result, i) => {
      const isConfirm = i % 2 === 0;
      if (isConfirm === winnerIsConfirm) {
        // The winner's side all see the same final record (one applied it, the rest no-ops).
        expect(result.status).toBe('fulfilled');
        if (result.status === 'fulfilled') expect(result.value).toEqual(record);
      } else {
        expect(result.status).toBe('rejected');
        if (result.status === 'rejected') expect(result.reason).toMatchObject({ name: ErrorName.IllegalTransition });
      }
    });
  });
});
