// The page callbacks (`$$eval`) run in the browser: type them with the DOM.
/// <reference lib="dom" />
/**
 * The local console (`@order-flow/local`) on the order workflow, in Debian's Chromium through
 * playwright-core: the graph has every state of the synthesized definition, an order submitted
 * through `POST /orders` appears in the executions list within 500 ms (pushed, not polled) and
 * its path is coloured, and a declined order shows its Fail state and the cause.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalConsole } from '@order-flow/local';
import { LocalOrderStack } from '../../src/local/stack.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const shots = new URL('../../.tmp/console-screenshots/order-workflow/', import.meta.url).pathname;

let workflow: LocalOrderStack;
let consoleServer: LocalConsole;
let browser: Browser;
let page: Page;
let definition: { States: Record<string, Record<string, unknown>> };

/** Every state name of a definition, nested Parallel branches and Map processors included. */
function allStates(block: { States: Record<string, Record<string, unknown>> }): string[] {
  return Object.entries(block.States).flatMap(([name, state]) => {
    const nested = [...((state.Branches as (typeof block)[] | undefined) ?? []), ...(state.ItemProcessor ? [state.ItemProcessor as typeof block] : []), ...(state.Iterator ? [state.Iterator as typeof block] : [])];
    return [name, ...nested.flatMap(allStates)];
  });
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  mkdirSync(shots, { recursive: true });
  [workflow, browser] = await Promise.all([LocalOrderStack.start(), chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })]);
  consoleServer = await workflow.runtime.startConsole();
  definition = JSON.parse(workflow.runtime.stateMachines.find((machine) => machine.arn === workflow.stateMachineArn)!.definition) as typeof definition;
  await workflow.seedStock([{ sku: 'SKU-CONSOLE', available: 50, unitPrice: 1200 }]);
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(consoleServer.url);
  await page.waitForSelector('body[data-ready=true]');
  await page.selectOption('#machine-select', workflow.stateMachineArn);
  await page.waitForSelector('#executions-status:text("No executions yet.")');
});
afterAll(async () => {
  await browser?.close();
  await workflow?.stop();
});

/** POSTs an order; `accepted` is when the API answered 202 (the execution exists from then on). */
async function submit(orderId: string, token: string): Promise<{ executionArn: string; accepted: number }> {
  const response = await fetch(`${workflow.apiUrl}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ orderId, customerId: 'cus_console', items: [{ sku: 'SKU-CONSOLE', quantity: 1 }], payment: { token }, currency: 'USD' }),
  });
  expect(response.status).toBe(202);
  const { executionArn } = (await response.json()) as { executionArn: string };
  return { executionArn, accepted: Date.now() };
}

describe('local console on the order workflow (Chromium)', () => {
  it('draws every state of the synthesized definition', async () => {
    const drawn = await page.$$eval('#graph [data-state]', (nodes) => nodes.map((node) => (node as SVGGElement).dataset.state));
    const expected = allStates(definition);
    expect(expected).toEqual(expect.arrayContaining(['CreateOrder', 'ReserveInventory', 'ProcessPayment', 'ConfirmOrder', 'OrderConfirmed']));
    expect(drawn.sort()).toEqual(expected.sort());
    // Catch edges (compensation paths) are dashed.
    expect(await page.$$eval('#graph path.edge.catch', (edges) => edges.length)).toBeGreaterThan(0);
  });

  it('lists an order submitted through the API within 500 ms and colours the path it took', async () => {
    const listRequests: string[] = [];
    const onRequest = (request: { url(): string }) => request.url().includes('/api/executions?') && listRequests.push(request.url());
    page.on('request', onRequest);
    const { executionArn, accepted } = await submit(`ord_console_ok_${Date.now().toString(36)}`, 'tok_visa');
    await page.waitForSelector(`#executions-body tr[data-arn="${executionArn}"]`, { timeout: 500 });
    expect(Date.now() - accepted).toBeLessThan(500);
    page.off('request', onRequest);
    // Pushed by the server (server-sent events) when the execution started: the page asked for no list.
    expect(listRequests).toEqual([]);

    const result = await workflow.runtime.waitForExecution(executionArn);
    expect(result.status).toBe('SUCCEEDED');
    await page.click(`#executions-body button[data-arn="${executionArn}"]`);
    await page.waitForSelector('#execution-status:text("SUCCEEDED")');
    for (const state of result.statesVisited) await page.waitForSelector(`[data-state="${state}"].st-succeeded`);
    const coloured = await page.$$eval('#graph [data-state][class*="st-"]', (nodes) => nodes.map((node) => (node as SVGGElement).dataset.state));
    expect(coloured.sort()).toEqual([...new Set(result.statesVisited)].sort());
    await page.screenshot({ path: join(shots, 'order-confirmed.png'), fullPage: true });
  });

  it('shows the Fail state of a declined order and its cause', async () => {
    const { executionArn } = await submit(`ord_console_declined_${Date.now().toString(36)}`, 'tok_chargeDeclined');
    const result = await workflow.runtime.waitForExecution(executionArn);
    expect(result.status).toBe('FAILED');
    const failState = result.statesVisited.at(-1)!;
    expect(definition.States[failState]?.Type).toBe('Fail');

    await page.click(`#executions-body button[data-arn="${executionArn}"]`);
    await page.waitForSelector('#execution-status:text("FAILED")');
    await page.waitForSelector(`[data-state="${failState}"].st-failed`);
    expect(await page.textContent('#execution-error')).toBe(result.error);
    expect(result.cause).toBeTruthy();
    await page.click(`[data-state="${failState}"]`);
    await page.waitForSelector(`#state-panel h3:text("${failState}")`);
    expect(await page.textContent('#state-panel .error-name')).toBe(result.error);
    await page.screenshot({ path: join(shots, 'order-declined.png'), fullPage: true });
    // What docs/console.png shows: the first screen of the page.
    await page.screenshot({ path: join(shots, 'console.png') });
  });
});
