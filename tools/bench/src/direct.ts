/**
 * The limit of the throughput benchmark: one order's work without the state machine. The same
 * four Lambda invocations the workflow's happy path makes (create, reserve, charge, confirm), in
 * its order, through `runtime.invoke` — so the same bundles in the same execution environments
 * (worker threads), with the same environment, log level and DynamoDB fault proxy — and the same
 * `OrderConfirmed` event put on the same bus. What the workflow adds on top is orchestration only:
 * the engine, its history, JSONPath, the Task integrations and the virtual clock.
 */
import type { OrderRecord } from '@order-flow/contracts';
import type { Reservation } from '@order-flow/inventory';
import type { ChargeResult } from '@order-flow/payment';
import type { LocalRuntime } from '@order-flow/local';
import type { AslDefinition } from './asl.js';
import { benchOrder, type OrderRunner } from './throughput.js';

/** The Task states of the happy path whose function the direct path invokes. */
const STEPS = { create: 'CreateOrder', reserve: 'ReserveInventory', charge: 'ProcessPayment', confirm: 'ConfirmOrder' } as const;
const PUBLISH = 'PublishOrderConfirmed';

/** The function (qualified ARN, as the state machine invokes it) of a `lambda:invoke` Task state. */
function functionOf(definition: AslDefinition, state: string): string {
  const parameters = (definition.States[state] as { Parameters?: { FunctionName?: unknown } } | undefined)?.Parameters;
  if (typeof parameters?.FunctionName !== 'string') throw new Error(`The definition's ${state} is not a lambda:invoke Task with a FunctionName`);
  return parameters.FunctionName;
}

/**
 * An OrderRunner that makes the happy path's calls directly on the runtime: the payloads are the
 * ones the state machine builds (read from a real execution's history), the functions the aliases
 * the definition names, the event bus the one PublishOrderConfirmed puts on.
 *
 * @param definition the order workflow as the runtime resolved it (real ARNs and bus name)
 * @param executionPrefix `arn:...:execution:<machine>` for the `orderIdSource` CreateOrder sends
 */
export function createDirectPath(runtime: LocalRuntime, definition: AslDefinition, executionPrefix: string): OrderRunner {
  const fn = {
    create: functionOf(definition, STEPS.create),
    reserve: functionOf(definition, STEPS.reserve),
    charge: functionOf(definition, STEPS.charge),
    confirm: functionOf(definition, STEPS.confirm),
  };
  const entry = (definition.States[PUBLISH] as { Parameters?: { Entries?: { EventBusName?: string; Source?: string }[] } } | undefined)?.Parameters?.Entries?.[0];
  if (!entry?.EventBusName || !entry.Source) throw new Error(`The definition's ${PUBLISH} has no EventBusName/Source`);
  const { EventBusName, Source } = entry;

  return async (orderId, sku) => {
    const order = benchOrder(orderId, sku);
    const orderIdSource = { execution: `${executionPrefix}:${orderId}`, startedAt: new Date().toISOString(), state: STEPS.create };
    const created = (await runtime.invoke(fn.create, { action: 'create', order, orderIdSource })) as OrderRecord;
    const reservation = (await runtime.invoke(fn.reserve, { action: 'reserve', orderId, items: created.items })) as Reservation;
    const charge = (await runtime.invoke(fn.charge, { action: 'charge', orderId, amount: reservation.total, currency: created.currency, token: created.paymentToken })) as ChargeResult;
    const confirmed = (await runtime.invoke(fn.confirm, {
      action: 'confirm',
      orderId,
      lines: reservation.lines,
      total: reservation.total,
      paymentId: charge.paymentId,
      causedBy: STEPS.confirm,
    })) as OrderRecord;
    if (confirmed.status !== 'CONFIRMED') throw new Error(`direct order ${orderId} is ${confirmed.status}`);
    const detail = { orderId, status: 'CONFIRMED', total: confirmed.total, currency: confirmed.currency, timestamp: confirmed.updatedAt };
    const put = runtime.eventBridge.putEvents({ Entries: [{ EventBusName, Source, DetailType: 'OrderConfirmed', Detail: JSON.stringify(detail) }] });
    if (put.FailedEntryCount) throw new Error(`direct order ${orderId}: OrderConfirmed was not put (${JSON.stringify(put.Entries)})`);
  };
}
