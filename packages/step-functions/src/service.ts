import { randomUUID } from 'node:crypto';
import { RealClock, type Clock } from './clock.js';
import { runExecution, type ExecutionOutcome, type ExecutionStatus } from './execution.js';
import { expressBilling, type BillingDetails } from './express-billing.js';
import { HistoryRecorder, withoutExecutionData, type HistoryEvent } from './history.js';
import { TaskDispatcher, UnsupportedIntegrationError } from './integrations/dispatch.js';
import { startExecutionIntegration } from './integrations/states.js';
import { TaskTokenError, TaskTokens } from './integrations/task-tokens.js';
import type { FunctionInvoker, TaskIntegration } from './integrations/types.js';
import type { StatesBlock } from './interpreter/run-states.js';
import { validateDefinition } from './definition/validate.js';
import { InvalidDefinitionError } from './errors.js';
import { testState, TestStateRequestError, type TestStateRequest, type TestStateResult } from './test-state.js';

/** Status of an execution as the Step Functions API reports it. */
export type ExecutionState = 'RUNNING' | ExecutionStatus;

/** The workflow type ("Choosing workflow type in Step Functions"). */
export type StateMachineType = 'STANDARD' | 'EXPRESS';

/** Error names of the Step Functions API (the SDK client's `error.name`). */
export type StepFunctionsErrorName =
  | 'ExecutionAlreadyExists'
  | 'ExecutionDoesNotExist'
  | 'InvalidArn'
  | 'InvalidDefinition'
  | 'InvalidExecutionInput'
  | 'InvalidName'
  | 'InvalidOutput'
  | 'InvalidToken'
  | 'StateMachineAlreadyExists'
  | 'StateMachineDoesNotExist'
  | 'StateMachineTypeNotSupported'
  | 'TaskDoesNotExist'
  | 'TaskTimedOut'
  | 'ValidationException'
  | 'SerializationException'
  | 'UnknownOperationException';

/** An error of the Step Functions API; `name` is the AWS error code. */
export class StepFunctionsError extends Error {
  constructor(
    override readonly name: StepFunctionsErrorName,
    message: string,
  ) {
    super(message);
  }
}

/** Options of {@link StepFunctionsEngine}. */
export interface StepFunctionsEngineOptions {
  /**
   * Every wait and timestamp. A `VirtualClock` makes waits instant while timestamps read as
   * on AWS; tests use it instead of shrinking waits.
   * @default new RealClock()
   */
  readonly clock?: Clock;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '123456789012' */
  readonly accountId?: string;
  /**
   * Runs Lambda functions (`lambda:invoke` and function ARNs).
   * @default - Lambda tasks are refused at load
   */
  readonly invokeFunction?: FunctionInvoker;
  /**
   * More Task integrations, keyed by Resource ARN prefix (longest prefix wins; replaces a
   * built-in), e.g. `'arn:aws:states:::dynamodb:'`.
   * @default {}
   */
  readonly integrations?: Readonly<Record<string, TaskIntegration>>;
  /**
   * Seed of the engine's random choices (Retry jitter, at-least-once redelivery), for
   * repeatable runs.
   * @default - Math.random
   */
  readonly seed?: number;
  /**
   * Express only: deliver task invocations and executions at least once, as Express workflows
   * may ("Standard vs. Express Workflows" > "Execution semantics"): each task call is repeated
   * with probability `taskRedelivery`, each execution run again from its start with probability
   * `executionRestart`. Counted in {@link StepFunctionsEngine.redeliveries}.
   * @default - exactly once
   */
  readonly expressAtLeastOnce?: { readonly taskRedelivery?: number; readonly executionRestart?: number };
}

/** What `DescribeStateMachine` returns. */
export interface StateMachineDescription {
  readonly stateMachineArn: string;
  readonly name: string;
  /** The ASL definition as JSON text. */
  readonly definition: string;
  readonly roleArn: string;
  readonly type: StateMachineType;
  readonly status: 'ACTIVE';
  readonly creationDate: Date;
}

/** What `DescribeExecution` returns. */
export interface ExecutionDescription {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: ExecutionState;
  readonly startDate: Date;
  readonly stopDate?: Date;
  /** The input JSON text. */
  readonly input: string;
  /** The output JSON text (SUCCEEDED only). */
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}

/** One entry of `ListExecutions`. */
export type ExecutionListItem = Pick<ExecutionDescription, 'executionArn' | 'stateMachineArn' | 'name' | 'status' | 'startDate' | 'stopDate'>;

/** The result of a finished execution, for callers that wait for it. */
export interface ExecutionResult extends ExecutionOutcome {
  readonly executionArn: string;
  readonly name: string;
  readonly history: readonly HistoryEvent[];
}

interface MachineRecord {
  readonly arn: string;
  readonly name: string;
  definition: StatesBlock & { TimeoutSeconds?: number };
  definitionText: string;
  roleArn: string;
  readonly type: StateMachineType;
  readonly creationDate: Date;
}

interface ExecutionRecord {
  readonly seq: number;
  readonly executionArn: string;
  readonly machine: MachineRecord;
  /** The definition's JSON text when the execution started (its machine may be updated since). */
  readonly definitionText: string;
  readonly name: string;
  readonly input: string;
  readonly startDate: Date;
  status: ExecutionState;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  readonly history: HistoryRecorder;
  readonly controller: AbortController;
  abortDetails: { error?: string; cause?: string };
  done: Promise<ExecutionResult>;
}

const NAME = /^[A-Za-z0-9_-]{1,80}$/;
const MACHINE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const STATE_MACHINE_ARN = /^arn:[^:]+:states:[^:]*:[^:]*:stateMachine:[^:]+$/;
const EXECUTION_ARN = /^arn:[^:]+:states:[^:]*:[^:]*:(?:execution|express):[^:]+:[^:]+(?::[^:]+)?$/;
const STATES: readonly ExecutionState[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];
const ONE_YEAR_SECONDS = 365 * 24 * 3600;
const FIVE_MINUTES_SECONDS = 300;

/**
 * A Step Functions service on one machine: state machines, executions, task tokens, with the
 * semantics of the Step Functions API (name idempotency of Standard executions, Express's
 * 5-minute limit and synchronous starts, paginated history and listings). Pure TypeScript: the
 * host supplies Lambda and other integrations; the JSON-protocol endpoint lives in the host.
 *
 * @example
 * const engine = new StepFunctionsEngine({ clock: new VirtualClock() });
 * const { stateMachineArn } = engine.createStateMachine({ name: 'hello', definition: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } } });
 * const { executionArn } = engine.startExecution({ stateMachineArn, input: '{}' });
 * const result = await engine.waitForExecution(executionArn);
 */
export class StepFunctionsEngine {
  /** The clock every execution runs on. */
  readonly clock: Clock;
  readonly region: string;
  readonly accountId: string;
  /** Task tokens of waiting callback tasks. */
  readonly tokens = new TaskTokens();
  /** At-least-once deliveries made so far (Express with `expressAtLeastOnce`). */
  readonly redeliveries = { tasks: 0, executions: 0 };
  private readonly statusListeners = new Set<(description: ExecutionDescription, type: StateMachineType) => void>();
  private readonly machines = new Map<string, MachineRecord>();
  private readonly records = new Map<string, ExecutionRecord>();
  private readonly random: () => number;
  private readonly dispatcher: TaskDispatcher;
  private seq = 0;

  constructor(private readonly options: StepFunctionsEngineOptions = {}) {
    this.clock = options.clock ?? new RealClock();
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '123456789012';
    this.random = options.seed === undefined ? Math.random : mulberry32(options.seed);
    this.dispatcher = new TaskDispatcher(
      {
        ...(options.invokeFunction !== undefined && { invokeFunction: options.invokeFunction }),
        ...(options.integrations !== undefined && { integrations: options.integrations }),
        builtIns: { 'arn:aws:states:::states:startExecution': startExecutionIntegration(this) },
      },
      this.tokens,
    );
  }

  /**
   * Creates a state machine (CreateStateMachine). The definition is validated as AWS does
   * (`InvalidDefinition` lists every problem) and every Task resource must have an integration.
   * The same name with the same definition, role and type returns the existing machine.
   *
   * @param arn the ARN to give it (a host running a CloudFormation template knows it)
   * @throws StepFunctionsError InvalidName, InvalidDefinition, StateMachineAlreadyExists
   */
  createStateMachine(request: { name: string; definition: unknown; roleArn?: string; type?: StateMachineType; arn?: string }): { stateMachineArn: string; creationDate: Date } {
    if (typeof request.name !== 'string' || !MACHINE_NAME.test(request.name)) throw new StepFunctionsError('InvalidName', `Invalid Name: '${String(request.name)}'`);
    const definition = this.load(request.definition);
    const definitionText = typeof request.definition === 'string' ? request.definition : JSON.stringify(request.definition);
    const arn = request.arn ?? `arn:aws:states:${this.region}:${this.accountId}:stateMachine:${request.name}`;
    const type = request.type ?? 'STANDARD';
    const roleArn = request.roleArn ?? `arn:aws:iam::${this.accountId}:role/StepFunctions-${request.name}`;
    const existing = this.machines.get(arn);
    if (existing) {
      if (existing.definitionText === definitionText && existing.roleArn === roleArn && existing.type === type) return { stateMachineArn: arn, creationDate: existing.creationDate };
      throw new StepFunctionsError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
    }
    const record: MachineRecord = { arn, name: request.name, definition, definitionText, roleArn, type, creationDate: new Date(this.clock.now()) };
    this.machines.set(arn, record);
    return { stateMachineArn: arn, creationDate: record.creationDate };
  }

  /**
   * UpdateStateMachine: new executions use the new definition/role; running ones keep theirs.
   * @throws StepFunctionsError InvalidArn, StateMachineDoesNotExist, InvalidDefinition
   */
  updateStateMachine(request: { stateMachineArn: string; definition?: unknown; roleArn?: string }): { updateDate: Date } {
    const machine = this.machineOf(request.stateMachineArn);
    if (request.definition !== undefined) {
      machine.definition = this.load(request.definition);
      machine.definitionText = typeof request.definition === 'string' ? request.definition : JSON.stringify(request.definition);
    }
    if (request.roleArn !== undefined) machine.roleArn = request.roleArn;
    return { updateDate: new Date(this.clock.now()) };
  }

  /** DeleteStateMachine: running executions are stopped; deleting an unknown machine is not an error. */
  deleteStateMachine(stateMachineArn: string): void {
    this.assertArn(stateMachineArn, STATE_MACHINE_ARN);
    if (!this.machines.delete(stateMachineArn)) return;
    for (const record of this.records.values()) {
      if (record.machine.arn === stateMachineArn && record.status === 'RUNNING') this.stopExecution(record.executionArn, { cause: 'The state machine was deleted' });
    }
  }

  /** @throws StepFunctionsError InvalidArn, StateMachineDoesNotExist */
  describeStateMachine(stateMachineArn: string): StateMachineDescription {
    const machine = this.machineOf(stateMachineArn);
    return { stateMachineArn: machine.arn, name: machine.name, definition: machine.definitionText, roleArn: machine.roleArn, type: machine.type, status: 'ACTIVE', creationDate: machine.creationDate };
  }

  /** ListStateMachines, oldest first. */
  listStateMachines(): { stateMachineArn: string; name: string; type: StateMachineType; creationDate: Date }[] {
    return [...this.machines.values()].map(({ arn, name, type, creationDate }) => ({ stateMachineArn: arn, name, type, creationDate }));
  }

  /**
   * StartExecution, in the background. Standard: the same name and input as a RUNNING execution
   * returns that execution; a closed one or other input is `ExecutionAlreadyExists`. Express:
   * names are not unique (every start is a new execution).
   *
   * @param request.input the input as JSON text, as the API receives it
   * @throws StepFunctionsError InvalidArn, StateMachineDoesNotExist, InvalidName, InvalidExecutionInput, ExecutionAlreadyExists
   */
  startExecution(request: { stateMachineArn: string; input?: string; name?: string }, host: HostStartOptions = {}): { executionArn: string; startDate: Date; created: boolean } {
    const machine = this.machineOf(request.stateMachineArn);
    const overrides = host.taskOverrides ?? {};
    const unknownStates = Object.keys(overrides).filter((state) => !taskStateNames(machine.definition).has(state));
    if (unknownStates.length > 0) throw new StepFunctionsError('ValidationException', `taskOverrides name no Task state of ${machine.name}: ${unknownStates.join(', ')}`);
    const name = request.name ?? randomUUID();
    if (!NAME.test(name)) throw new StepFunctionsError('InvalidName', `Invalid Name: '${name}' (1-80 characters of A-Z, a-z, 0-9, '-' and '_')`);
    const inputText = request.input ?? '{}';
    let input: unknown;
    try {
      input = JSON.parse(inputText);
    } catch (error) {
      throw new StepFunctionsError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${(error as Error).message}'`);
    }
    const executionArn =
      machine.type === 'EXPRESS'
        ? `${machine.arn.replace(':stateMachine:', ':express:')}:${name}:${randomUUID()}`
        : `${machine.arn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = this.records.get(executionArn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === inputText) return { executionArn, startDate: existing.startDate, created: false };
      throw new StepFunctionsError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const record = this.launch(machine, executionArn, name, inputText, input, overrides);
    return { executionArn, startDate: record.startDate, created: true };
  }

  /**
   * StartSyncExecution (Express only): runs the execution and answers when it ends, with its
   * `billingDetails` computed from the execution as AWS's pricing defines them (see
   * {@link expressBilling}).
   * @throws StepFunctionsError StateMachineTypeNotSupported for a Standard machine
   */
  async startSyncExecution(request: { stateMachineArn: string; input?: string; name?: string }): Promise<ExecutionDescription & { billingDetails: BillingDetails }> {
    const machine = this.machineOf(request.stateMachineArn);
    if (machine.type !== 'EXPRESS') throw new StepFunctionsError('StateMachineTypeNotSupported', 'This operation is not supported by this type of state machine');
    const { executionArn } = this.startExecution(request);
    const result = await this.waitForExecution(executionArn);
    const record = this.recordOf(executionArn, true);
    // The definition the execution ran (an update meanwhile does not change what it was billed).
    return { ...this.descriptionOf(record), billingDetails: expressBilling(record.definitionText, result.history, result.startDate, result.stopDate) };
  }

  /** Resolves with the execution's result when it ends (FAILED/ABORTED/TIMED_OUT resolve too). */
  waitForExecution(executionArn: string): Promise<ExecutionResult> {
    return this.recordOf(executionArn, true).done;
  }

  /**
   * DescribeExecution (Standard; Express executions are not recorded by AWS's API).
   * @throws StepFunctionsError InvalidArn, ExecutionDoesNotExist
   */
  describeExecution(executionArn: string, host: { readonly allowExpress?: boolean } = {}): ExecutionDescription {
    // `allowExpress` is for hosts (a console, tests), never the API: see getExecutionHistory.
    return this.descriptionOf(this.recordOf(executionArn, host.allowExpress === true));
  }

  /**
   * GetExecutionHistory, paginated, also while RUNNING.
   * @throws StepFunctionsError InvalidArn, ExecutionDoesNotExist, InvalidToken
   */
  getExecutionHistory(
    executionArn: string,
    options: { maxResults?: number; reverseOrder?: boolean; nextToken?: string; includeExecutionData?: boolean } = {},
    host: { readonly allowExpress?: boolean } = {},
  ): { events: HistoryEvent[]; nextToken?: string } {
    // `allowExpress` is for hosts, never the API: AWS keeps an Express execution's events in its
    // CloudWatch Logs (log level ALL), not behind GetExecutionHistory.
    const record = this.recordOf(executionArn, host.allowExpress === true);
    const all = options.reverseOrder ? [...record.history.events].reverse() : [...record.history.events];
    const offset = options.nextToken === undefined ? 0 : decodeToken(options.nextToken, 'history', executionArn);
    const size = pageSize(options.maxResults);
    const page = all.slice(offset, offset + size);
    const events = options.includeExecutionData === false ? withoutExecutionData(page) : page;
    return offset + size < all.length ? { events, nextToken: encodeToken('history', executionArn, offset + size) } : { events };
  }

  /** Subscribes to an execution's events as they are recorded (a live view). */
  watchExecution(executionArn: string, listener: (event: HistoryEvent) => void): () => void {
    return this.recordOf(executionArn, true).history.subscribe(listener);
  }

  /**
   * ListExecutions, newest first, paginated; the token is a position in that order, so
   * executions started between pages do not shift the next page.
   * @throws StepFunctionsError InvalidArn, StateMachineDoesNotExist, StateMachineTypeNotSupported, InvalidToken, ValidationException
   */
  listExecutions(
    stateMachineArn: string,
    options: { statusFilter?: ExecutionState; maxResults?: number; nextToken?: string } = {},
    host: { readonly allowExpress?: boolean } = {},
  ): { executions: ExecutionListItem[]; nextToken?: string } {
    const machine = this.machineOf(stateMachineArn);
    // `allowExpress` is for hosts (a console, tests), never the API: AWS lists Express executions
    // only from their CloudWatch Logs, which the engine's records stand in for.
    if (machine.type === 'EXPRESS' && host.allowExpress !== true) throw new StepFunctionsError('StateMachineTypeNotSupported', 'This operation is not supported by this type of state machine');
    if (options.statusFilter !== undefined && !STATES.includes(options.statusFilter)) {
      throw new StepFunctionsError('ValidationException', `statusFilter must be one of ${STATES.join(', ')}`);
    }
    const before = options.nextToken === undefined ? Number.POSITIVE_INFINITY : decodeToken(options.nextToken, 'list', stateMachineArn);
    const size = pageSize(options.maxResults);
    const matching = [...this.records.values()]
      .filter((record) => record.machine.arn === machine.arn && record.seq < before)
      .filter((record) => options.statusFilter === undefined || record.status === options.statusFilter)
      .sort((a, b) => b.seq - a.seq);
    const page = matching.slice(0, size);
    const executions = page.map((record) => listItem(record));
    return matching.length > size ? { executions, nextToken: encodeToken('list', stateMachineArn, page.at(-1)!.seq) } : { executions };
  }

  /**
   * StopExecution: a RUNNING execution is ABORTED at once; a closed one is left as it is.
   * @throws StepFunctionsError InvalidArn, ExecutionDoesNotExist
   */
  stopExecution(executionArn: string, details: { error?: string; cause?: string } = {}): { stopDate: Date } {
    const record = this.recordOf(executionArn, true);
    if (record.status === 'RUNNING') {
      record.abortDetails = details;
      record.controller.abort(new Error('ExecutionAborted'));
    }
    return { stopDate: record.stopDate ?? new Date(this.clock.now()) };
  }

  /** SendTaskSuccess: `output` is JSON text. @throws StepFunctionsError InvalidToken, TaskTimedOut, InvalidOutput */
  sendTaskSuccess(taskToken: string, output: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(output);
    } catch {
      throw new StepFunctionsError('InvalidOutput', 'Invalid Output: the output is not valid JSON');
    }
    this.withToken(() => this.tokens.succeed(taskToken, parsed));
  }

  /** SendTaskFailure. @throws StepFunctionsError InvalidToken, TaskTimedOut */
  sendTaskFailure(taskToken: string, error?: string, cause?: string): void {
    this.withToken(() => this.tokens.fail(taskToken, error, cause));
  }

  /** SendTaskHeartbeat: restarts the task's HeartbeatSeconds. @throws StepFunctionsError InvalidToken, TaskTimedOut */
  sendTaskHeartbeat(taskToken: string): void {
    this.withToken(() => this.tokens.heartbeat(taskToken));
  }

  /**
   * TestState: runs one state once, on the engine's own state code, without creating a state
   * machine ("TestState" API reference). See {@link testState}.
   * @throws StepFunctionsError InvalidDefinition, InvalidExecutionInput, ValidationException
   */
  async testState(request: TestStateRequest): Promise<TestStateResult> {
    try {
      return await testState({ clock: this.clock, region: this.region, accountId: this.accountId, random: this.random, dispatcher: this.dispatcher }, request);
    } catch (error) {
      if (error instanceof TestStateRequestError) throw new StepFunctionsError(error.name, error.message);
      throw error;
    }
  }

  /**
   * Calls `listener` when an execution starts (RUNNING) and when it ends (SUCCEEDED, FAILED,
   * TIMED_OUT, ABORTED): what a host needs to emit EventBridge's "Step Functions Execution
   * Status Change" events. A throwing listener is reported as a warning, never to the execution.
   * @returns the function that unsubscribes
   */
  onExecutionStatusChange(listener: (description: ExecutionDescription, type: StateMachineType) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  private notifyStatus(record: ExecutionRecord): void {
    if (this.statusListeners.size === 0) return;
    const description = this.descriptionOf(record);
    for (const listener of this.statusListeners) {
      try {
        listener(description, record.machine.type);
      } catch (error) {
        process.emitWarning(`Execution status listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  /** Stops every running execution and waits until all have ended (host shutdown). */
  async stopAll(cause = 'The engine stopped'): Promise<void> {
    const running = [...this.records.values()].filter((record) => record.status === 'RUNNING');
    for (const record of running) this.stopExecution(record.executionArn, { cause });
    await Promise.allSettled(running.map((record) => record.done));
  }

  private load(definition: unknown): StatesBlock & { TimeoutSeconds?: number } {
    let validated: StatesBlock & { TimeoutSeconds?: number };
    try {
      validated = validateDefinition(definition) as unknown as StatesBlock & { TimeoutSeconds?: number };
    } catch (error) {
      if (error instanceof InvalidDefinitionError) throw new StepFunctionsError('InvalidDefinition', error.message);
      throw error;
    }
    const unsupported: string[] = [];
    visitStates(validated, (name, state) => {
      if (state.Type === 'Task' && typeof state.Resource === 'string' && !this.dispatcher.supportsResource(state.Resource)) unsupported.push(`'${name}' (${state.Resource})`);
    });
    if (unsupported.length > 0) {
      throw new StepFunctionsError(
        'InvalidDefinition',
        new UnsupportedIntegrationError(
          `Task resources this engine cannot run: ${unsupported.join(', ')}. Built in: lambda:invoke and function ARNs (with invokeFunction), states:startExecution, .waitForTaskToken; add others with the \`integrations\` option.`,
        ).message,
      );
    }
    return validated;
  }

  private launch(machine: MachineRecord, executionArn: string, name: string, inputText: string, input: unknown, overrides: NonNullable<HostStartOptions['taskOverrides']>): ExecutionRecord {
    const controller = new AbortController();
    const history = new HistoryRecorder(() => this.clock.now());
    const express = machine.type === 'EXPRESS';
    const atLeastOnce = express ? this.options.expressAtLeastOnce : undefined;
    const delivered = atLeastOnce?.taskRedelivery ? this.redeliveringDispatcher(atLeastOnce.taskRedelivery) : this.dispatcher;
    const tasks = Object.keys(overrides).length === 0 ? delivered : overridingDispatcher(delivered, overrides);
    const definition = machine.definition;
    const run = () =>
      runExecution({
        definition,
        input,
        executionArn,
        name,
        stateMachine: { arn: machine.arn, name: machine.name },
        roleArn: machine.roleArn,
        maxDurationSeconds: express ? FIVE_MINUTES_SECONDS : ONE_YEAR_SECONDS,
        clock: this.clock,
        tasks,
        region: this.region,
        random: this.random,
        history,
        abort: controller.signal,
        abortDetails: () => record.abortDetails,
      });
    const record: ExecutionRecord = {
      seq: ++this.seq,
      executionArn,
      machine,
      definitionText: machine.definitionText,
      name,
      input: inputText,
      startDate: new Date(this.clock.now()),
      status: 'RUNNING',
      history,
      controller,
      abortDetails: {},
      done: Promise.resolve() as unknown as Promise<ExecutionResult>,
    };
    record.done = (async (): Promise<ExecutionResult> => {
      let outcome = await run();
      // Express may run an execution more than once: the last run's outcome is the one reported.
      while (atLeastOnce?.executionRestart && !controller.signal.aborted && this.random() < atLeastOnce.executionRestart) {
        this.redeliveries.executions++;
        outcome = await run();
      }
      record.status = outcome.status;
      record.stopDate = outcome.stopDate;
      if (outcome.status === 'SUCCEEDED') record.output = JSON.stringify(outcome.output) ?? 'null';
      if (outcome.error !== undefined) record.error = outcome.error;
      if (outcome.cause !== undefined) record.cause = outcome.cause;
      this.notifyStatus(record);
      return { ...outcome, executionArn, name, history: history.events };
    })();
    this.records.set(executionArn, record);
    this.notifyStatus(record);
    return record;
  }

  private redeliveringDispatcher(probability: number): TaskDispatcher {
    const base = this.dispatcher;
    const twice = Object.create(base) as TaskDispatcher;
    twice.run = async (request) => {
      const first = await base.run(request);
      if (this.random() >= probability) return first;
      this.redeliveries.tasks++;
      return base.run(request);
    };
    return twice;
  }

  private descriptionOf(record: ExecutionRecord): ExecutionDescription {
    return {
      ...listItem(record),
      input: record.input,
      ...(record.output !== undefined && { output: record.output }),
      ...(record.error !== undefined && { error: record.error }),
      ...(record.cause !== undefined && { cause: record.cause }),
    };
  }

  private withToken(call: () => void): void {
    try {
      call();
    } catch (error) {
      if (error instanceof TaskTokenError) throw new StepFunctionsError(error.name, error.message);
      throw error;
    }
  }

  private assertArn(arn: unknown, pattern: RegExp): asserts arn is string {
    if (typeof arn !== 'string' || !pattern.test(arn)) throw new StepFunctionsError('InvalidArn', `Invalid Arn: '${String(arn)}'`);
  }

  private machineOf(stateMachineArn: string): MachineRecord {
    this.assertArn(stateMachineArn, STATE_MACHINE_ARN);
    const machine = this.machines.get(stateMachineArn);
    if (!machine) throw new StepFunctionsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    return machine;
  }

  // AWS's API does not serve Express executions (they are in CloudWatch Logs; DescribeExecution
  // and GetExecutionHistory: "Executions of an EXPRESS state machine aren't supported"). AWS
  // refuses the `express:` ARN itself, as it refuses any ARN of the wrong resource type:
  // InvalidArn "Resource type not valid in this context: express". The engine keeps the
  // executions for the host's own use (waitForExecution, stop, watch).
  private recordOf(executionArn: string, allowExpress = false): ExecutionRecord {
    this.assertArn(executionArn, EXECUTION_ARN);
    if (!allowExpress && /^arn:[^:]+:states:[^:]*:[^:]*:express:/.test(executionArn)) {
      throw new StepFunctionsError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: express'`);
    }
    const record = this.records.get(executionArn);
    if (!record || (!allowExpress && record.machine.type === 'EXPRESS')) throw new StepFunctionsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return record;
  }
}

/** What a host (not the Step Functions API) may add to a start. */
export interface HostStartOptions {
  /**
   * Replaces what named Task states do, for this execution only: the function gets the state's
   * effective input and its result (or thrown error, by `name`) is the task's. For faults the
   * real integrations cannot produce (a table outage); tests that use it say so in their names.
   * @default - every Task runs its integration
   */
  readonly taskOverrides?: Readonly<Record<string, (input: unknown) => unknown>>;
}

function overridingDispatcher(base: TaskDispatcher, overrides: NonNullable<HostStartOptions['taskOverrides']>): TaskDispatcher {
  const overriding = Object.create(base) as TaskDispatcher;
  overriding.run = async (request) => {
    const override = overrides[request.stateName];
    return override ? await override(request.parameters) : base.run(request);
  };
  return overriding;
}

function taskStateNames(block: StatesBlock): Set<string> {
  const names = new Set<string>();
  visitStates(block, (name, state) => {
    if (state.Type === 'Task') names.add(name);
  });
  return names;
}

function listItem(record: ExecutionRecord): ExecutionListItem {
  return {
    executionArn: record.executionArn,
    stateMachineArn: record.machine.arn,
    name: record.name,
    status: record.status,
    startDate: record.startDate,
    ...(record.stopDate !== undefined && { stopDate: record.stopDate }),
  };
}

function visitStates(block: StatesBlock, visit: (name: string, state: Record<string, unknown>) => void): void {
  for (const [name, state] of Object.entries(block.States ?? {})) {
    visit(name, state);
    for (const branch of (state.Branches as StatesBlock[] | undefined) ?? []) visitStates(branch, visit);
    const processor = (state.ItemProcessor ?? state.Iterator) as StatesBlock | undefined;
    if (processor) visitStates(processor, visit);
  }
}

function pageSize(maxResults: number | undefined): number {
  if (maxResults === undefined || maxResults === 0) return 100;
  if (!Number.isInteger(maxResults) || maxResults < 0 || maxResults > 1000) {
    throw new StepFunctionsError('ValidationException', `maxResults must be an integer from 0 to 1000, got ${maxResults}`);
  }
  return maxResults;
}

// Tokens name what they page through, so a token of another list or execution is InvalidToken.
function encodeToken(kind: string, scope: string, position: number): string {
  return Buffer.from(JSON.stringify({ kind, scope, position })).toString('base64url');
}

function decodeToken(token: string, kind: string, scope: string): number {
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { kind?: unknown; scope?: unknown; position?: unknown };
    if (decoded.kind === kind && decoded.scope === scope && typeof decoded.position === 'number') return decoded.position;
  } catch {
    // fall through: not one of ours
  }
  throw new StepFunctionsError('InvalidToken', `Invalid Token: '${token}'`);
}

/** A small seeded PRNG (mulberry32): repeatable jitter and redelivery decisions. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
