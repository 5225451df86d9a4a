// The page callbacks (`$$eval`) run in the browser: type them with the DOM.
/// <reference lib="dom" />
/**
 * The local console on an app that is not the order workflow (tests/fixtures/console-app), in
 * a real browser (Debian's Chromium through playwright-core): the graph has every state, an
 * execution started from the page shows its path (retried, caught, Fail with its cause), stop
 * and re-run work, the resources views show the table's items, the function's metrics and the
 * bus's events with their rule. The API answers bad requests with 4xx and a message naming the
 * field, and an idle console subscribes to nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalRuntime, type LocalConsole } from '@order-flow/local';
import { CONSOLE_STATES, synthConsoleApp } from '../fixtures/console-app/app.ts';
import { launchBrowser, screenshotDir } from './support.ts';

const shots = screenshotDir(new URL('../../', import.meta.url), 'fixture-app');
let outdir: string;
let runtime: LocalRuntime;
let consoleServer: LocalConsole;
let browser: Browser;
let page: Page;
const subscriptions = { status: 0, watch: 0, events: 0 };

beforeAll(async () => {
  outdir = synthConsoleApp(mkdtempSync(join(tmpdir(), 'console-app-')));
  [runtime, browser] = await Promise.all([LocalRuntime.start({ assemblyDir: outdir, clock: 'virtual', log: () => undefined }), launchBrowser()]);
  // Count what the console subscribes to: it must be nothing while no page is open.
  const { engine, events } = runtime;
  const onStatus = engine.onExecutionStatusChange.bind(engine);
  const watch = engine.watchExecution.bind(engine);
  const onEvent = events.onEvent.bind(events);
  vi.spyOn(engine, 'onExecutionStatusChange').mockImplementation((listener) => (subscriptions.status++, onStatus(listener)));
  vi.spyOn(engine, 'watchExecution').mockImplementation((arn, listener) => (subscriptions.watch++, watch(arn, listener)));
  vi.spyOn(events, 'onEvent').mockImplementation((listener) => (subscriptions.events++, onEvent(listener)));
  consoleServer = await runtime.startConsole();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  // Synth, DynamoDB Local and Chromium together: a busy 2-core machine needs more than the default.
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

const api = (path: string, init?: RequestInit) => fetch(new URL(path, consoleServer.url), init);
const json = { 'content-type': 'application/json' };
const machineArn = () => runtime.stateMachines[0]!.arn;

describe('local console: no cost while no page is open', () => {
  it('runs an execution without subscribing to anything; one open stream subscribes once and unsubscribes on close', async () => {
    const result = await runtime.run({ id: 'quiet', mode: 'plain' });
    expect(result.status).toBe('SUCCEEDED');
    expect(consoleServer.streams).toBe(0);
    expect(subscriptions).toEqual({ status: 0, watch: 0, events: 0 });

    // Negative control: a connected client does subscribe and receives the next execution.
    const controller = new AbortController();
    const response = await api(`/api/stream?stateMachineArn=${encodeURIComponent(machineArn())}`, { signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read(); // the retry line: the stream is open
    expect(subscriptions).toMatchObject({ status: 1, events: 1 });
    expect(consoleServer.streams).toBe(1);
    const { executionArn } = runtime.startExecution({ id: 'watched', mode: 'plain' });
    let text = '';
    while (!text.includes(executionArn)) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain('event: execution');
    controller.abort();
    await vi.waitFor(() => expect(consoleServer.streams).toBe(0));
  });
});

describe('local console API: bad requests get 4xx with a clear JSON message', () => {
  it.each([
    ['GET', '/api/nope', undefined, 404, 'NotFound', /No route GET \/api\/nope/],
    ['GET', '/api/executions', undefined, 400, 'ValidationError', /stateMachineArn is required/],
    ['GET', '/api/executions?stateMachineArn=ARN&status=DONE', undefined, 400, 'ValidationError', /status must be one of RUNNING, SUCCEEDED/],
    ['GET', '/api/executions?stateMachineArn=ARN&maxResults=0', undefined, 400, 'ValidationError', /maxResults must be an integer from 1 to 1000/],
    ['POST', '/api/executions', '{"stateMachineArn":"ARN","input":"{oops"}', 400, 'ValidationError', /input must be JSON text/],
    ['POST', '/api/executions', '{"input":"{}"}', 400, 'ValidationError', /stateMachineArn must be a non-empty string/],
    ['POST', '/api/executions', 'not json', 400, 'InvalidJson', /not JSON/],
    ['GET', '/api/executions/arn%3Aaws%3Astates%3Aus-east-1%3A000000000000%3Aexecution%3Anope%3Ax', undefined, 404, 'ExecutionDoesNotExist', /./],
    ['GET', '/api/tables/nope/items', undefined, 404, 'NotFound', /No table 'nope'/],
    ['GET', '/api/events?limit=x', undefined, 400, 'ValidationError', /limit must be an integer/],
  ])('%s %s (body %s) -> %s %s', async (method, path, body, status, error, message) => {
    const response = await api(path.replace('ARN', encodeURIComponent(machineArn())), { method, ...(body !== undefined && { body, headers: json }) });
    expect(response.status).toBe(status);
    const answer = (await response.json()) as { error: string; message: string };
    expect(answer.error).toBe(error);
    expect(answer.message).toMatch(message);
  });

  it('lists and opens Express executions, which the Step Functions API itself refuses to list or describe (negative control)', async () => {
    const { stateMachineArn } = runtime.engine.createStateMachine({ name: 'ConsoleExpress', type: 'EXPRESS', definition: { StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } } });
    const { executionArn } = runtime.engine.startExecution({ stateMachineArn, input: '{"express":true}' });
    await runtime.engine.waitForExecution(executionArn);

    const list = (await (await api(`/api/executions?stateMachineArn=${encodeURIComponent(stateMachineArn)}`)).json()) as { executions: { executionArn: string; status: string }[] };
    expect(list.executions).toEqual([expect.objectContaining({ executionArn, status: 'SUCCEEDED' })]);
    const opened = await api(`/api/executions/${encodeURIComponent(executionArn)}`);
    expect(opened.status).toBe(200);
    expect(((await opened.json()) as { events: { type: string }[] }).events.map((event) => event.type)).toContain('ExecutionSucceeded');
    // What AWS's API answers for Express ("Standard vs. Express Workflows"): not listed, not described.
    expect(() => runtime.engine.listExecutions(stateMachineArn)).toThrow(expect.objectContaining({ name: 'StateMachineTypeNotSupported' }));
    expect(() => runtime.engine.describeExecution(executionArn)).toThrow(expect.objectContaining({ name: 'InvalidArn' }));
  });

  it('refuses a POST that is not application/json (no cross-site form can start or stop executions)', async () => {
    const response = await api('/api/executions', { method: 'POST', body: '{}', headers: { 'content-type': 'text/plain' } });
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ error: 'UnsupportedMediaType', field: 'content-type' });
  });
});

describe('local console in Chromium (fixture app)', () => {
  it('draws every state of the definition, nested Parallel and Map included, Catch dashed and Retry marked', async () => {
    await page.goto(consoleServer.url);
    await page.waitForSelector('body[data-ready=true]');
    const drawn = await page.$$eval('#graph [data-state]', (nodes) => nodes.map((node) => (node as SVGGElement).dataset.state));
    expect(drawn.sort()).toEqual([...CONSOLE_STATES].sort());
    const catchDash = await page.$eval('#graph path.edge.catch', (edge) => getComputedStyle(edge).strokeDasharray);
    expect(catchDash).not.toBe('none');
    const retried = await page.$$eval('#graph .retry-mark', (marks) => marks.map((mark) => (mark.closest('[data-state]') as SVGGElement).dataset.state));
    // Echo and Explode have their own Retry; Sleep has the service-exception Retry CDK's LambdaInvoke adds.
    expect(retried.sort()).toEqual(['Echo', 'Explode', 'Sleep']);
    await page.screenshot({ path: join(shots, 'graph.png') });
  });

  it('labels every control and keeps text contrast at WCAG AA (4.5:1) or more', async () => {
    if (page.url() !== consoleServer.url) await page.goto(consoleServer.url);
    await page.waitForSelector('body[data-ready=true]');
    const unlabelled = await page.$$eval('input, select, textarea, button', (controls) =>
      controls
        .filter((control) => {
          const labels = (control as HTMLInputElement).labels;
          return !(labels && labels.length > 0) && !control.getAttribute('aria-label') && !(control.textContent ?? '').trim();
        })
        .map((control) => control.outerHTML.slice(0, 80)),
    );
    expect(unlabelled).toEqual([]);
    // Negative control: one faint line (#bbb on white, 1.9:1) that the check must report, and only it.
    await page.evaluate(() => {
      const faint = document.createElement('p');
      faint.id = 'contrast-control';
      faint.textContent = 'faint control';
      faint.style.color = '#bbbbbb';
      document.getElementById('main')!.append(faint);
    });
    const lowContrast = await page.$$eval('body *', (elements) => {
      const rgb = (color: string) => (color.match(/[\d.]+/g) ?? []).map(Number);
      const luminance = ([r, g, b]: number[]) => {
        const [R, G, B] = [r!, g!, b!].map((v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4));
        return 0.2126 * R! + 0.7152 * G! + 0.0722 * B!;
      };
      const background = (element: Element | null): number[] => {
        for (let node = element; node; node = node.parentElement) {
          const color = rgb(getComputedStyle(node).backgroundColor);
          if (color.length === 3 || (color.length === 4 && color[3]! > 0)) return color;
        }
        return [255, 255, 255];
      };
      return elements
        .filter((element) => element instanceof HTMLElement && element.offsetParent !== null && [...element.childNodes].some((node) => node.nodeType === 3 && node.textContent!.trim()))
        .map((element) => {
          const [fg, bg] = [luminance(rgb(getComputedStyle(element).color)), luminance(background(element))];
          return { text: (element.textContent ?? '').trim().slice(0, 30), ratio: (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05) };
        })
        .filter(({ ratio }) => ratio < 4.5)
        .map(({ text }) => text);
    });
    await page.evaluate(() => document.getElementById('contrast-control')!.remove());
    expect(lowContrast).toEqual(['faint control']);
  });

  it('validates the input in the page, starts an execution and colours its path: retried, caught, Fail with its cause', async () => {
    await page.fill('#start-input', '{"id": "job-1", "mode": ');
    await expect.poll(() => page.textContent('#start-input-error')).toMatch(/Input is not valid JSON/);
    expect(await page.isDisabled('#start-button')).toBe(true);

    await page.fill('#start-input', '{"id": "job-1", "mode": "boom"}');
    expect(await page.isDisabled('#start-button')).toBe(false);
    await page.click('#start-button');
    await page.waitForSelector('#execution-status:text("FAILED")');
    await page.waitForSelector('[data-state="Exploded"].st-failed');
    expect(await page.getAttribute('[data-state="Explode"]', 'class')).toMatch(/st-caught/);
    expect(await page.textContent('[data-state="Explode"] text.attempts')).toBe('×3');
    for (const name of ['Prepare', 'Fan', 'Echo', 'EachItem', 'Double', 'Record', 'Announce', 'Route']) {
      expect(await page.getAttribute(`[data-state="${name}"]`, 'class'), name).toMatch(/st-succeeded/);
    }
    expect(await page.getAttribute('[data-state="Done"]', 'class')).not.toMatch(/st-/);
    expect(await page.textContent('#execution-error')).toBe('JobExploded');
    expect(await page.textContent('#execution-cause')).toContain('boom for job-1');

    // Keyboard: tab to a state and open it with Enter.
    await page.focus('[data-state="Explode"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#state-panel h3:text("Explode")');
    expect(await page.$$eval('#state-panel table.attempts tbody tr', (rows) => rows.length)).toBe(3);
    expect(await page.textContent('#state-panel')).toContain('Boom');
    await page.screenshot({ path: join(shots, 'execution-failed.png'), fullPage: true });

    await page.click('#copy-execution');
    expect(await page.textContent('#cli-command')).toMatch(/^aws stepfunctions get-execution-history --execution-arn arn:aws:states:\S+ --endpoint-url http:\/\/127\.0\.0\.1:\d+ --region us-east-1$/);
  });

  it('lists an execution started elsewhere within 500 ms, stops a running one from the page, and re-runs it with the same input', async () => {
    const started = Date.now();
    const { executionArn } = runtime.startExecution({ id: 'job-2', mode: 'sleep' });
    await page.waitForSelector(`#executions-body tr[data-arn="${executionArn}"]`, { timeout: 500 });
    expect(Date.now() - started).toBeLessThan(500);

    await page.click(`#executions-body button[data-arn="${executionArn}"]`);
    await page.waitForSelector('[data-state="Sleep"].st-running');
    await page.click('#stop-execution');
    await page.waitForSelector('#execution-status:text("ABORTED")');
    expect(runtime.describeExecution(executionArn).status).toBe('ABORTED');
    await page.waitForSelector(`#executions-body tr[data-arn="${executionArn}"][data-status="ABORTED"]`);

    await page.click('#rerun-execution');
    await page.waitForFunction((old) => !(document.getElementById('execution-name')?.textContent ?? '').includes(old.split(':').pop() ?? old), executionArn);
    const rerun = await page.$eval('#executions-body tr.selected', (row) => (row as HTMLElement).dataset.arn!);
    expect(rerun).not.toBe(executionArn);
    expect(JSON.parse(runtime.describeExecution(rerun).input)).toEqual({ id: 'job-2', mode: 'sleep' });
    runtime.stopExecution(rerun);
    await page.screenshot({ path: join(shots, 'executions.png'), fullPage: true });
  });

  it('shows the table items, the function metrics and the bus events with their matched rule', async () => {
    await page.click('#tab-tables');
    await page.waitForSelector('#items-list button:text("job-1")');
    await page.click('#items-list button:text("job-1")');
    expect(JSON.parse((await page.textContent('#item-json'))!)).toEqual({ pk: 'job-1', mode: 'boom' });
    await page.screenshot({ path: join(shots, 'tables.png') });

    await page.click('#tab-functions');
    await page.waitForSelector('#functions-body tr');
    const cells = await page.$$eval('#functions-body tr td', (tds) => tds.map((td) => td.textContent));
    expect(Number(cells[1])).toBeGreaterThanOrEqual(4); // quiet + watched + job-1's Echo and 3 Explode attempts, at least
    expect(Number(cells[2])).toBeGreaterThanOrEqual(3); // the three Boom attempts
    await page.screenshot({ path: join(shots, 'functions.png') });

    await page.click('#tab-events');
    await page.waitForSelector('#events-body tr');
    const rows = await page.$$eval('#events-body tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(1, 5).map((td) => td.textContent)));
    expect(rows).toContainEqual(['console-fixture-bus', 'console.fixture', 'JobDone', 'JobAnnounced']);
    // The runtime's own "Execution Status Change" events are on the default bus, matching no rule here.
    expect(rows).toContainEqual(['default', 'aws.states', 'Step Functions Execution Status Change', '—']);
    await page.screenshot({ path: join(shots, 'events.png') });
    await page.click('#tab-machines');
  });
});
