/** Executions of the assembly's state machines, as the runtime offers them (and the Step Functions API serves them). */
import type { Clock, ExecutionDescription, HistoryEvent, StepFunctionsEngine } from '@order-flow/step-functions';
import type { ResourceRef } from '../cloudformation/resolver.js';
import type { RunOptions, StartExecutionOptions } from '../options.js';
import { startStepFunctionsApi, type StepFunctionsApi, type StepFunctionsApiOptions } from './endpoint.js';
import { findStateMachine, summarize, type ExecutionResult, type StateMachineInfo } from './plan.js';

/** The execution side of `LocalRuntime`: start, wait for, describe and stop executions; serve the Step Functions API. */
export abstract class LocalExecutions {
  /** The clock of the state machines (see `LocalRuntimeOptions.clock`). */
  readonly clock: Clock;
  /** Step Functions API servers, closed by `stop()`. */
  protected readonly apis: StepFunctionsApi[] = [];
  private sfnApi?: StepFunctionsApi;

  protected constructor(
    /** The Step Functions engine running the assembly's state machines. */
    readonly engine: StepFunctionsEngine,
    /** The state machines, with their local names, ARNs, types and definitions. */
    readonly stateMachines: readonly StateMachineInfo[],
    protected readonly resources: readonly ResourceRef[],
  ) {
    this.clock = engine.clock;
  }

  /** @throws Error once the runtime is stopped */
  protected abstract assertRunning(): void;

  /**
   * The Step Functions API started by `stepFunctionsPort` or the first
   * {@link startStepFunctionsApi} call.
   */
  get stepFunctionsApi(): StepFunctionsApi | undefined {
    return this.sfnApi;
  }

  /**
   * Serves the Step Functions JSON protocol on 127.0.0.1 (StartExecution, DescribeExecution,
   * GetExecutionHistory, ListExecutions, StopExecution, DescribeStateMachine, ListStateMachines)
   * over this runtime's executions; `stop()` closes it.
   *
   * @throws PortInUseError when the port is taken
   */
  async startStepFunctionsApi(options: StepFunctionsApiOptions = {}): Promise<StepFunctionsApi> {
    this.assertRunning();
    const api = await startStepFunctionsApi(this.engine, options);
    this.apis.push(api);
    this.sfnApi ??= api;
    return api;
  }

  /**
   * Starts an execution and returns at once (like the StartExecution API).
   *
   * @throws StepFunctionsError (`name`: InvalidName, ExecutionAlreadyExists)
   */
  startExecution(input: unknown, options: StartExecutionOptions = {}): { executionArn: string; startDate: Date } {
    const machine = findStateMachine(this.stateMachines, this.resources, options.stateMachine);
    this.assertRunning();
    const { executionArn, startDate } = this.engine.startExecution(
      { stateMachineArn: machine.arn, ...(input !== undefined && { input: JSON.stringify(input) }), ...(options.name !== undefined && { name: options.name }) },
      { ...(options.taskOverrides !== undefined && { taskOverrides: options.taskOverrides }) },
    );
    return { executionArn, startDate };
  }

  /**
   * What the DescribeExecution API returns (status RUNNING while it runs).
   *
   * @throws StepFunctionsError (`name`: ExecutionDoesNotExist, InvalidArn)
   */
  describeExecution(executionArn: string): ExecutionDescription {
    return this.engine.describeExecution(executionArn);
  }

  /** Resolves with the result of an execution when it ends (FAILED, ABORTED, TIMED_OUT resolve too). */
  async waitForExecution(executionArn: string): Promise<ExecutionResult> {
    return summarize(await this.engine.waitForExecution(executionArn));
  }

  /**
   * The AWS-shaped history of an execution so far (see the GetExecutionHistory API). Express
   * executions too, which the API refuses: on AWS their events are in the state machine's
   * CloudWatch Logs at log level ALL, which this stands in for.
   */
  executionHistory(executionArn: string, options: Parameters<StepFunctionsEngine['getExecutionHistory']>[1] = {}): { events: HistoryEvent[]; nextToken?: string } {
    return this.engine.getExecutionHistory(executionArn, options, { allowExpress: true });
  }

  /** Aborts a running execution (status ABORTED), like the StopExecution API. */
  stopExecution(executionArn: string, details: { error?: string; cause?: string } = {}): { stopDate: Date } {
    return this.engine.stopExecution(executionArn, details);
  }

  /**
   * Starts an execution and resolves when it ends. A FAILED, ABORTED or TIMED_OUT execution
   * resolves too (see `status`, `error`, `cause`). It rejects for runtime bugs and for a
   * StepFunctionsError (`InvalidName`, `ExecutionAlreadyExists`). The execution is listed by the
   * Step Functions API like one started there.
   */
  async run(input: unknown, options: RunOptions = {}): Promise<ExecutionResult> {
    const { signal, ...start } = options;
    const { executionArn } = this.startExecution(input, start);
    const onAbort = () => this.stopExecution(executionArn);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    try {
      return await this.waitForExecution(executionArn);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }
}
