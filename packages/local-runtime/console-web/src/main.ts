/**
 * The local console page: state machines drawn as graphs, executions live (server-sent events)
 * with their path coloured, each state's input/output/error/cause and attempts, the full
 * history; tables, functions and bus events; start, stop and re-run executions and copy the
 * AWS CLI command for what is shown. Plain DOM, no framework.
 */
import { renderGraph, layoutBlock, type RenderedGraph } from './graph.js';
import { detailsOf, stateRuns, type HistoryEvent, type StateRun } from './path.js';

interface Machine {
  arn: string;
  name: string;
  type: string;
  path: string | null;
  definition: Record<string, unknown>;
}
interface ExecutionItem {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: string;
  startDate: string;
  stopDate?: string;
  durationMs?: number;
  input?: string;
  output?: string;
  error?: string;
  cause?: string;
}

const PAGE_SIZE = 20;
const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** Calls the console API; a 4xx/5xx is thrown with the server's message. */
async function api<T>(path: string, init?: { method: string; body?: unknown }): Promise<T> {
  const response = await fetch(path, init && { method: init.method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.body ?? {}) });
  const body = (await response.json()) as T & { message?: string };
  if (!response.ok) throw new Error(body.message ?? `HTTP ${response.status}`);
  return body;
}

function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'text') node.textContent = value;
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

function pretty(text: string | undefined): string {
  if (text === undefined) return '—';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

const time = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { hour12: false }) + `.${String(new Date(iso).getMilliseconds()).padStart(3, '0')}`;
const duration = (ms: number | undefined) => (ms === undefined ? '—' : ms < 1000 ? `${ms} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 60_000).toFixed(1)} min`);
const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** Shows `text` as the command to copy, and copies it when the clipboard allows. */
function showCommand(text: string): void {
  $('cli-command').textContent = text;
  $('cli-box').hidden = false;
  navigator.clipboard?.writeText(text).then(
    () => ($('cli-status').textContent = 'Copied to the clipboard.'),
    () => ($('cli-status').textContent = 'Select the command to copy it.'),
  );
}

const state = {
  info: { region: 'us-east-1', stepFunctionsEndpoint: null as string | null },
  machines: [] as Machine[],
  machine: undefined as Machine | undefined,
  graph: undefined as RenderedGraph | undefined,
  statusFilter: '',
  pageTokens: [null] as (string | null)[],
  page: 0,
  rows: [] as ExecutionItem[],
  stream: undefined as EventSource | undefined,
  selected: undefined as ExecutionItem | undefined,
  selectedStream: undefined as EventSource | undefined,
  events: [] as HistoryEvent[],
  runs: new Map<string, StateRun>(),
  selectedState: undefined as string | undefined,
  redraw: 0,
  view: 'machines',
};

function cliBase(): string {
  return `--endpoint-url ${state.info.stepFunctionsEndpoint ?? 'http://127.0.0.1:8083'} --region ${state.info.region}`;
}

// ---------- state machines and the graph ----------

function selectMachine(arn: string): void {
  const machine = state.machines.find((m) => m.arn === arn);
  if (!machine) return;
  state.machine = machine;
  $<HTMLSelectElement>('machine-select').value = arn;
  const svg = document.getElementById('graph') as unknown as SVGSVGElement;
  svg.setAttribute('aria-label', `Graph of the state machine ${machine.name}: ${Object.keys(machine.definition.States ?? {}).length} top-level states`);
  state.graph = renderGraph(svg, layoutBlock(machine.definition, true), selectState);
  closeExecution();
  state.pageTokens = [null];
  state.page = 0;
  $('start-machine').textContent = machine.name;
  void loadExecutions();
  connectStream();
}

function paintPath(): void {
  if (!state.graph) return;
  for (const [name, node] of state.graph.nodes) {
    const run = state.runs.get(name);
    node.classList.remove('st-succeeded', 'st-failed', 'st-caught', 'st-running', 'st-aborted', 'st-retried');
    const attempts = node.querySelector('text.attempts')!;
    attempts.textContent = '';
    const label = node.getAttribute('aria-label')!.replace(/ — .*$/, '');
    if (!run) {
      node.setAttribute('aria-label', label);
      continue;
    }
    node.classList.add(`st-${run.status}`);
    const tries = run.attempts.length;
    const retried = node.querySelector('.retry-mark') !== null && tries > run.entered;
    if (retried) {
      node.classList.add('st-retried');
      attempts.textContent = `×${tries}`;
    }
    node.setAttribute('aria-label', `${label} — ${run.status}${retried ? `, ${tries} attempts` : ''}`);
  }
}

function selectState(name: string): void {
  state.selectedState = name;
  for (const [id, node] of state.graph?.nodes ?? []) node.classList.toggle('selected', id === name);
  renderStatePanel();
}

function renderStatePanel(): void {
  const panel = $('state-panel');
  const name = state.selectedState;
  if (name === undefined) {
    panel.replaceChildren(h('p', { class: 'hint', text: 'Select a state in the graph to see its input, output, error and attempts.' }));
    return;
  }
  const run = state.runs.get(name);
  const parts: Node[] = [h('h3', { text: name })];
  if (!state.selected) parts.push(h('p', { class: 'hint', text: 'Open an execution to see what this state did.' }));
  else if (!run) parts.push(h('p', { class: 'hint', text: 'Not reached in this execution.' }));
  else {
    parts.push(h('p', {}, 'Status: ', h('strong', { class: `badge st-${run.status}`, text: run.status })));
    const block = (title: string, text: string | undefined) => h('section', {}, h('h4', { text: title }), h('pre', { tabindex: '0', text: pretty(text) }));
    parts.push(block('Input', run.input), block('Output', run.output));
    if (run.error !== undefined || run.cause !== undefined) parts.push(h('section', { class: 'failure' }, h('h4', { text: 'Error' }), h('p', { class: 'error-name', text: run.error ?? '—' }), h('h4', { text: 'Cause' }), h('pre', { class: 'cause', tabindex: '0', text: pretty(run.cause) })));
    const rows = run.attempts.map((a, i) =>
      h('tr', {}, h('td', { text: String(i + 1) }), h('td', { text: time(a.start) }), h('td', { text: a.end ? duration(Date.parse(a.end) - Date.parse(a.start)) : 'running' }), h('td', { text: a.error ?? (a.end ? 'ok' : '') })),
    );
    parts.push(h('h4', { text: `Attempts (${run.attempts.length})` }), h('table', { class: 'attempts' }, h('thead', {}, h('tr', {}, h('th', { text: '#' }), h('th', { text: 'Started' }), h('th', { text: 'Took' }), h('th', { text: 'Result' }))), h('tbody', {}, ...rows)));
  }
  panel.replaceChildren(...parts);
}

// ---------- executions list (live) ----------

async function loadExecutions(): Promise<void> {
  if (!state.machine) return;
  const params = new URLSearchParams({ stateMachineArn: state.machine.arn, maxResults: String(PAGE_SIZE) });
  if (state.statusFilter) params.set('status', state.statusFilter);
  const token = state.pageTokens[state.page];
  if (token) params.set('nextToken', token);
  try {
    const page = await api<{ executions: ExecutionItem[]; nextToken: string | null }>(`/api/executions?${params.toString()}`);
    state.rows = page.executions;
    state.pageTokens[state.page + 1] = page.nextToken;
    renderExecutions();
  } catch (error) {
    $('executions-status').textContent = (error as Error).message;
  }
}

function renderExecutions(): void {
  const body = $('executions-body');
  body.replaceChildren(
    ...state.rows.map((row) => {
      const open = h('button', { class: 'link', type: 'button', 'data-arn': row.executionArn, text: row.name });
      open.addEventListener('click', () => openExecution(row.executionArn));
      const tr = h('tr', { 'data-arn': row.executionArn, 'data-status': row.status }, h('td', {}, open), h('td', {}, h('span', { class: `badge ex-${row.status.toLowerCase()}`, text: row.status })), h('td', { text: time(row.startDate) }), h('td', { text: duration(row.durationMs) }));
      if (state.selected?.executionArn === row.executionArn) tr.classList.add('selected');
      return tr;
    }),
  );
  $('executions-status').textContent = state.rows.length === 0 ? 'No executions yet.' : `Page ${state.page + 1}: ${state.rows.length} execution${state.rows.length === 1 ? '' : 's'}, newest first.`;
  $<HTMLButtonElement>('page-newer').disabled = state.page === 0;
  $<HTMLButtonElement>('page-older').disabled = !state.pageTokens[state.page + 1];
}

/** A pushed status change: update its row, or put a new execution on top of the first page. */
function onExecutionPushed(item: ExecutionItem): void {
  const index = state.rows.findIndex((row) => row.executionArn === item.executionArn);
  const matches = !state.statusFilter || state.statusFilter === item.status;
  if (index >= 0) {
    if (matches) state.rows[index] = item;
    else state.rows.splice(index, 1);
  } else if (matches && state.page === 0) {
    state.rows.unshift(item);
    if (state.rows.length > PAGE_SIZE) {
      state.rows.length = PAGE_SIZE;
      state.pageTokens.length = 1; // the next page's token moved; fetched again on demand
      void loadExecutions();
    }
  }
  renderExecutions();
  if (state.view === 'functions') scheduleFunctionsRefresh();
}

function connectStream(): void {
  state.stream?.close();
  if (!state.machine) return;
  const stream = new EventSource(`/api/stream?stateMachineArn=${encodeURIComponent(state.machine.arn)}`);
  stream.addEventListener('execution', (event) => onExecutionPushed(JSON.parse((event as MessageEvent<string>).data) as ExecutionItem));
  stream.addEventListener('bus', (event) => onBusEvent(JSON.parse((event as MessageEvent<string>).data) as BusEvent));
  stream.onopen = () => ($('live').textContent = 'Live');
  stream.onerror = () => ($('live').textContent = 'Reconnecting…');
  state.stream = stream;
}

// ---------- one execution ----------

function openExecution(arn: string): void {
  closeExecution();
  state.events = [];
  state.runs = new Map();
  state.selected = { executionArn: arn, stateMachineArn: state.machine?.arn ?? '', name: arn.split(':').pop() ?? arn, status: 'RUNNING', startDate: new Date().toISOString() };
  $('execution').hidden = false;
  const stream = new EventSource(`/api/executions/${encodeURIComponent(arn)}/stream`);
  stream.addEventListener('execution', (event) => {
    state.selected = JSON.parse((event as MessageEvent<string>).data) as ExecutionItem;
    renderExecutionHeader();
    scheduleRedraw();
  });
  stream.addEventListener('history', (event) => {
    state.events.push(JSON.parse((event as MessageEvent<string>).data) as HistoryEvent);
    scheduleRedraw();
  });
  stream.onerror = () => {
    // A closed execution's stream ends when the server stops: do not reconnect for nothing.
    if (state.selected && state.selected.status !== 'RUNNING') stream.close();
  };
  state.selectedStream = stream;
  renderExecutionHeader();
  renderExecutions();
}

function closeExecution(): void {
  state.selectedStream?.close();
  state.selectedStream = undefined;
  state.selected = undefined;
  state.runs = new Map();
  state.events = [];
  $('execution').hidden = true;
  paintPath();
  renderStatePanel();
}

/** Many events arrive at once (a whole history on open): draw once per frame. */
function scheduleRedraw(): void {
  if (state.redraw) return;
  state.redraw = requestAnimationFrame(() => {
    state.redraw = 0;
    state.runs = stateRuns(state.events, state.selected?.status ?? 'RUNNING');
    paintPath();
    renderHistory();
    renderStatePanel();
  });
}

function renderExecutionHeader(): void {
  const ex = state.selected;
  if (!ex) return;
  $('execution-name').textContent = ex.name;
  const status = $('execution-status');
  status.textContent = ex.status;
  status.className = `badge ex-${ex.status.toLowerCase()}`;
  $('execution-times').textContent = `started ${time(ex.startDate)}${ex.stopDate ? `, ended ${time(ex.stopDate)} (${duration(ex.durationMs)})` : ''}`;
  $<HTMLButtonElement>('stop-execution').disabled = ex.status !== 'RUNNING';
  const failure = $('execution-failure');
  failure.hidden = ex.error === undefined && ex.cause === undefined;
  $('execution-error').textContent = ex.error ?? '';
  $('execution-cause').textContent = pretty(ex.cause);
}

function renderHistory(): void {
  const start = state.events[0] ? Date.parse(state.events[0].timestamp) : 0;
  const stateOf = new Map<number, string>();
  for (const run of state.runs.values()) for (const id of run.eventIds) stateOf.set(id, run.name);
  $('history-body').replaceChildren(
    ...state.events.map((event) => {
      const details = detailsOf(event);
      return h(
        'tr',
        { class: /Failed|TimedOut|Aborted/.test(event.type) ? 'bad' : '' },
        h('td', { text: String(event.id) }),
        h('td', { text: event.type }),
        h('td', { text: stateOf.get(event.id) ?? '' }),
        h('td', { text: `+${duration(Date.parse(event.timestamp) - start)}` }),
        h('td', {}, details ? h('details', {}, h('summary', { text: 'details' }), h('pre', { text: JSON.stringify(details, null, 2) })) : ''),
      );
    }),
  );
}

// ---------- actions ----------

function validateInput(): boolean {
  const input = $<HTMLTextAreaElement>('start-input');
  const message = $('start-input-error');
  let error = '';
  try {
    JSON.parse(input.value === '' ? '{}' : input.value);
  } catch (e) {
    error = `Input is not valid JSON: ${(e as Error).message}`;
  }
  const name = $<HTMLInputElement>('start-name').value;
  if (!error && name !== '' && !/^[A-Za-z0-9_-]{1,80}$/.test(name)) error = 'Name: 1-80 characters of A-Z, a-z, 0-9, - and _';
  message.textContent = error;
  input.setAttribute('aria-invalid', String(error !== ''));
  $<HTMLButtonElement>('start-button').disabled = error !== '' || !state.machine;
  return error === '';
}

async function startExecution(event: Event): Promise<void> {
  event.preventDefault();
  if (!validateInput() || !state.machine) return;
  const raw = $<HTMLTextAreaElement>('start-input').value;
  const name = $<HTMLInputElement>('start-name').value;
  try {
    const started = await api<{ executionArn: string }>('/api/executions', { method: 'POST', body: { stateMachineArn: state.machine.arn, input: raw === '' ? '{}' : raw, ...(name && { name }) } });
    $('start-result').textContent = `Started ${started.executionArn.split(':').pop() ?? ''}.`;
    openExecution(started.executionArn);
  } catch (error) {
    $('start-result').textContent = `Not started: ${(error as Error).message}`;
  }
}

// ---------- resources ----------

interface BusEvent {
  busName: string;
  matchedRules?: string[];
  event: { id: string; source: string; 'detail-type': string; time: string; detail: unknown };
}
let busEvents: BusEvent[] = [];

function onBusEvent(event: BusEvent): void {
  busEvents.unshift(event);
  if (busEvents.length > 200) busEvents.length = 200;
  if (state.view === 'events') renderBusEvents();
}

function renderBusEvents(): void {
  $('events-body').replaceChildren(
    ...busEvents.map((recorded) =>
      h(
        'tr',
        {},
        h('td', { text: time(recorded.event.time) }),
        h('td', { text: recorded.busName }),
        h('td', { text: recorded.event.source }),
        h('td', { text: recorded.event['detail-type'] }),
        h('td', { text: recorded.matchedRules?.join(', ') || '—' }),
        h('td', {}, h('details', {}, h('summary', { text: 'detail' }), h('pre', { text: JSON.stringify(recorded.event.detail, null, 2) }))),
      ),
    ),
  );
  $('events-status').textContent = busEvents.length === 0 ? 'No events on the buses yet.' : `${busEvents.length} events, newest first.`;
}

let functionsTimer = 0;
function scheduleFunctionsRefresh(): void {
  if (functionsTimer) return;
  functionsTimer = window.setTimeout(() => {
    functionsTimer = 0;
    void loadFunctions();
  }, 500);
}

async function loadFunctions(): Promise<void> {
  type Summary = { p50: number; p90: number; p99: number; max: number } | undefined;
  const { functions } = await api<{ functions: { name: string; path: string | null; stats: { invocations: number; errors: number; throttles: number; coldStarts: number; durationMs?: Summary; initDurationMs?: Summary } | null }[] }>('/api/functions');
  const ms = (value: number | undefined) => (value === undefined ? '—' : `${value.toFixed(1)}`);
  $('functions-body').replaceChildren(
    ...functions.map((fn) =>
      h(
        'tr',
        {},
        h('td', {}, h('span', { text: fn.name }), h('br'), h('small', { text: fn.path ?? '' })),
        h('td', { text: String(fn.stats?.invocations ?? '—') }),
        h('td', { text: String(fn.stats?.errors ?? '—') }),
        h('td', { text: String(fn.stats?.throttles ?? '—') }),
        h('td', { text: String(fn.stats?.coldStarts ?? '—') }),
        h('td', { text: ms(fn.stats?.durationMs?.p50) }),
        h('td', { text: ms(fn.stats?.durationMs?.p90) }),
        h('td', { text: ms(fn.stats?.durationMs?.p99) }),
        h('td', { text: ms(fn.stats?.initDurationMs?.p50) }),
      ),
    ),
  );
}

const tableState = { name: '', tokens: [null] as (string | null)[], page: 0 };

async function loadTables(): Promise<void> {
  const { tables } = await api<{ tables: { name: string; path: string | null }[] }>('/api/tables');
  const select = $<HTMLSelectElement>('table-select');
  select.replaceChildren(...tables.map((t) => h('option', { value: t.name, text: t.path ? `${t.path} (${t.name})` : t.name })));
  if (tables[0] && !tableState.name) {
    tableState.name = tables[0].name;
    await loadItems();
  }
}

async function loadItems(): Promise<void> {
  const params = new URLSearchParams({ limit: '25' });
  const token = tableState.tokens[tableState.page];
  if (token) params.set('nextToken', token);
  try {
    const { items, nextToken } = await api<{ items: Record<string, unknown>[]; nextToken: string | null }>(`/api/tables/${encodeURIComponent(tableState.name)}/items?${params.toString()}`);
    tableState.tokens[tableState.page + 1] = nextToken;
    $('items-list').replaceChildren(
      ...items.map((item) => {
        const button = h('button', { type: 'button', class: 'link item', text: JSON.stringify(item).slice(0, 140) });
        button.addEventListener('click', () => ($('item-json').textContent = JSON.stringify(item, null, 2)));
        return h('li', {}, button);
      }),
    );
    $('items-status').textContent = `Page ${tableState.page + 1}: ${items.length} item${items.length === 1 ? '' : 's'}.`;
    $<HTMLButtonElement>('items-prev').disabled = tableState.page === 0;
    $<HTMLButtonElement>('items-next').disabled = !nextToken;
  } catch (error) {
    $('items-status').textContent = (error as Error).message;
  }
}

function showView(view: string): void {
  state.view = view;
  for (const tab of document.querySelectorAll<HTMLButtonElement>('[role=tab]')) {
    const active = tab.dataset.view === view;
    tab.setAttribute('aria-selected', String(active));
    tab.tabIndex = active ? 0 : -1;
    $(`view-${tab.dataset.view!}`).hidden = !active;
  }
  if (view === 'tables') void loadTables();
  if (view === 'functions') void loadFunctions();
  if (view === 'events') renderBusEvents();
  if (view === 'machines') state.graph?.fit();
}

// ---------- start ----------

/**
 * Wires a paged list's controls: choosing in the `filter` select hands its value to `onFilter`
 * (which resets the list's page tokens) and goes back to the first page; `previous` and `next`
 * move one page (never before the first). Each loads the list again.
 */
function wirePager(ids: { filter: string; previous: string; next: string }, pager: { page: number }, load: () => Promise<void>, onFilter: (value: string) => void): void {
  $(ids.filter).addEventListener('change', (event) => {
    onFilter((event.target as HTMLSelectElement).value);
    pager.page = 0;
    void load();
  });
  $(ids.previous).addEventListener('click', () => {
    pager.page = Math.max(0, pager.page - 1);
    void load();
  });
  $(ids.next).addEventListener('click', () => {
    pager.page++;
    void load();
  });
}

async function main(): Promise<void> {
  state.info = await api('/api/info');
  const { stateMachines } = await api<{ stateMachines: Machine[] }>('/api/state-machines');
  state.machines = stateMachines;
  const select = $<HTMLSelectElement>('machine-select');
  select.replaceChildren(...stateMachines.map((m) => h('option', { value: m.arn, text: `${m.path ?? m.name}${m.type === 'EXPRESS' ? ' (Express)' : ''}` })));
  select.addEventListener('change', () => selectMachine(select.value));

  const tabs = [...document.querySelectorAll<HTMLButtonElement>('[role=tab]')];
  tabs.forEach((tab, i) => {
    tab.addEventListener('click', () => showView(tab.dataset.view!));
    tab.addEventListener('keydown', (event) => {
      const next = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
      if (!next) return;
      const target = tabs[(i + next + tabs.length) % tabs.length]!;
      target.focus();
      showView(target.dataset.view!);
    });
  });
  $('zoom-in').addEventListener('click', () => state.graph?.zoom(1.2));
  $('zoom-out').addEventListener('click', () => state.graph?.zoom(1 / 1.2));
  $('zoom-fit').addEventListener('click', () => state.graph?.fit());
  wirePager({ filter: 'status-filter', previous: 'page-newer', next: 'page-older' }, state, loadExecutions, (value) => {
    state.statusFilter = value;
    state.pageTokens = [null];
  });
  $('start-form').addEventListener('submit', (event) => void startExecution(event));
  $('start-input').addEventListener('input', validateInput);
  $('start-name').addEventListener('input', validateInput);
  $('copy-start').addEventListener('click', () => {
    if (!state.machine || !validateInput()) return;
    const raw = $<HTMLTextAreaElement>('start-input').value || '{}';
    const name = $<HTMLInputElement>('start-name').value;
    showCommand(`aws stepfunctions start-execution --state-machine-arn ${state.machine.arn}${name ? ` --name ${name}` : ''} --input ${quote(JSON.stringify(JSON.parse(raw)))} ${cliBase()}`);
  });
  $('copy-list').addEventListener('click', () => {
    if (state.machine) showCommand(`aws stepfunctions list-executions --state-machine-arn ${state.machine.arn}${state.statusFilter ? ` --status-filter ${state.statusFilter}` : ''} ${cliBase()}`);
  });
  $('stop-execution').addEventListener('click', () => {
    if (!state.selected) return;
    api(`/api/executions/${encodeURIComponent(state.selected.executionArn)}/stop`, { method: 'POST' }).catch((error: Error) => ($('execution-action').textContent = error.message));
  });
  $('rerun-execution').addEventListener('click', () => {
    if (!state.selected) return;
    api<{ executionArn: string }>(`/api/executions/${encodeURIComponent(state.selected.executionArn)}/rerun`, { method: 'POST' }).then(
      (started) => openExecution(started.executionArn),
      (error: Error) => ($('execution-action').textContent = error.message),
    );
  });
  $('copy-execution').addEventListener('click', () => {
    if (state.selected) showCommand(`aws stepfunctions get-execution-history --execution-arn ${state.selected.executionArn} ${cliBase()}`);
  });
  $('close-execution').addEventListener('click', closeExecution);
  wirePager({ filter: 'table-select', previous: 'items-prev', next: 'items-next' }, tableState, loadItems, (value) => {
    tableState.name = value;
    tableState.tokens = [null];
  });
  $('functions-refresh').addEventListener('click', () => void loadFunctions());
  busEvents = (await api<{ events: BusEvent[] }>('/api/events')).events;

  renderStatePanel();
  if (stateMachines[0]) selectMachine(stateMachines[0].arn);
  else $('executions-status').textContent = 'This app has no state machines.';
  validateInput();
  document.body.dataset.ready = 'true';
}

main().catch((error: Error) => {
  $('fatal').textContent = `The console could not load: ${error.message}`;
  $('fatal').hidden = false;
});
