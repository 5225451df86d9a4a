/**
 * The conformance suite: every case of `cases/*.ts` runs through the public API
 * (StepFunctionsEngine on a VirtualClock; Lambda stand-ins through `invokeFunction`) and is
 * checked against what AWS documents or was recorded doing. Each test name carries its source.
 */
import { describe, expect, it } from 'vitest';
import { StepFunctionsEngine, StepFunctionsError, VirtualClock, type FunctionInvoker, type HistoryEvent, type LambdaOutcome } from '../../src/index.ts';
import { LambdaFailure, type ConformanceCase, type Gap } from './case.ts';
import { topics } from './cases/index.ts';

/** 2024-01-01T00:00:00Z: a fixed start, so Timestamp waits and history read the same on every run. */
const EPOCH = Date.UTC(2024, 0, 1);

function invokerOf(testCase: ConformanceCase, engine: () => StepFunctionsEngine, clock: VirtualClock): FunctionInvoker {
  const calls = new Map<string, number>();
  return async (functionNameOrArn, payload): Promise<LambdaOutcome> => {
    const name = /:function:([^:]+)/.exec(functionNameOrArn)?.[1] ?? functionNameOrArn;
    const standIn = testCase.functions?.[name];
    if (!standIn) return { ok: false, errorType: 'ResourceNotFoundException', errorMessage: `Function not found: ${functionNameOrArn}` };
    const count = calls.get(name) ?? 0;
    calls.set(name, count + 1);
    try {
      return { ok: true, payload: await standIn(payload, { engine: engine(), clock, calls: count }) };
    } catch (error) {
      if (error instanceof LambdaFailure) return { ok: false, errorType: error.errorType, errorMessage: error.errorMessage };
      throw error;
    }
  };
}

function eventIndex(history: readonly HistoryEvent[], ref: string): number {
  const [type, nth] = ref.split('#') as [string, string | undefined];
  const matching = history.filter((event) => event.type === type);
  const event = matching[(nth === undefined ? 1 : Number(nth)) - 1];
  if (!event) throw new Error(`no event ${ref} in ${history.map((e) => e.type).join(', ')}`);
  return event.timestamp.getTime();
}

function gapSeconds(history: readonly HistoryEvent[], gap: Gap): number {
  return (eventIndex(history, gap.to) - eventIndex(history, gap.from)) / 1000;
}

function isSubsequence(wanted: readonly string[], actual: readonly string[]): boolean {
  let at = 0;
  for (const type of actual) if (type === wanted[at]) at++;
  return at === wanted.length;
}

/** What `action` throws, or undefined when it returns. */
function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

async function runCase(testCase: ConformanceCase): Promise<void> {
  const clock = new VirtualClock(EPOCH);
  const engine: StepFunctionsEngine = new StepFunctionsEngine({
    clock,
    seed: 7,
    ...(testCase.functions !== undefined && { invokeFunction: invokerOf(testCase, () => engine, clock) }),
    ...(testCase.integrations !== undefined && { integrations: testCase.integrations }),
  });
  const { expect: expected } = testCase;
  for (const [name, definition] of Object.entries(testCase.machines ?? {})) engine.createStateMachine({ name, definition });

  const create = () => engine.createStateMachine({ name: 'Conformance', definition: testCase.definition, ...(testCase.type !== undefined && { type: testCase.type }) });
  if (expected.refused !== undefined) {
    const thrown = thrownBy(create);
    expect(thrown).toBeInstanceOf(StepFunctionsError);
    expect((thrown as StepFunctionsError).name).toBe(expected.refused);
    if (expected.refusedMatches) expect((thrown as Error).message).toMatch(expected.refusedMatches);
    return;
  }
  const { stateMachineArn } = create();
  const input = testCase.inputText ?? JSON.stringify(testCase.input ?? {});
  const start = () => engine.startExecution({ stateMachineArn, input, ...(testCase.executionName !== undefined && { name: testCase.executionName }) });
  if (expected.startRefused !== undefined) {
    const thrown = thrownBy(start);
    expect((thrown as Error | undefined)?.name).toBe(expected.startRefused);
    return;
  }
  const result = await engine.waitForExecution(start().executionArn);
  const history = result.history;
  const types = history.map((event) => event.type);

  if (expected.status !== undefined) expect({ status: result.status, error: result.error, cause: result.cause }).toMatchObject({ status: expected.status });
  if (Object.hasOwn(expected, 'output')) expect(result.output).toEqual(expected.output);
  if (expected.error !== undefined) expect(result.error).toBe(expected.error);
  if (expected.cause !== undefined) expect(result.cause).toBe(expected.cause);
  if (expected.causeMatches !== undefined) expect(result.cause).toMatch(expected.causeMatches);
  if (expected.events !== undefined) expect(types).toEqual(expected.events);
  if (expected.eventsInOrder !== undefined && !isSubsequence(expected.eventsInOrder, types)) {
    expect(types, 'events in this order').toEqual(expected.eventsInOrder);
  }
  for (const absent of expected.eventsAbsent ?? []) expect(types).not.toContain(absent);
  for (const gap of expected.timestamps ?? []) expect(gapSeconds(history, gap), `${gap.from} -> ${gap.to}`).toBeCloseTo(gap.seconds, 0);
  expected.check?.(result, history);
}

describe('conformance', () => {
  it('has at least 150 cases, each with a source', () => {
    const all = Object.values(topics).flat();
    expect(all.length).toBeGreaterThanOrEqual(150);
    for (const testCase of all) expect(testCase.source.length, testCase.name).toBeGreaterThan(10);
  });

  for (const [topic, cases] of Object.entries(topics)) {
    describe(topic, () => {
      for (const testCase of cases) {
        it(`${testCase.name} [${testCase.source}]`, () => runCase(testCase));
      }
    });
  }
});
