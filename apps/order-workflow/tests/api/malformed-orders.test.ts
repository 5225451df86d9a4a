/**
 * 50 malformed order submissions through real HTTP against the local stack (API Gateway
 * emulation -> the order API's Lambda bundle). Each gets the right 4xx, an error body naming the
 * field and rule, and leaves every table exactly as it was.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LocalOrderStack } from '../../src/local/stack.js';

let stack: LocalOrderStack;
beforeAll(async () => {
  stack = await LocalOrderStack.start({ apiPort: 0, stepFunctionsPort: 0 });
});
afterAll(async () => {
  await stack?.stop();
});

const valid = () => ({
  orderId: 'ord_malformed_1',
  customerId: 'cus_42',
  items: [{ sku: 'SKU-RED-MUG', quantity: 2 }],
  payment: { token: 'tok_visa' },
  currency: 'USD',
});
type Body = Record<string, unknown>;
const withOrder = (patch: (o: Body) => void) => {
  const o: Body = valid();
  patch(o);
  return JSON.stringify(o);
};
const item = (patch: Body) => withOrder((o) => (o.items = [{ sku: 'SKU-RED-MUG', quantity: 1, ...patch }]));

/** [label, body, expected status, expected error, a path the issues must name ('' = root)] */
const cases: [string, string, number, string, string?][] = [
  ['empty object', '{}', 400, 'InvalidOrder', 'customerId'],
  ['missing customerId', withOrder((o) => delete o.customerId), 400, 'InvalidOrder', 'customerId'],
  ['missing items', withOrder((o) => delete o.items), 400, 'InvalidOrder', 'items'],
  ['missing payment', withOrder((o) => delete o.payment), 400, 'InvalidOrder', 'payment'],
  ['missing currency', withOrder((o) => delete o.currency), 400, 'InvalidOrder', 'currency'],
  ['missing payment.token', withOrder((o) => (o.payment = {})), 400, 'InvalidOrder', 'payment.token'],
  ['extra top-level field (client price)', withOrder((o) => (o.total = 1)), 400, 'InvalidOrder', 'total'],
  ['extra item field (unitPrice)', item({ unitPrice: 1 }), 400, 'InvalidOrder', 'items.0.unitPrice'],
  ['extra payment field (cardNumber)', withOrder((o) => (o.payment = { token: 'tok_visa', cardNumber: '4242424242424242' })), 400, 'InvalidOrder', 'payment.cardNumber'],
  ['customerId is a number', withOrder((o) => (o.customerId = 42)), 400, 'InvalidOrder', 'customerId'],
  ['customerId with a slash', withOrder((o) => (o.customerId = 'cus/42')), 400, 'InvalidOrder', 'customerId'],
  ['items is an object', withOrder((o) => (o.items = { sku: 'A', quantity: 1 })), 400, 'InvalidOrder', 'items'],
  ['items is a string', withOrder((o) => (o.items = 'SKU-RED-MUG')), 400, 'InvalidOrder', 'items'],
  ['items is empty', withOrder((o) => (o.items = [])), 400, 'InvalidOrder', 'items'],
  ['51 items', withOrder((o) => (o.items = Array.from({ length: 51 }, (_, i) => ({ sku: `S${i}`, quantity: 1 })))), 400, 'InvalidOrder', 'items'],
  ['duplicate SKUs', withOrder((o) => (o.items = [{ sku: 'A', quantity: 1 }, { sku: 'A', quantity: 1 }])), 400, 'InvalidOrder', 'items.1.sku'],
  ['an item is null', withOrder((o) => (o.items = [null])), 400, 'InvalidOrder', 'items.0'],
  ['quantity 0', item({ quantity: 0 }), 400, 'InvalidOrder', 'items.0.quantity'],
  ['quantity -1', item({ quantity: -1 }), 400, 'InvalidOrder', 'items.0.quantity'],
  ['quantity 1.5', item({ quantity: 1.5 }), 400, 'InvalidOrder', 'items.0.quantity'],
  ['quantity 1e9', item({ quantity: 1e9 }), 400, 'InvalidOrder', 'items.0.quantity'],
  ['quantity 1001', item({ quantity: 1001 }), 400, 'InvalidOrder', 'items.0.quantity'],
  ['quantity as a string', item({ quantity: '2' }), 400, 'InvalidOrder', 'items.0.quantity'],
  ['quantity null', item({ quantity: null }), 400, 'InvalidOrder', 'items.0.quantity'],
  ['quantity missing', withOrder((o) => (o.items = [{ sku: 'A' }])), 400, 'InvalidOrder', 'items.0.quantity'],
  ['sku missing', withOrder((o) => (o.items = [{ quantity: 1 }])), 400, 'InvalidOrder', 'items.0.sku'],
  ['sku empty', item({ sku: '' }), 400, 'InvalidOrder', 'items.0.sku'],
  ['sku with a space', item({ sku: 'SKU RED' }), 400, 'InvalidOrder', 'items.0.sku'],
  ['sku of 65 characters', item({ sku: 'S'.repeat(65) }), 400, 'InvalidOrder', 'items.0.sku'],
  ['orderId with a space', withOrder((o) => (o.orderId = 'ord 1')), 400, 'InvalidOrder', 'orderId'],
  ['orderId with a slash', withOrder((o) => (o.orderId = 'ord/../1')), 400, 'InvalidOrder', 'orderId'],
  ['orderId with unicode', withOrder((o) => (o.orderId = 'ordé1')), 400, 'InvalidOrder', 'orderId'],
  ['orderId with an emoji', withOrder((o) => (o.orderId = 'ord_🛒')), 400, 'InvalidOrder', 'orderId'],
  ['orderId of 65 characters', withOrder((o) => (o.orderId = 'o'.repeat(65))), 400, 'InvalidOrder', 'orderId'],
  ['orderId is a number', withOrder((o) => (o.orderId = 7)), 400, 'InvalidOrder', 'orderId'],
  ['card number as token', withOrder((o) => (o.payment = { token: '4242424242424242' })), 400, 'InvalidOrder', 'payment.token'],
  ['spaced card number as token', withOrder((o) => (o.payment = { token: '4242 4242 4242 4242' })), 400, 'InvalidOrder', 'payment.token'],
  ['dashed card number as token', withOrder((o) => (o.payment = { token: '4111-1111-1111-1111' })), 400, 'InvalidOrder', 'payment.token'],
  ['token without tok_ prefix', withOrder((o) => (o.payment = { token: 'visa' })), 400, 'InvalidOrder', 'payment.token'],
  ['empty token', withOrder((o) => (o.payment = { token: '' })), 400, 'InvalidOrder', 'payment.token'],
  ['payment is a string', withOrder((o) => (o.payment = 'tok_visa')), 400, 'InvalidOrder', 'payment'],
  ['lower-case currency', withOrder((o) => (o.currency = 'usd')), 400, 'InvalidOrder', 'currency'],
  ['two-letter currency', withOrder((o) => (o.currency = 'US')), 400, 'InvalidOrder', 'currency'],
  ['currency is a number', withOrder((o) => (o.currency = 840)), 400, 'InvalidOrder', 'currency'],
  ['body is an array', '[]', 400, 'InvalidOrder', ''],
  ['body is null', 'null', 400, 'InvalidOrder', ''],
  ['body is a string', '"order"', 400, 'InvalidOrder', ''],
  ['truncated JSON', '{"customerId":', 400, 'InvalidJson'],
  ['empty body', '', 400, 'InvalidJson'],
  ['300 KiB body', withOrder((o) => (o.customerId = 'x'.repeat(300 * 1024))), 413, 'PayloadTooLarge'],
];

it(`has at least 40 malformed cases (${cases.length})`, () => {
  expect(cases.length).toBeGreaterThanOrEqual(40);
});

it.each(cases)('rejects %s', async (_label, body, status, error, path) => {
  const before = await stack.snapshotTables();

  const response = await fetch(`${stack.apiUrl}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  expect(response.status).toBe(status);
  const payload = (await response.json()) as { error: string; message?: string; issues?: { path: string; message: string }[] };
  expect(payload.error).toBe(error);
  expect(payload.message, 'a message saying what is wrong').toBeTruthy();
  if (path !== undefined) {
    expect(payload.issues?.map((i) => i.path)).toContain(path);
    expect(payload.issues!.every((i) => i.message.length > 0)).toBe(true);
  }
  expect(await stack.snapshotTables()).toEqual(before);
  // A card number must never be echoed back or stored.
  expect(JSON.stringify(payload)).not.toMatch(/4242424242424242|4111-1111/);
});

it.each([
  ['text/plain', 415],
  ['application/x-www-form-urlencoded', 415],
  ['', 415],
])('rejects content type "%s" with %i and writes nothing', async (contentType, status) => {
  const before = await stack.snapshotTables();
  const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
  const response = await fetch(`${stack.apiUrl}/orders`, { method: 'POST', headers, body: JSON.stringify(valid()) });
  expect(response.status).toBe(status);
  expect(((await response.json()) as { error: string }).error).toBe('UnsupportedMediaType');
  expect(await stack.snapshotTables()).toEqual(before);
});
