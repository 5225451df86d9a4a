import { randomUUID } from 'node:crypto';
import { HistoryRecorder, withoutExecutionData, type HistoryEvent } from './history.js';
import type { ExecuteOptions, ExecutionResult, ExecutionStatus, LocalStateMachine } from './state-machine.js';

/** Status of an execution as the Step Functions API reports it. */
export type ExecutionState = 'RUNNING' | ExecutionStatus;

/** Error names of the Step Functions API (the client's `error.name`). */
export type StepFunctionsErrorName =
  | 'ExecutionAlreadyExists'
  | 'ExecutionDoesNotExist'
  | 'InvalidArn'
  | 'InvalidExecutionInput'
  | 'InvalidName'
  | 'InvalidToken'
  | 'StateMachineDoesNotExist'
  | 'ValidationException'
  | 'SerializationException'
  | 'UnknownOperationException';

/**
 * An error of the Step Functions API; its `name` is the AWS error code, e.g.
 * `ExecutionDoesNotExist`, so code written against AWS can match it.
 */
export class StepFunctionsError extends Error {
  override readonly name: StepFunctionsErrorName;

  constructor(name: StepFunctionsErrorName, message: string) {
    super(message);
    this.name = name;
  }
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

/** Options of {@link ExecutionRegistry.start}. */
export interface StartOptions {
  /**
   * Execution name, `^[A-Za-z0-9_-]{1,80}$`.
   * @default - a random UUID
   */
  readonly name?: string;
  /** Aborts the execution (status ABORTED). */
  readonly signal?: AbortSignal;
  /** See {@link ExecuteOptions.taskOverrides}. */
  readonly taskOverrides?: ExecuteOptions['taskOverrides'];
}

/** Options of {@link ExecutionRegistry.history}. */
export interface HistoryOptions {
  /** @default 100 (at most 1000) */
  readonly maxResults?: number;
  /** @default false */
  readonly reverseOrder?: boolean;
  readonly nextToken?: string;
  /** @default true */
  readonly includeExecutionData?: boolean;
}

/** Options of {@link ExecutionRegistry.list}. */
export interface ListOptions {
  readonly statusFilter?: ExecutionState;
  /** @default 100 (at most 1000) */
  readonly maxResults?: number;
  readonly nextToken?: string;
}

/** A state machine the registry can start, with what its executions report. */
export interface RegisteredStateMachine {
  readonly machine: LocalStateMachine;
  readonly roleArn?: string;
}

interface ExecutionRecord {
  readonly seq: number;
  readonly executionArn: string;
  readonly stateMachineArn: string;
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
  readonly done: Promise<ExecutionResult>;
}

const NAME = /^[A-Za-z0-9_-]{1,80}$/;
const STATE_MACHINE_ARN = /^arn:[^:]+:states:[^:]*:[^:]*:stateMachine:[^:]+$/;
const EXECUTION_ARN = /^arn:[^:]+:states:[^:]*:[^:]*:(?:execution|express):[^:]+:[^:]+$/;
const STATES: readonly ExecutionState[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];

/**
 * Every execution of the runtime's state machines, keyed by execution ARN, with AWS's
 * StartExecution idempotency, live history and newest-first listing. Both `LocalRuntime.run()`
 * and the Step Functions API start executions here, so each sees the other's.
 */
export class ExecutionRegistry {
  private readonly records = new Map<string, ExecutionRecord>();
  private seq = 0;

  /**
   * @param machines the state machines by ARN
   * @param region reported in TaskScheduled history events
   */
  constructor(
    private readonly machines: ReadonlyMap<string, RegisteredStateMachine>,
    private readonly region: string,
  ) {}

  /**
   * Starts an execution in the background. Same name and same input as a RUNNING execution
   * returns that execution (`created: false`); a closed one, or different input, is
   * `ExecutionAlreadyExists`.
   *
   * @param input the input as JSON text (as the API receives it)
   * @throws StepFunctionsError InvalidArn, StateMachineDoesNotExist, InvalidName, InvalidExecutionInput, ExecutionAlreadyExists
   */
  start(stateMachineArn: string, input: string | undefined, options: StartOptions = {}): { executionArn: string; startDate: Date; created: boolean } {
    const registered = this.machineOf(stateMachineArn);
    const name = options.name ?? randomUUID();
    if (!NAME.test(name)) throw new StepFunctionsError('InvalidName', `Invalid Name: '${name}' (1-80 characters of A-Z, a-z, 0-9, '-' and '_')`);
    const inputText = input ?? '{}';
    let parsed: unknown;
    try {
      parsed = JSON.parse(inputText);
    } catch (error) {
      throw new StepFunctionsError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${(error as Error).message}'`);
    }
    const executionArn = registered.machine.executionArn(name);
    const existing = this.records.get(executionArn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === inputText) return { executionArn, startDate: existing.startDate, created: false };
      throw new StepFunctionsError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }

    // Taken before the engine starts, so no history event predates the execution.
    const startDate = new Date();
    const history = new HistoryRecorder(this.region, registered.roleArn);
    const controller = new AbortController();
    const signal = options.signal ? AbortSignal.any([controller.signal, options.signal]) : controller.signal;
    const done = registered.machine.execute(parsed, {
      name,
      signal,
      onEvent: (event) => history.onEvent(event),
      onTaskActivity: (activity) => history.onTaskActivity(activity),
      ...(options.taskOverrides !== undefined && { taskOverrides: options.taskOverrides }),
    });
    const record: ExecutionRecord = {
      seq: ++this.seq,
      executionArn,
      stateMachineArn: registered.machine.arn,
      name,
      input: inputText,
      startDate,
      status: 'RUNNING',
      history,
      controller,
      done,
    };
    this.records.set(executionArn, record);
    done.then(
      (result) => {
        // StopExecution already closed it as ABORTED; a late success does not reopen it.
        if (record.status !== 'RUNNING') return;
        record.status = result.status;
        record.stopDate = result.stopDate;
        if (result.status === 'SUCCEEDED') record.output = JSON.stringify(result.output) ?? 'null';
        if (result.error !== undefined) record.error = result.error;
        if (result.cause !== undefined) record.cause = result.cause;
      },
      (error: unknown) => {
        // A runtime bug, not an execution failure: keep the execution visible as FAILED.
        if (record.status !== 'RUNNING') return;
        record.status = 'FAILED';
        record.stopDate = new Date();
        record.error = 'States.Runtime';
        record.cause = error instanceof Error ? error.message : String(error);
      },
    );
    return { executionArn, startDate: record.startDate, created: true };
  }

  /** Resolves with the execution's result when it ends (FAILED/ABORTED resolve too). */
  wait(executionArn: string): Promise<ExecutionResult> {
    return this.recordOf(executionArn).done;
  }

  /** @throws StepFunctionsError InvalidArn, ExecutionDoesNotExist */
  describe(executionArn: string): ExecutionDescription {
    const record = this.recordOf(executionArn);
    return {
      ...this.listItem(record),
      input: record.input,
      ...(record.output !== undefined && { output: record.output }),
      ...(record.error !== undefined && { error: record.error }),
      ...(record.cause !== undefined && { cause: record.cause }),
    };
  }

  /**
   * The AWS-shaped history recorded so far (also while RUNNING), paginated.
   *
   * @throws StepFunctionsError InvalidArn, ExecutionDoesNotExist, InvalidToken
   */
  history(executionArn: string, options: HistoryOptions = {}): { events: HistoryEvent[]; nextToken?: string } {
    const record = this.recordOf(executionArn);
    const all = options.reverseOrder ? [...record.history.events].reverse() : [...record.history.events];
    const offset = options.nextToken === undefined ? 0 : decodeToken(options.nextToken, 'history', executionArn);
    const size = pageSize(options.maxResults);
    const page = all.slice(offset, offset + size);
    const events = options.includeExecutionData === false ? withoutExecutionData(page) : page;
    return offset + size < all.length ? { events, nextToken: encodeToken('history', executionArn, offset + size) } : { events };
  }

  /**
   * Executions of a state machine, newest first, paginated. The token is a position in that
   * order, so executions started between pages do not shift the next page.
   *
   * @throws StepFunctionsError InvalidArn, StateMachineDoesNotExist, InvalidToken, ValidationException
   */
  list(stateMachineArn: string, options: ListOptions = {}): { executions: ExecutionListItem[]; nextToken?: string } {
    const registered = this.machineOf(stateMachineArn);
    if (options.statusFilter !== undefined && !STATES.includes(options.statusFilter)) {
      throw new StepFunctionsError('ValidationException', `statusFilter must be one of ${STATES.join(', ')}`);
    }
    const before = options.nextToken === undefined ? Number.POSITIVE_INFINITY : decodeToken(options.nextToken, 'list', stateMachineArn);
    const size = pageSize(options.maxResults);
    const matching = [...this.records.values()]
      .filter((record) => record.stateMachineArn === registered.machine.arn && record.seq < before)
      .filter((record) => options.statusFilter === undefined || record.status === options.statusFilter)
      .sort((a, b) => b.seq - a.seq);
    const page = matching.slice(0, size);
    const executions = page.map((record) => this.listItem(record));
    return matching.length > size ? { executions, nextToken: encodeToken('list', stateMachineArn, page.at(-1)!.seq) } : { executions };
  }

  /**
   * Aborts a RUNNING execution (status ABORTED at once); a closed one is left as it is.
   *
   * @throws StepFunctionsError InvalidArn, ExecutionDoesNotExist
   */
  stop(executionArn: string, details: { error?: string; cause?: string } = {}): { stopDate: Date } {
    const record = this.recordOf(executionArn);
    if (record.status === 'RUNNING') {
      record.status = 'ABORTED';
      record.stopDate = new Date();
      if (details.error !== undefined) record.error = details.error;
      if (details.cause !== undefined) record.cause = details.cause;
      record.history.aborting(details);
      record.controller.abort();
    }
    return { stopDate: record.stopDate ?? new Date() };
  }

  /** Aborts every running execution and waits until all have ended (runtime shutdown). */
  async abortAll(): Promise<void> {
    const running = [...this.records.values()].filter((record) => record.status === 'RUNNING');
    for (const record of running) this.stop(record.executionArn, { cause: 'The local runtime stopped' });
    await Promise.allSettled(running.map((record) => record.done));
  }

  private listItem(record: ExecutionRecord): ExecutionListItem {
    return {
      executionArn: record.executionArn,
      stateMachineArn: record.stateMachineArn,
      name: record.name,
      status: record.status,
      startDate: record.startDate,
      ...(record.stopDate !== undefined && { stopDate: record.stopDate }),
    };
  }

  private machineOf(stateMachineArn: string): RegisteredStateMachine {
    if (typeof stateMachineArn !== 'string' || !STATE_MACHINE_ARN.test(stateMachineArn)) {
      throw new StepFunctionsError('InvalidArn', `Invalid Arn: '${String(stateMachineArn)}'`);
    }
    const registered = this.machines.get(stateMachineArn);
    if (!registered) throw new StepFunctionsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    return registered;
  }

  private recordOf(executionArn: string): ExecutionRecord {
    if (typeof executionArn !== 'string' || !EXECUTION_ARN.test(executionArn)) {
      throw new StepFunctionsError('InvalidArn', `Invalid Arn: '${String(executionArn)}'`);
    }
    const record = this.records.get(executionArn);
    if (!record) throw new StepFunctionsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return record;
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
