import { randomUUID } from 'node:crypto';
import { validateDefinition } from './definition/validate.js';
import { InvalidDefinitionError, StatesError, StatesErrors, toStatesError } from './errors.js';
import { HistoryRecorder } from './history.js';
import { parseResource, type TaskDispatcher } from './integrations/dispatch.js';
import type { TaskRequest } from './integrations/types.js';
import { contextObject, queryScope, type ExecutionEnv, type Frame, type QueryLanguage } from './interpreter/env.js';
import { effectiveInput, type JsonPathSteps, type StateDef, type StateRun } from './interpreter/io.js';
import { matches, retryDelayMs, withRetryAndCatch } from './interpreter/retry-catch.js';
import { runStates, type StatesBlock } from './interpreter/run-states.js';
import { VariableScope } from './interpreter/variables.js';
import type { Clock } from './clock.js';
import { applyInputPath } from './query/jsonpath.js';
import { FailStateError } from './states/simple.js';

/** What `TestState` is asked ("TestState" API reference; "Testing states with TestState"). */
export interface TestStateRequest {
  /** One state's JSON (text or object), or a whole state machine together with `stateName`. */
  readonly definition: unknown;
  /** The state to test when `definition` is a state machine. */
  readonly stateName?: string;
  /** `$$.Execution.RoleArn`. Not checked: the local engine has no IAM. */
  readonly roleArn?: string;
  /** The state's input as JSON text. @default '{}' */
  readonly input?: string;
  /** INFO: output/error only; DEBUG and TRACE add `inspectionData`. @default 'INFO' */
  readonly inspectionLevel?: 'INFO' | 'DEBUG' | 'TRACE';
  /** Accepted; there are no secrets to hide locally (no HTTP Task connections). */
  readonly revealSecrets?: boolean;
  /** Workflow variables visible to the state, as a JSON object text. */
  readonly variables?: string;
  /**
   * Replaces what the state calls: a Task's integration call, or a Map's iterations / a
   * Parallel's branches (whose mocked `result` is then the array they would have produced).
   * `result` is that raw result as JSON text, `errorOutput` the error it fails with. Task, Map
   * and Parallel states only; without a mock a Task's real integration runs.
   */
  readonly mock?: {
    readonly result?: string;
    readonly errorOutput?: { readonly error?: string; readonly cause?: string };
    /** STRICT | PRESENT | NONE. Accepted; the local engine has no API output shapes to check a mock against. */
    readonly fieldValidationMode?: string;
  };
  /** `retrierRetryCount`: the retries already made (decides RETRIABLE against MaxAttempts). */
  readonly stateConfiguration?: { readonly retrierRetryCount?: number };
}

/** Inspection data as TestState returns it: each value is JSON text. */
export interface TestStateInspectionData {
  input?: string;
  afterArguments?: string;
  afterInputPath?: string;
  afterParameters?: string;
  result?: string;
  afterResultSelector?: string;
  afterResultPath?: string;
  variables?: string;
  errorDetails?: { catchIndex?: number; retryIndex?: number; retryBackoffIntervalSeconds?: number };
}

/** What `TestState` answers. */
export interface TestStateResult {
  /** The state's output as JSON text (SUCCEEDED, CAUGHT_ERROR). */
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly inspectionData?: TestStateInspectionData;
  /** The state it would go to: `Next`, the Choice rule's or Default's, or the catcher's. */
  readonly nextState?: string;
  readonly status: 'SUCCEEDED' | 'FAILED' | 'RETRIABLE' | 'CAUGHT_ERROR';
}

/** Why a TestState request was refused before it ran: `name` is the API error code. */
export class TestStateRequestError extends Error {
  constructor(
    override readonly name: 'InvalidDefinition' | 'InvalidExecutionInput' | 'ValidationException',
    message: string,
  ) {
    super(message);
  }
}

/** What the engine lends TestState. */
export interface TestStateHost {
  readonly clock: Clock;
  readonly region: string;
  readonly accountId: string;
  readonly random: () => number;
  readonly dispatcher: TaskDispatcher;
}

/** "The TestState API can run for up to five minutes ... it fails with the States.Timeout error." */
const TEST_STATE_LIMIT_MS = 5 * 60 * 1000;
const DEFAULT_STATE_NAME = 'TestState';

/**
 * TestState: runs one state once on the engine's own state code (the same `runStates` an
 * execution uses), with the Retry and Catch decisions AWS's TestState reports instead of
 * retrying: a retrier that matches is `RETRIABLE`; else a catcher that matches is
 * `CAUGHT_ERROR` with the catcher's output and Next (applied by the engine's Catch code); else
 * `FAILED`. A `mock` replaces a Task's integration call, or a Map's iterations / a Parallel's
 * branches; without one a Task's real integration runs. The state's Next targets are stood in
 * for by Succeed states, so the transition the engine takes names `nextState`.
 *
 * @throws TestStateRequestError InvalidDefinition, InvalidExecutionInput, ValidationException
 */
export async function testState(host: TestStateHost, request: TestStateRequest): Promise<TestStateResult> {
  const { name, state, language } = stateUnderTest(request);
  const input = parseJson(request.input ?? '{}', 'InvalidExecutionInput', 'input');
  const variables = request.variables === undefined ? {} : parseJson(request.variables, 'ValidationException', 'variables');
  if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) throw new TestStateRequestError('ValidationException', "'variables' must be a JSON object");
  const mock = mockOf(request, state);
  const level = request.inspectionLevel ?? 'INFO';
  if (!['INFO', 'DEBUG', 'TRACE'].includes(level)) throw new TestStateRequestError('ValidationException', `inspectionLevel must be INFO, DEBUG or TRACE, got '${String(level)}'`);

  // One attempt, decided here: the engine runs the state without its Retry and Catch.
  const { Retry: _retry, Catch: _catch, ...bare } = state;
  const tested = mock !== undefined && (state.Type === 'Map' || state.Type === 'Parallel') ? mockedIterations(bare) : bare;
  const block: StatesBlock = { StartAt: name, States: { [name]: tested, ...standIns(state, name) }, QueryLanguage: language };

  const seen: { parameters?: unknown; result?: unknown; called: boolean } = { called: false };
  const tasks = observingDispatcher(host.dispatcher, mock, seen);
  const history = new HistoryRecorder(() => host.clock.now());
  const scope = new VariableScope();
  scope.assign(variables as Record<string, unknown>);
  // Inspection reads the variables as the state saw them, before its Assign.
  const before = new VariableScope();
  before.assign(variables as Record<string, unknown>);
  const controller = new AbortController();
  const machineName = `TestState-${randomUUID().slice(0, 8)}`;
  const executionName = randomUUID();
  const env: ExecutionEnv = {
    clock: host.clock,
    history,
    signal: controller.signal,
    execution: {
      arn: `arn:aws:states:${host.region}:${host.accountId}:express:${machineName}:${executionName}`,
      name: executionName,
      input,
      startTime: new Date(host.clock.now()).toISOString(),
      ...(request.roleArn !== undefined && { roleArn: request.roleArn }),
    },
    stateMachine: { arn: `arn:aws:states:${host.region}:${host.accountId}:stateMachine:${machineName}`, name: machineName },
    region: host.region,
    tasks,
    random: host.random,
  };
  // The result-side inspection data is what the state's own result handling computed.
  let steps: JsonPathSteps | undefined;
  const onResult = (stateName: string, seenSteps: JsonPathSteps) => {
    if (stateName === name) steps = seenSteps;
  };
  const frame: Frame = { line: history.line(), variables: scope, queryLanguage: language, signal: controller.signal, onResult };

  // "The TestState API can run for up to five minutes": past that, States.Timeout.
  const limit = new AbortController();
  host.clock.sleep(TEST_STATE_LIMIT_MS, limit.signal).then(
    () => controller.abort(new StatesError(StatesErrors.Timeout, 'The state ran longer than the five minutes TestState allows')),
    () => undefined,
  );
  const stopped = new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error), { once: true }));
  stopped.catch(() => undefined);
  let failure: StatesError | undefined;
  try {
    await Promise.race([runStates(block, input, frame, env), stopped]);
  } catch (error) {
    failure = controller.signal.aborted ? (controller.signal.reason as StatesError) : toStatesError(error);
  } finally {
    limit.abort();
  }

  const events = history.events;
  const exited = events.find((event) => event.type.endsWith('StateExited') && (event.stateExitedEventDetails as { name?: string } | undefined)?.name === name);
  const entered = events.filter((event) => event.type.endsWith('StateEntered'));
  const inspect = level !== 'INFO';
  const run: StateRun = { name, state, rawInput: input, frame: { ...frame, variables: before }, env, enteredTime: new Date(host.clock.now()).toISOString(), enteredEventId: 1, language };
  const inspectionData: TestStateInspectionData = inspect ? baseInspection(run, seen) : {};
  const withInspection = <T extends object>(result: T): T & { inspectionData?: TestStateInspectionData } => {
    if (!inspect) return result;
    const visible = scope.visible();
    if (Object.keys(visible).length > 0) inspectionData.variables = JSON.stringify(visible);
    return { ...result, inspectionData };
  };

  if (failure === undefined) {
    const outputText = (exited?.stateExitedEventDetails as { output?: string } | undefined)?.output ?? 'null';
    const next = entered[1] ? (entered[1].stateEnteredEventDetails as { name: string }).name : undefined;
    if (inspect) Object.assign(inspectionData, afterResult(run, seen, steps));
    return withInspection({ output: outputText, ...(next !== undefined && { nextState: next }), status: 'SUCCEEDED' as const });
  }

  const errorFields = { ...(failure.error !== '' && { error: failure.error }), ...(failure.cause !== undefined && { cause: failure.cause }) };
  if (failure instanceof FailStateError || controller.signal.aborted) return withInspection({ ...errorFields, status: 'FAILED' as const });

  const retriers = (state.Retry as readonly { ErrorEquals: readonly string[]; MaxAttempts?: number }[] | undefined) ?? [];
  const retryIndex = retriers.findIndex((retrier) => matches(retrier.ErrorEquals, failure.error));
  const retrier = retriers[retryIndex];
  const retriesSoFar = request.stateConfiguration?.retrierRetryCount ?? 0;
  if (retrier !== undefined && retriesSoFar < (retrier.MaxAttempts ?? 3)) {
    inspectionData.errorDetails = { retryIndex, retryBackoffIntervalSeconds: Math.round(retryDelayMs(retrier, retriesSoFar, host.random) / 1000) };
    return withInspection({ ...errorFields, status: 'RETRIABLE' as const });
  }

  const catchers = (state.Catch as readonly { ErrorEquals: readonly string[] }[] | undefined) ?? [];
  const catchIndex = catchers.findIndex((catcher) => matches(catcher.ErrorEquals, failure.error));
  if (catchIndex < 0) return withInspection({ ...errorFields, status: 'FAILED' as const });
  // The engine's own Catch handling, fed the one attempt's failure (no retrier: decided above).
  const caught = await withRetryAndCatch({ ...run, frame, state: { ...bare, Catch: state.Catch } }, () => Promise.reject(failure));
  if (caught.assigned !== undefined) scope.assign(caught.assigned);
  inspectionData.errorDetails = { catchIndex };
  return withInspection({
    ...errorFields,
    output: JSON.stringify(caught.output) ?? 'null',
    ...(caught.caughtNext !== undefined && { nextState: caught.caughtNext }),
    status: 'CAUGHT_ERROR' as const,
  });
}

/** The tested state, its name and query language; the definition is validated as AWS would. */
function stateUnderTest(request: TestStateRequest): { name: string; state: StateDef; language: QueryLanguage } {
  let parsed: unknown = request.definition;
  if (typeof parsed === 'string') parsed = parseJson(parsed, 'InvalidDefinition', 'definition');
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TestStateRequestError('InvalidDefinition', 'Invalid State Machine Definition: the definition must be a JSON object');
  const object = parsed as Record<string, unknown>;
  const isMachine = typeof object.States === 'object' && object.States !== null && object.Type === undefined;
  if (isMachine) {
    validate(object);
    const states = object.States as Record<string, StateDef>;
    const name = request.stateName ?? (object.StartAt as string);
    const state = states[name];
    if (!state) throw new TestStateRequestError('ValidationException', `stateName '${name}' names no state of the definition (states: ${Object.keys(states).join(', ')})`);
    return { name, state, language: (state.QueryLanguage as QueryLanguage | undefined) ?? (object.QueryLanguage as QueryLanguage | undefined) ?? 'JSONPath' };
  }
  if (typeof object.Type !== 'string') throw new TestStateRequestError('InvalidDefinition', "Invalid State Machine Definition: a state needs a 'Type' (or pass a state machine with 'States' and a stateName)");
  const name = request.stateName ?? DEFAULT_STATE_NAME;
  const state = object as StateDef;
  // Validated inside a machine of its own, its Next targets stood in for.
  validate({ StartAt: name, States: { [name]: state, ...standIns(state, name) } });
  return { name, state, language: (state.QueryLanguage as QueryLanguage | undefined) ?? 'JSONPath' };
}

function validate(definition: unknown): void {
  try {
    validateDefinition(definition);
  } catch (error) {
    if (error instanceof InvalidDefinitionError) throw new TestStateRequestError('InvalidDefinition', error.message);
    throw error;
  }
}

/** Succeed states named like every state the tested one may go to, so its transition can be seen. */
function standIns(state: StateDef, self: string): Record<string, StateDef> {
  const targets = new Set<string>();
  if (typeof state.Next === 'string') targets.add(state.Next);
  if (typeof state.Default === 'string') targets.add(state.Default);
  for (const rule of (state.Choices as readonly { Next?: unknown }[] | undefined) ?? []) if (typeof rule.Next === 'string') targets.add(rule.Next);
  for (const catcher of (state.Catch as readonly { Next?: unknown }[] | undefined) ?? []) if (typeof catcher.Next === 'string') targets.add(catcher.Next);
  targets.delete(self);
  return Object.fromEntries([...targets].map((target) => [target, { Type: 'Succeed' }]));
}

// What AWS's TestState answers, as recorded in localstack's
// tests/aws/services/stepfunctions/v2/test_state/test_state_mock_validation.snapshot.json.
const MAP_OR_PARALLEL_NEEDS_MOCK = 'TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]';
/** State types whose call a mock replaces: a Task's integration, a Map's iterations, a Parallel's branches. */
const MOCKABLE = new Set(['Task', 'Map', 'Parallel']);

function mockOf(request: TestStateRequest, state: StateDef): { result: unknown } | { error: StatesError } | undefined {
  const { mock } = request;
  if (mock === undefined) {
    if (state.Type === 'Map' || state.Type === 'Parallel') throw new TestStateRequestError('InvalidDefinition', MAP_OR_PARALLEL_NEEDS_MOCK);
    if (state.Type === 'Task' && typeof state.Resource === 'string' && /\.(waitForTaskToken|sync(:2)?)$/.test(state.Resource)) {
      throw new TestStateRequestError('ValidationException', `TestState runs a .sync or .waitForTaskToken Task ('${state.Resource}') only with a mock`);
    }
    return undefined;
  }
  // Recorded for Pass, Fail and Succeed; Choice and Wait (not recorded) call nothing a mock could replace either.
  if (!MOCKABLE.has(state.Type)) throw new TestStateRequestError('ValidationException', `State type '${state.Type}' is not supported when a mock is specified`);
  if (request.revealSecrets === true) throw new TestStateRequestError('ValidationException', 'TestState does not support RevealSecrets when a mock is specified.');
  if (mock.result !== undefined && mock.errorOutput !== undefined) {
    throw new TestStateRequestError('ValidationException', 'A test mock should have only one of the following fields: [result, errorOutput].');
  }
  if (mock.result === undefined && mock.errorOutput === undefined) throw new TestStateRequestError('ValidationException', 'A mock needs one of result and errorOutput');
  if (mock.fieldValidationMode !== undefined && !['STRICT', 'PRESENT', 'NONE'].includes(mock.fieldValidationMode)) {
    throw new TestStateRequestError('ValidationException', `mock.fieldValidationMode must be STRICT, PRESENT or NONE, got '${mock.fieldValidationMode}'`);
  }
  if (mock.result === undefined) return { error: new StatesError(mock.errorOutput!.error ?? '', mock.errorOutput!.cause) };
  const result = parseJson(mock.result, 'ValidationException', 'mock.result');
  if ((state.Type === 'Map' || state.Type === 'Parallel') && !Array.isArray(result)) throw new TestStateRequestError('ValidationException', 'Mocked result must be an array.');
  if (state.Type === 'Parallel' && (result as unknown[]).length !== ((state.Branches as unknown[] | undefined) ?? []).length) {
    throw new TestStateRequestError('ValidationException', 'Mocked result must contain the same number of items as number of Parallel branches.');
  }
  return { result };
}

/** The Resource of {@link mockedIterations}' stand-in: it never reaches an integration (the mock answers). */
const MOCKED_ITERATIONS_RESOURCE = 'arn:aws:states:::testState:mockedIterations';
/** The fields a Map or Parallel applies around its iterations/branches, which a Task applies around its call alike. */
const AROUND_ITERATIONS = ['InputPath', 'Arguments', 'ResultSelector', 'ResultPath', 'OutputPath', 'Assign', 'Output', 'QueryLanguage', 'Next', 'End'] as const;

/**
 * A mocked Map or Parallel as the engine runs it: a Task whose call the mock answers, so the
 * mocked array goes through the very result handling (ResultSelector, ResultPath, OutputPath,
 * Assign, or JSONata Output) the state applies to its iterations' or branches' outputs, and a
 * mocked error fails it as a failed iteration or branch would. Its item fields (ItemsPath,
 * ItemSelector, the legacy Parameters) are left out: no iteration runs.
 */
function mockedIterations(state: StateDef): StateDef {
  const kept = Object.fromEntries(AROUND_ITERATIONS.filter((field) => state[field] !== undefined).map((field) => [field, state[field]]));
  // A Map's Arguments do not exist; a JSONata Parallel's Arguments are its branches' input.
  if (state.Type === 'Map') delete kept.Arguments;
  return { ...kept, Type: 'Task', Resource: MOCKED_ITERATIONS_RESOURCE };
}

/**
 * The engine's dispatcher, observed: records the task's effective parameters and raw result
 * (inspection data), and with a mock answers in place of the integration (a mocked
 * `.waitForTaskToken` task gets its token completed with the mock).
 */
function observingDispatcher(base: TaskDispatcher, mock: ReturnType<typeof mockOf>, seen: { parameters?: unknown; result?: unknown; called: boolean }): TaskDispatcher {
  const observed = Object.create(base) as TaskDispatcher;
  if (mock !== undefined) {
    observed.describe = (resource: string) => {
      const info = parseResource(resource);
      if (!info) throw new StatesError(StatesErrors.Runtime, `'${resource}' is not a Task resource`);
      return info;
    };
  }
  observed.run = async (request: TaskRequest) => {
    seen.called = true;
    seen.parameters = request.parameters;
    if (mock === undefined) {
      const result = await base.run(request);
      seen.result = result;
      return result;
    }
    if ('error' in mock) throw mock.error;
    seen.result = mock.result;
    if (request.taskToken !== undefined) base.tokens.succeed(request.taskToken, mock.result);
    return mock.result;
  };
  return observed;
}

/** Input-side inspection data ("InspectionData"): what each field of the state made of the input. */
function baseInspection(run: StateRun, seen: { parameters?: unknown; called: boolean }): TestStateInspectionData {
  const data: TestStateInspectionData = { input: JSON.stringify(run.rawInput) };
  const { state } = run;
  const context = contextObject(run.env, run.frame, { name: run.name, enteredTime: run.enteredTime, retryCount: 0 });
  if (run.language === 'JSONata') {
    if (seen.called) data.afterArguments = JSON.stringify(seen.parameters);
    return data;
  }
  // A Pass state with Result ignores its input (AWS reports no afterInputPath/afterParameters then).
  if (state.Type === 'Pass' && state.Result !== undefined) return data;
  try {
    data.afterInputPath = JSON.stringify(applyInputPath(state.InputPath as string | null | undefined, queryScope(run.rawInput, context, run.frame)));
    if (state.Type === 'Task' && seen.called) data.afterParameters = JSON.stringify(seen.parameters);
    if (state.Type === 'Pass') data.afterParameters = JSON.stringify(effectiveInput(run, context));
  } catch {
    // The state failed on these paths; its error says so.
  }
  return data;
}

/**
 * Result-side inspection data of a state that succeeded: `result`, `afterResultSelector`,
 * `afterResultPath`, as the state's own result handling computed them (`steps`).
 */
function afterResult(run: StateRun, seen: { result?: unknown; called: boolean }, steps: JsonPathSteps | undefined): TestStateInspectionData {
  const { state } = run;
  if (!((state.Type === 'Task' && seen.called) || state.Type === 'Pass')) return {};
  if (run.language === 'JSONata') return { result: JSON.stringify(state.Type === 'Task' ? seen.result : run.rawInput) };
  if (steps === undefined) return {};
  // A Pass state without Result has no result of its own (AWS reports none then).
  const data: TestStateInspectionData = state.Type === 'Pass' && state.Result === undefined ? {} : { result: JSON.stringify(steps.result) };
  data.afterResultSelector = JSON.stringify(steps.afterResultSelector);
  data.afterResultPath = JSON.stringify(steps.afterResultPath);
  return data;
}

function parseJson(text: string, error: TestStateRequestError['name'], field: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new TestStateRequestError(error, `'${field}' is not valid JSON: ${(cause as Error).message}`);
  }
}
