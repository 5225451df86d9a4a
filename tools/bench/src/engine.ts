/**
 * The ASL interpreter alone: state transitions per second of `@order-flow/step-functions` beside
 * aws-local-stepfunctions 3.0.0 (what the local runtime ran before), on the same definitions, in
 * the same process, one execution at a time. Task states are answered by in-memory stand-ins
 * returning the happy-path results, so no Lambda, DynamoDB or worker thread takes part: only the
 * interpreter (and its history/event log) is measured. JavaScript runs on one thread, and the
 * bench runs nothing else while this section runs, so the figures are for one core.
 */
import { StepFunctionsEngine, VirtualClock, type HistoryEvent, type TaskIntegration } from '@order-flow/step-functions';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { round, summarize, type Summary } from './stats.js';

/** A JSON object as the definitions and stand-ins use it. */
type Json = Record<string, unknown>;

/** A chain of `length` Pass states (P0 → P1 → … → P{length-1}, End). */
export function passChain(length: number): Json {
  const States: Record<string, Json> = {};
  for (let i = 0; i < length; i++) States[`P${i}`] = i === length - 1 ? { Type: 'Pass', End: true } : { Type: 'Pass', Next: `P${i + 1}` };
  return { StartAt: 'P0', States };
}

/** The order of the engine benchmark (the throughput benchmark's order shape). */
export const ENGINE_ORDER = { orderId: 'ord_engine_bench', customerId: 'cus_bench', items: [{ sku: 'SKU-BENCH-0', quantity: 2 }], payment: { token: 'tok_visa' }, currency: 'USD' };

const UPDATED_AT = '2026-01-01T00:00:00.000Z';

/**
 * What each step's function returns on the happy path, by `action` (shapes of
 * `@order-flow/contracts` steps), wrapped as the lambda:invoke integration's result.
 */
export function happyLambdaResult(payload: unknown): Json {
  const p = (payload ?? {}) as Json;
  let result: Json;
  switch (p.action) {
    case 'create': {
      const order = p.order as Json;
      result = { orderId: order.orderId, customerId: order.customerId, items: order.items, currency: order.currency, paymentToken: (order.payment as Json).token, status: 'PENDING' };
      break;
    }
    case 'reserve': {
      const lines = (p.items as { sku: string; quantity: number }[]).map((i) => ({ sku: i.sku, quantity: i.quantity, unitPrice: 1250, lineTotal: 1250 * i.quantity }));
      result = { orderId: p.orderId, lines, total: lines.reduce((sum, l) => sum + l.lineTotal, 0) };
      break;
    }
    case 'charge':
      result = { orderId: p.orderId, paymentId: `pay_${String(p.orderId)}`, amount: p.amount, currency: p.currency, status: 'CAPTURED' };
      break;
    case 'confirm':
      result = { orderId: p.orderId, status: 'CONFIRMED', total: p.total, updatedAt: UPDATED_AT };
      break;
    default:
      throw new Error(`The engine benchmark's stand-ins answer only the happy path, not action ${String(p.action)}`);
  }
  return { ExecutedVersion: '$LATEST', Payload: result, StatusCode: 200 };
}

/** PutEvents' response for the stand-in. */
const PUT_EVENTS_RESULT = { Entries: [{ EventId: 'bench-event' }], FailedEntryCount: 0 };

/** The stand-in of one Task state, given its effective parameters. */
function standIn(state: Json, parameters: unknown): Json {
  const resource = typeof state.Resource === 'string' ? state.Resource : '';
  if (/:lambda:invoke$/.test(resource)) return happyLambdaResult((parameters as Json).Payload);
  if (/:events:putEvents$/.test(resource)) return PUT_EVENTS_RESULT;
  // CheckConfirmed (reads a failed confirm back): off the happy path, answered as a PENDING order.
  if (/:dynamodb:getItem$/.test(resource)) return { Item: { status: { S: 'PENDING' } } };
  throw new Error(`No stand-in for the Task resource ${resource}`);
}

/** Task states of a definition's top level, by name. */
function taskStates(definition: Json): Record<string, Json> {
  return Object.fromEntries(Object.entries(definition.States as Record<string, Json>).filter(([, s]) => s.Type === 'Task'));
}

/**
 * The same definition with what aws-local-stepfunctions 3.0.0 gets wrong taken out, in forms that
 * mean the same to Step Functions: an explicit `"ResultPath": "$"` (the default) is dropped (it
 * adds a key named "$"), and a `$$.State.Name` reference is replaced by the state's name as a
 * literal (it does not resolve there). `changes` lists what was rewritten.
 */
export function adaptForAwsLocalStepFunctions(definition: Json): { definition: Json; changes: string[] } {
  const changes: string[] = [];
  const copy = structuredClone(definition);
  const states = copy.States as Record<string, Json>;
  for (const [name, state] of Object.entries(states)) {
    if (state.ResultPath === '$') {
      delete state.ResultPath;
      changes.push(`${name}: "ResultPath": "$" dropped (the default)`);
    }
    const rewrite = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(rewrite);
      if (value === null || typeof value !== 'object') return value;
      const out: Json = {};
      for (const [key, v] of Object.entries(value as Json)) {
        if (key.endsWith('.$') && v === '$$.State.Name') {
          out[key.slice(0, -2)] = name;
          changes.push(`${name}: "${key}": "$$.State.Name" → "${key.slice(0, -2)}": "${name}"`);
        } else out[key] = rewrite(v);
      }
      return out;
    };
    for (const field of ['Parameters', 'ResultSelector'] as const) if (state[field] !== undefined) state[field] = rewrite(state[field]);
  }
  return { definition: copy, changes };
}

/** One execution's end as either engine reports it. */
export interface EngineRun {
  readonly status: string;
  readonly output: unknown;
  readonly statesEntered: readonly string[];
  readonly error?: string;
}

/** Runs executions of one definition on one engine, one at a time. */
export interface EngineDriver {
  readonly engine: 'ours' | 'aws-local-stepfunctions';
  /** Runs one execution to its end. */
  run(name: string): Promise<EngineRun>;
}

/**
 * `@order-flow/step-functions` as the local runtime runs it (a `StepFunctionsEngine` on a
 * `VirtualClock`), with the lambda:invoke and events:putEvents integrations replaced by the
 * stand-ins. Transitions are the `*StateEntered` events of each execution's history.
 */
export function ourDriver(definition: Json, input: unknown): EngineDriver {
  const states = taskStates(definition);
  const integration: TaskIntegration = (request) => Promise.resolve(standIn(states[request.stateName] ?? {}, request.parameters));
  const engine = new StepFunctionsEngine({
    clock: new VirtualClock(),
    integrations: { 'arn:aws:states:::lambda:invoke': integration, 'arn:aws:states:::events:putEvents': integration, 'arn:aws:states:::dynamodb:getItem': integration },
  });
  const { stateMachineArn } = engine.createStateMachine({ name: 'EngineBench', definition });
  const inputText = JSON.stringify(input);
  return {
    engine: 'ours',
    async run(name) {
      const { executionArn } = engine.startExecution({ stateMachineArn, input: inputText, name });
      const result = await engine.waitForExecution(executionArn);
      return { status: result.status, output: result.output, statesEntered: entered(result.history), ...(result.error !== undefined && { error: result.error }) };
    },
  };
}

function entered(history: readonly HistoryEvent[]): string[] {
  const names: string[] = [];
  for (const event of history) if (event.type.endsWith('StateEntered')) names.push((event.stateEnteredEventDetails as { name: string }).name);
  return names;
}

/**
 * aws-local-stepfunctions 3.0.0 (`validationOptions: { checkArn: false }`, every Task state
 * answered through `overrides.taskResourceLocalHandlers` by the same stand-ins). Transitions are
 * its `StateEntered` events (its event log is drained, as the runtime used to).
 */
export function theirDriver(definition: Json, input: unknown): EngineDriver {
  const machine = new StateMachine(definition as unknown as StateMachineDefinition, { validationOptions: { checkArn: false } });
  const handlers = Object.fromEntries(Object.entries(taskStates(definition)).map(([name, state]) => [name, (parameters: unknown) => standIn(state, parameters) as never]));
  return {
    engine: 'aws-local-stepfunctions',
    async run(name) {
      const execution = machine.run(input as never, { overrides: { taskResourceLocalHandlers: handlers }, context: { Execution: { Id: name, Name: name } } });
      const statesEntered: string[] = [];
      const draining = (async () => {
        for await (const event of execution.eventLogs) if (event.type === 'StateEntered') statesEntered.push(event.state.name);
      })();
      let outcome: { status: string; output: unknown; error?: string };
      try {
        outcome = { status: 'SUCCEEDED', output: await execution.result };
      } catch (error) {
        outcome = { status: 'FAILED', output: undefined, error: (error as Error).message };
      }
      await draining;
      return { ...outcome, statesEntered };
    },
  };
}

/** One timed run: `executions` executions one after another. */
export interface TimedRun {
  readonly transitions: number;
  readonly seconds: number;
  readonly transitionsPerSecond: number;
}

/** Runs `executions` executions in sequence and times them; every one must end SUCCEEDED. */
export async function timeRun(driver: EngineDriver, executions: number, prefix: string): Promise<TimedRun> {
  let transitions = 0;
  const started = performance.now();
  for (let i = 0; i < executions; i++) {
    const run = await driver.run(`${prefix}_${i}`);
    if (run.status !== 'SUCCEEDED') throw new Error(`${driver.engine}: execution ${prefix}_${i} ended ${run.status} ${run.error ?? ''}`);
    transitions += run.statesEntered.length;
  }
  const seconds = (performance.now() - started) / 1000;
  return { transitions, seconds, transitionsPerSecond: transitions / seconds };
}

/** One definition measured on both engines, runs interleaved. */
export interface EngineComparison {
  readonly definition: string;
  readonly executionsPerRun: number;
  readonly transitionsPerExecution: number;
  readonly runs: number;
  readonly ours: Summary;
  readonly theirs: Summary;
  /** ours median ÷ theirs median (> 1: ours is faster). */
  readonly ratio: number;
}

/**
 * Measures `ours` and `theirs` on the same definition: one warm-up run each (discarded), then
 * `runs` runs each, alternating which engine goes first.
 */
export async function compareEngines(
  label: string,
  drivers: { ours: EngineDriver; theirs: EngineDriver },
  options: { executions: number; runs: number; log?: (line: string) => void },
): Promise<EngineComparison> {
  await timeRun(drivers.ours, Math.ceil(options.executions / 4), `${label}_wu_o`);
  await timeRun(drivers.theirs, Math.ceil(options.executions / 4), `${label}_wu_t`);
  const ours: TimedRun[] = [];
  const theirs: TimedRun[] = [];
  for (let r = 0; r < options.runs; r++) {
    const order = r % 2 === 0 ? (['ours', 'theirs'] as const) : (['theirs', 'ours'] as const);
    for (const which of order) {
      const run = await timeRun(drivers[which], options.executions, `${label}_r${r}_${which[0]}`);
      (which === 'ours' ? ours : theirs).push(run);
    }
    options.log?.(`  ${label} run ${r + 1}: ours ${ours.at(-1)!.transitionsPerSecond.toFixed(0)}/s, aws-local-stepfunctions ${theirs.at(-1)!.transitionsPerSecond.toFixed(0)}/s`);
  }
  const o = summarize(ours.map((x) => x.transitionsPerSecond));
  const t = summarize(theirs.map((x) => x.transitionsPerSecond));
  return {
    definition: label,
    executionsPerRun: options.executions,
    transitionsPerExecution: ours[0]!.transitions / options.executions,
    runs: options.runs,
    ours: o,
    theirs: t,
    ratio: round(o.median / t.median, 2),
  };
}

/** What the engine section reports. */
export interface EngineSection {
  readonly runs: number;
  /** 1-, 5- and 15-minute load averages when the section started (other processes share the cores). */
  readonly loadAverage: readonly number[];
  readonly oneCore: string;
  readonly standIns: string;
  readonly passChain: EngineComparison;
  readonly order: EngineComparison;
  /** The synthesized order definition as it is, on each engine. */
  readonly faithfulness: {
    readonly ours: { readonly status: string; readonly statesEntered: readonly string[] };
    readonly theirs: { readonly status: string; readonly statesEntered: readonly string[]; readonly error?: string };
    /** What was rewritten so aws-local-stepfunctions runs the same workflow (both engines then run that). */
    readonly adaptations: readonly string[];
    /** Ours gives the same output on the original and the adapted definition; so does theirs on the adapted one. */
    readonly sameOutput: boolean;
  };
}

/**
 * The engine section: a chain of Pass states and the order workflow's definition (resolved by the
 * local runtime), each on both engines. `orderDefinition` must reach its Succeed state on the
 * stand-ins; the order comparison runs the definition adapted for aws-local-stepfunctions on both.
 */
export async function engineSection(orderDefinition: Json, options: { runs: number; passLength: number; passExecutions: number; orderExecutions: number; loadAverage: readonly number[]; log?: (line: string) => void }): Promise<EngineSection> {
  const adapted = adaptForAwsLocalStepFunctions(orderDefinition);
  const ours = await ourDriver(orderDefinition, ENGINE_ORDER).run('faithfulness_ours');
  const theirs = await theirDriver(orderDefinition, ENGINE_ORDER).run('faithfulness_theirs');
  const oursAdapted = await ourDriver(adapted.definition, ENGINE_ORDER).run('faithfulness_ours_adapted');
  const theirsAdapted = await theirDriver(adapted.definition, ENGINE_ORDER).run('faithfulness_theirs_adapted');
  if (ours.status !== 'SUCCEEDED') throw new Error(`The order definition did not succeed on our engine with the stand-ins: ${ours.error ?? ours.status}`);
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const sameOutput = same(ours.output, oursAdapted.output) && same(ours.output, theirsAdapted.output) && same(ours.statesEntered, theirsAdapted.statesEntered);
  options.log?.(`  order definition as synthesized: ours ${ours.status}; aws-local-stepfunctions ${theirs.status}${theirs.error ? ` (${theirs.error})` : ''}`);
  const pass = passChain(options.passLength);
  const passComparison = await compareEngines(`pass${options.passLength}`, { ours: ourDriver(pass, {}), theirs: theirDriver(pass, {}) }, { executions: options.passExecutions, runs: options.runs, ...(options.log && { log: options.log }) });
  const orderComparison = await compareEngines(
    'order',
    { ours: ourDriver(adapted.definition, ENGINE_ORDER), theirs: theirDriver(adapted.definition, ENGINE_ORDER) },
    { executions: options.orderExecutions, runs: options.runs, ...(options.log && { log: options.log }) },
  );
  return {
    runs: options.runs,
    loadAverage: options.loadAverage.map((l) => round(l, 2)),
    oneCore: 'both engines run in the bench process, on its one JavaScript thread, one execution at a time; the local runtime (its worker threads, DynamoDB Local) is stopped before this section and nothing else of the bench runs during it',
    standIns:
      'Task states answered in memory with the happy-path results (lambda:invoke → {Payload, StatusCode}; events:putEvents → {Entries, FailedEntryCount}): ours through its `integrations` option, aws-local-stepfunctions through `overrides.taskResourceLocalHandlers`; no Lambda, no DynamoDB: only the interpreter and its history/event log',
    passChain: passComparison,
    order: orderComparison,
    faithfulness: {
      ours: { status: ours.status, statesEntered: ours.statesEntered },
      theirs: { status: theirs.status, statesEntered: theirs.statesEntered, ...(theirs.error !== undefined && { error: theirs.error }) },
      adaptations: adapted.changes,
      sameOutput,
    },
  };
}
