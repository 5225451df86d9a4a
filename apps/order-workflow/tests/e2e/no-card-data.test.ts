/**
 * "No card data anywhere": a full batch through the local stack (API -> state machine -> steps ->
 * tables -> events), including requests that smuggle card numbers into every field a client
 * controls, then a scan of every table, function log line, recorded event and execution history
 * for PAN-shaped numbers.
 */
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { LOCAL_CREDENTIALS } from '@order-flow/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalOrderStack } from '../../src/local/stack.js';

/** Luhn (mod 10) check over a digit string. */
function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * Card numbers (PANs) in `text`: 13-19 digits, optionally grouped by single spaces or dashes,
 * passing the Luhn check, with a payment-card major industry identifier (first digit 2-6:
 * Mastercard 2-series, Amex/Diners/JCB 3, Visa 4, Mastercard 5, Discover/UnionPay 6). The MII
 * keeps epoch-millisecond timestamps (13 digits starting with 1) from counting as cards.
 * A run of digits longer than 19 with no separators is not a card; grouped runs are checked
 * group-window by group-window, so a card followed by `-1` is still found.
 */
/**
 * How cards are written: one run of digits, groups of four (the last may be shorter), or Amex's
 * 4-6-5. Unrelated numbers that happen to sit next to each other in a log line ("4940 9259
 * 34294", seen once) are not a card.
 */
function cardGrouping(groups: readonly string[]): boolean {
  if (groups.length === 1) return true;
  const lengths = groups.map((g) => g.length);
  if (lengths.join('-') === '4-6-5' || lengths.join('-') === '4-6-4') return true;
  return lengths.slice(0, -1).every((n) => n === 4) && lengths.at(-1)! <= 4;
}

export function findPans(text: string): string[] {
  const found: string[] = [];
  for (const run of text.matchAll(/(?<!\d)\d+(?:[ -]\d+)*(?!\d)/g)) {
    const groups = run[0].split(/[ -]/);
    for (let start = 0; start < groups.length; start++) {
      let digits = '';
      for (let end = start; end < groups.length; end++) {
        digits += groups[end];
        if (digits.length > 19) break;
        const window = groups.slice(start, end + 1);
        if (digits.length >= 13 && /^[2-6]/.test(digits) && cardGrouping(window) && luhnValid(digits)) found.push(window.join(' '));
      }
    }
  }
  return found;
}

describe('findPans', () => {
  it('finds test card numbers, plain and grouped by spaces or dashes, anywhere in text', () => {
    expect(findPans('4242424242424242')).toEqual(['4242424242424242']);
    expect(findPans('card 4000 0566 5566 5556 here')).toEqual(['4000 0566 5566 5556']);
    expect(findPans('{"customerId":"5555-5555-5555-4444"}')).toEqual(['5555 5555 5555 4444']);
    expect(findPans('x378282246310005y')).toEqual(['378282246310005']); // Amex, 15 digits
    expect(findPans('6011111111111117-1')).toEqual(['6011111111111117']);
    expect(findPans('a 4222222222222 b')).toEqual(['4222222222222']); // 13-digit Visa
  });

  it('ignores Luhn failures, short or long digit runs, timestamps and tokens', () => {
    expect(findPans('4242424242424241')).toEqual([]); // Luhn fails
    expect(findPans('424242424242')).toEqual([]); // 12 digits
    expect(findPans('42424242424242424242424242')).toEqual([]); // 26 digits, no separators
    expect(findPans('"timestamp":1795600800000,"at":"2026-11-25T10:00:00.000Z"')).toEqual([]);
    expect(findPans('tok_visa tok_chargeDeclined ord_01JABCDEF 404 202')).toEqual([]);
    expect(findPans('took 4940 9259 34294 ms')).toEqual([]); // Luhn-valid by chance, not a card's grouping
    expect(findPans('amex 3782 822463 10005')).toEqual(['3782 822463 10005']);
  });
});

/** The cards a careless client might send, in the shapes they come in. */
const CARDS = ['4242424242424242', '4000 0566 5566 5556', '5555-5555-5555-4444'];

describe('no card data anywhere after a full run', () => {
  let stack: LocalOrderStack;
  const logLines: string[] = [];
  const stamp = Date.now().toString(36);
  const sku = `SKU-PAN-${stamp}`;
  const scarce = `SKU-PAN-SCARCE-${stamp}`;

  beforeAll(async () => {
    stack = await LocalOrderStack.start({ apiPort: 0, stepFunctionsPort: 0, functionLogs: (fn, line) => logLines.push(`${fn} ${line}`) });
    await stack.seedStock([
      { sku, available: 100, unitPrice: 1250 },
      { sku: scarce, available: 1, unitPrice: 500 },
    ]);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const post = (body: unknown) =>
    fetch(`${stack.apiUrl}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const order = (n: number, token: string, items = [{ sku, quantity: 1 }]) => ({
    orderId: `ord_pan_${stamp}_${n}`,
    customerId: 'cus_pan',
    items,
    payment: { token },
    currency: 'USD',
  });

  it('accepts the legitimate orders, rejects every card number, and leaves no PAN in tables, logs, events or histories', async () => {
    // Prepare: orders down every path, and requests carrying a card number in each client field.
    const accepted = [
      order(1, 'tok_visa'),
      order(2, 'tok_mastercard'),
      order(3, 'tok_chargeDeclined'),
      order(4, 'tok_gatewayFlaky'),
      order(5, 'tok_gatewayDown'),
      order(6, 'tok_visa', [{ sku: scarce, quantity: 5 }]),
      order(7, 'tok_visa', [{ sku: `SKU-PAN-UNKNOWN-${stamp}`, quantity: 1 }]),
    ];
    const rejected = CARDS.flatMap((card, i) => [
      order(100 + i, card),
      { ...order(140 + i, 'tok_visa'), payment: { token: 'tok_visa', cardNumber: card } },
      { ...order(150 + i, 'tok_visa'), cardNumber: card },
      { ...order(160 + i, 'tok_visa'), payment: card },
    ]);

    // Act
    const acceptedStatus = await Promise.all(accepted.map(async (o) => (await post(o)).status));
    const rejectedStatus = await Promise.all(rejected.map(async (o) => [JSON.stringify(o), (await post(o)).status] as const));
    const sfn = new SFNClient({ endpoint: stack.stepFunctionsEndpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
    let executionArns: string[];
    for (const deadline = Date.now() + 60_000; ; ) {
      const { executions = [] } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: stack.stateMachineArn, maxResults: 1000 }));
      executionArns = executions.map((e) => e.executionArn!);
      if (executions.length >= accepted.length && executions.every((e) => e.status !== 'RUNNING')) break;
      if (Date.now() > deadline) throw new Error(`executions still running: ${JSON.stringify(executions)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    sfn.destroy();

    // Assess: what was accepted ran, what carried a card never got in.
    expect(acceptedStatus).toEqual(accepted.map(() => 202));
    expect(rejectedStatus.filter(([, status]) => status !== 400)).toEqual([]);
    expect(executionArns).toHaveLength(accepted.length);

    const tables = await stack.snapshotTables();
    expect(tables.orders.length).toBeGreaterThanOrEqual(accepted.length);
    const histories = executionArns.map((arn) => {
      const events: unknown[] = [];
      let nextToken: string | undefined;
      do {
        const page = stack.runtime.executionHistory(arn, nextToken ? { nextToken } : {});
        events.push(...page.events);
        nextToken = page.nextToken;
      } while (nextToken);
      return { arn, events };
    });
    expect(histories.every((h) => h.events.length > 0)).toBe(true);
    expect(logLines.length).toBeGreaterThan(accepted.length);
    expect(stack.events()).toHaveLength(accepted.length);

    const sources: [string, string][] = [
      ...Object.entries(tables).map(([name, items]) => [`table ${name}`, JSON.stringify(items)] as [string, string]),
      ...logLines.map((line, i) => [`log line ${i}: ${line.slice(0, 400)}`, line] as [string, string]),
      ...stack.events().map((event, i) => [`event ${i}`, JSON.stringify(event)] as [string, string]),
      ...histories.map((h) => [`history ${h.arn}`, JSON.stringify(h.events)] as [string, string]),
    ];
    const leaks = sources.flatMap(([where, text]) => findPans(text).map((pan) => `${where}: ${pan}`));
    expect(leaks).toEqual([]);
    // The scan is live: the same sources with a card appended are caught.
    expect(findPans(`${sources[0]![1]} ${CARDS[0]}`)).toEqual([CARDS[0]]);
  });

  // Ids and tokens end up in execution names, logs and events: contracts refuses any that hides a
  // Luhn-valid card number (found by this suite, fixed in packages/contracts/src/card-data.ts).
  it('rejects a card number used as orderId, customerId, SKU or inside a token (400) and stores none of them', async () => {
    const before = await stack.snapshotTables();
    const smuggled = CARDS.flatMap((card, i) => [
      { ...order(210 + i, 'tok_visa'), customerId: card },
      { ...order(220 + i, 'tok_visa'), orderId: card },
      order(230 + i, 'tok_visa', [{ sku: card, quantity: 1 }]),
      // TOKEN_PATTERN also lets a card number ride inside a token.
      order(240 + i, `tok_${card.replace(/\D/g, '')}`),
    ]);

    const statuses = await Promise.all(smuggled.map(async (o) => (await post(o)).status));

    expect(statuses).toEqual(smuggled.map(() => 400));
    expect(findPans(JSON.stringify(await stack.snapshotTables()))).toEqual(findPans(JSON.stringify(before)));
  });
});
