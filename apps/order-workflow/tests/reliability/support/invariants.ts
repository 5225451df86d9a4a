/**
 * The invariants every reliability scenario ends with, checked on the TABLES (not on execution
 * results): what a customer, a warehouse and a card statement would see.
 */
import type { OrderRecord } from '@order-flow/contracts';
import type { LocalOrderStack } from '../../../src/local/stack.js';

/** What {@link checkInvariants} compares the tables against. */
export interface InvariantOptions {
  /** Stock each SKU of the scenario was seeded with; only orders over these SKUs are checked. */
  readonly initialStock: Readonly<Record<string, number>>;
  /** The lowest stock a background poller saw while the scenario ran (`stock never negative`). */
  readonly observedMinimum?: number;
  /** PENDING orders are allowed (after a crash, before `orders:resume`). @default false */
  readonly allowPending?: boolean;
}

/** One named invariant and the items that broke it. */
export interface InvariantResult {
  readonly name: string;
  /** How many items (orders, SKUs) it was checked on. */
  readonly checked: number;
  readonly violations: readonly string[];
}

/** The outcome of {@link checkInvariants}. */
export interface InvariantReport {
  readonly results: readonly InvariantResult[];
  /** Invariants with no violation. */
  readonly passed: number;
  readonly total: number;
  /** Every violation, prefixed with its invariant (empty when all hold). */
  readonly violations: readonly string[];
  /** Orders by outcome: `CONFIRMED`, `FAILED(OUT_OF_STOCK)`, `PENDING`, ... */
  readonly outcomes: Readonly<Record<string, number>>;
  readonly orders: readonly OrderRecord[];
}

type Item = Record<string, unknown>;
interface Line {
  readonly sku: string;
  readonly quantity: number;
}

/**
 * Reads the three tables and checks, for the orders over `initialStock`'s SKUs:
 * 1. stock conservation: initial = available + units of CONFIRMED orders, and = available +
 *    units held by RESERVED reservations (per SKU);
 * 2. stock never negative (now, and at every moment the poller observed);
 * 3. no reservation left RESERVED for an order that is not CONFIRMED; every CONFIRMED order holds
 *    exactly its items;
 * 4. every CONFIRMED order has exactly one CAPTURED payment, for its total, matching the gateway's
 *    approved charge, and exactly one net capture (captures - refunds, counted from the gateway's
 *    own `CAPTURE#`/`REFUND#` ledger) equal to its total;
 * 5. every FAILED order has no payment, or a REFUNDED / DECLINED / VOIDED one, or a PENDING one
 *    the gateway never approved, and zero net captures in the gateway's ledger;
 * 6. no order left PENDING (the executions have ended), unless `allowPending`.
 */
export async function checkInvariants(stack: Pick<LocalOrderStack, 'scan'>, options: InvariantOptions): Promise<InvariantReport> {
  const [inventory, payment, orders] = await Promise.all([stack.scan('inventory'), stack.scan('payment'), stack.scan('orders')]);
  return checkTables({ inventory, payment, orders }, options);
}

/** The three tables' items, as {@link checkTables} reads them. */
export interface TableState {
  readonly inventory: readonly Item[];
  readonly payment: readonly Item[];
  readonly orders: readonly Item[];
}

/** Money the gateway moved for one order, from its ledger. */
interface Movements {
  captures: number;
  refunds: number;
  /** Captured minus refunded, in minor units. */
  net: number;
  chargeIds: Set<string>;
}

/**
 * {@link checkInvariants} on table contents given directly: the pure part, so a test can feed it
 * a broken state and see it fail (the negative control in invariants.test.ts).
 */
export function checkTables(tables: TableState, options: InvariantOptions): InvariantReport {
  const skus = new Set(Object.keys(options.initialStock));
  const { inventory, payment } = tables;
  const orders = (tables.orders as unknown as OrderRecord[]).filter((order) => order.items.some((line) => skus.has(line.sku)));
  const byPk = new Map<string, Item>();
  for (const item of [...inventory, ...payment]) byPk.set(String(item.pk), item);
  const available = new Map<string, number>();
  for (const sku of skus) available.set(sku, Number(byPk.get(`SKU#${sku}`)?.available ?? Number.NaN));
  const orderIds = new Set(orders.map((order) => order.orderId));
  const reservations = inventory.filter((item) => String(item.pk).startsWith('RES#') && orderIds.has(String(item.orderId)));
  // The gateway's ledger: one item per capture / refund it ever made, so a second capture for an
  // order shows up as a second item (its GATEWAY#<orderId> entry could never show it).
  const movements = new Map<string, Movements>();
  for (const item of payment) {
    const pk = String(item.pk);
    const isCapture = pk.startsWith('CAPTURE#');
    if (!isCapture && !pk.startsWith('REFUND#')) continue;
    const key = String(item.idempotencyKey);
    const moved = movements.get(key) ?? { captures: 0, refunds: 0, net: 0, chargeIds: new Set<string>() };
    if (isCapture) {
      moved.captures++;
      moved.net += Number(item.amount);
      moved.chargeIds.add(String(item.chargeId));
    } else {
      moved.refunds++;
      moved.net -= Number(item.amount);
    }
    movements.set(key, moved);
  }
  const moneyOf = (orderId: string): Movements => movements.get(orderId) ?? { captures: 0, refunds: 0, net: 0, chargeIds: new Set() };

  const results: InvariantResult[] = [];
  const check = (name: string, checked: number, violations: string[]) => results.push({ name, checked, violations });

  // 1. conservation
  const confirmedUnits = new Map<string, number>();
  const reservedUnits = new Map<string, number>();
  const add = (into: Map<string, number>, lines: readonly Line[]) => {
    for (const line of lines) if (skus.has(line.sku)) into.set(line.sku, (into.get(line.sku) ?? 0) + line.quantity);
  };
  for (const order of orders) if (order.status === 'CONFIRMED') add(confirmedUnits, order.items);
  for (const res of reservations) if (res.status === 'RESERVED') add(reservedUnits, (res.lines as Line[] | undefined) ?? []);
  const conservation: string[] = [];
  for (const [sku, initial] of Object.entries(options.initialStock)) {
    const now = available.get(sku)!;
    const confirmed = confirmedUnits.get(sku) ?? 0;
    const held = reservedUnits.get(sku) ?? 0;
    if (initial !== now + confirmed) conservation.push(`${sku}: initial ${initial} != available ${now} + confirmed ${confirmed}`);
    if (initial !== now + held) conservation.push(`${sku}: initial ${initial} != available ${now} + reserved ${held}`);
  }
  check('stock conserved', skus.size, conservation);

  // 2. never negative
  const negative = [...available].filter(([, n]) => !(n >= 0)).map(([sku, n]) => `${sku}: available ${n}`);
  if (options.observedMinimum !== undefined && options.observedMinimum < 0) negative.push(`poller saw stock ${options.observedMinimum}`);
  check('stock never negative', skus.size, negative);

  // 3. reservations
  const resByOrder = new Map(reservations.map((res) => [String(res.orderId), res]));
  const reservationViolations: string[] = [];
  for (const order of orders) {
    const res = resByOrder.get(order.orderId);
    if (order.status === 'CONFIRMED') {
      if (res?.status !== 'RESERVED') reservationViolations.push(`${order.orderId}: CONFIRMED but reservation ${describe(res?.status)}`);
      else if (canonical(res.lines as Line[]) !== canonical(order.items)) reservationViolations.push(`${order.orderId}: reserved lines differ from the order's items`);
    } else if (order.status === 'FAILED' && res?.status === 'RESERVED') {
      reservationViolations.push(`${order.orderId}: FAILED but its reservation is still RESERVED`);
    }
  }
  check('no leaked reservation', orders.length, reservationViolations);

  // 4. confirmed orders paid exactly once
  const paidViolations: string[] = [];
  const confirmedOrders = orders.filter((order) => order.status === 'CONFIRMED');
  for (const order of confirmedOrders) {
    const pay = byPk.get(`PAYMENT#${order.orderId}`);
    const charge = byPk.get(`GATEWAY#${order.orderId}`);
    if (pay?.status !== 'CAPTURED') paidViolations.push(`${order.orderId}: CONFIRMED with payment ${describe(pay?.status)}`);
    else if (pay.amount !== order.total || pay.paymentId !== order.paymentId) paidViolations.push(`${order.orderId}: payment ${String(pay.amount)}/${String(pay.paymentId)} != order ${order.total}/${order.paymentId}`);
    if (charge?.status !== 'approved' || charge.chargeId !== order.paymentId || charge.amount !== order.total) {
      paidViolations.push(`${order.orderId}: gateway charge ${describe(charge?.status)} ${String(charge?.chargeId)} does not match the order`);
    }
    const money = moneyOf(order.orderId);
    if (money.captures - money.refunds !== 1) {
      paidViolations.push(`${order.orderId}: CONFIRMED with ${money.captures} captures and ${money.refunds} refunds at the gateway (net ${money.captures - money.refunds}, expected exactly 1)`);
    } else if (money.net !== order.total) {
      paidViolations.push(`${order.orderId}: CONFIRMED for ${order.total} but the gateway holds ${money.net} net`);
    } else if (order.paymentId === undefined || !money.chargeIds.has(order.paymentId)) {
      paidViolations.push(`${order.orderId}: the gateway's capture is not charge ${String(order.paymentId)}`);
    }
  }
  check('confirmed => one captured payment', confirmedOrders.length, paidViolations);

  // 5. failed orders not charged
  const failedOrders = orders.filter((order) => order.status === 'FAILED');
  const chargedViolations: string[] = [];
  for (const order of failedOrders) {
    const pay = byPk.get(`PAYMENT#${order.orderId}`);
    const charge = byPk.get(`GATEWAY#${order.orderId}`);
    const ok =
      pay === undefined ||
      pay.status === 'REFUNDED' ||
      pay.status === 'DECLINED' ||
      pay.status === 'VOIDED' ||
      (pay.status === 'PENDING' && charge?.status !== 'approved');
    if (!ok) chargedViolations.push(`${order.orderId}: FAILED(${String(order.reason)}) with payment ${String(pay.status)}`);
    if (charge?.status === 'approved') chargedViolations.push(`${order.orderId}: FAILED but the gateway holds an approved charge`);
    const money = moneyOf(order.orderId);
    if (money.captures !== money.refunds || money.net !== 0) {
      chargedViolations.push(`${order.orderId}: FAILED but the gateway holds ${money.captures} captures and ${money.refunds} refunds (net ${money.net})`);
    }
  }
  check('failed => not charged', failedOrders.length, chargedViolations);

  // 6. settled
  const pending = orders.filter((order) => order.status !== 'CONFIRMED' && order.status !== 'FAILED');
  check(
    options.allowPending ? 'every order CONFIRMED, FAILED or PENDING' : 'every order settled',
    orders.length,
    options.allowPending ? pending.filter((o) => o.status !== 'PENDING').map((o) => `${o.orderId}: ${o.status}`) : pending.map((o) => `${o.orderId}: ${o.status}`),
  );

  const outcomes: Record<string, number> = {};
  for (const order of orders) {
    const key = order.status === 'FAILED' ? `FAILED(${order.reason ?? '?'})` : order.status;
    outcomes[key] = (outcomes[key] ?? 0) + 1;
  }
  const passed = results.filter((r) => r.violations.length === 0).length;
  return {
    results,
    passed,
    total: results.length,
    violations: results.flatMap((r) => r.violations.map((v) => `${r.name}: ${v}`)),
    outcomes,
    orders,
  };
}

function canonical(lines: readonly Line[]): string {
  return JSON.stringify([...lines].map((l) => [l.sku, l.quantity]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
}

function describe(status: unknown): string {
  return typeof status === 'string' ? status : 'missing';
}
