import { randomUUID } from 'node:crypto';
import { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { InvocationOutcome, LambdaErrorPayload } from './lambda.js';

/** What a Task state integration receives besides its effective input. */
export interface IntegrationContext {
  /** The Task state's name. */
  readonly stateName: string;
  /** The Task state's `Resource`. */
  readonly resource: string;
  readonly executionArn: string;
}

/**
 * A Task integration: receives the state's effective input (after InputPath/Parameters) and
 * returns its raw result (before ResultSelector/ResultPath). Throw an Error whose `name` is the
 * Step Functions error to fail the state.
 */
export type TaskIntegration = (input: unknown, context: IntegrationContext) => Promise<unknown>;

/** Invokes a function of the runtime by name or (qualified) ARN. */
export type FunctionInvoker = (functionNameOrArn: string, payload: unknown) => Promise<InvocationOutcome>;

/** Options shared by every execution of a local state machine. */
export interface LocalStateMachineOptions {
  /** Runs the Lambda functions the definition calls. */
  readonly invokeFunction: FunctionInvoker;
  /**
   * Extra Task integrations keyed by Resource ARN prefix (longest prefix wins), e.g.
   * `'arn:aws:states:::events:putEvents'`.
   * @default {}
   */
  readonly integrations?: Readonly<Record<string, TaskIntegration>>;
  /**
   * Replaces every Retry wait with this many milliseconds.
   * @default - the definition's IntervalSeconds/BackoffRate/MaxDelaySeconds/JitterStrategy
   */
  readonly retryIntervalMs?: number;
  /**
   * Replaces every Wait state's wait with this many milliseconds.
   * @default - the definition's wait
   */
  readonly waitTimeMs?: number;
}

/** Final status of a local execution. */
export type ExecutionStatus = 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

/** One event of the execution log (as produced by aws-local-stepfunctions). */
export type ExecutionEvent = { readonly type: string; readonly timestamp: number } & Record<string, unknown>;

/** The result of {@link LocalStateMachine.execute}. */
export interface ExecutionResult {
  readonly executionArn: string;
  readonly name: string;
  readonly status: ExecutionStatus;
  /** The execution output (SUCCEEDED only). */
  readonly output?: unknown;
  /** The Error of a FAILED execution (a Fail state's Error, or the uncaught task error). */
  readonly error?: string;
  /** The Cause of a FAILED execution. */
  readonly cause?: string;
  /** State names in the order they were entered (a retry is not a new entry; a loop back is). */
  readonly statesVisited: readonly string[];
  readonly startDate: Date;
  readonly stopDate: Date;
  readonly durationMs: number;
  /** The raw event log. */
  readonly events: readonly ExecutionEvent[];
}

/** Options of one execution. */
export interface ExecuteOptions {
  /**
   * Execution name (unique per state machine on AWS).
   * @default - a random UUID
   */
  readonly name?: string;
  /** Aborts the execution (status ABORTED). */
  readonly signal?: AbortSignal;
  /**
   * Replaces what named Task states do, for this execution only: the function gets the
   * state's effective input and its result (or thrown error, by `name`) is the task's. For
   * fault injection the real engines cannot produce (a table outage, a throttled service);
   * tests that use it should say so in their names.
   * @default - every Task runs its real integration
   */
  readonly taskOverrides?: Readonly<Record<string, (input: unknown) => unknown>>;
  /**
   * Called with every engine event as it streams (the execution history is built from these
   * while the execution runs).
   * @default - none
   */
  readonly onEvent?: (event: ExecutionEvent) => void;
  /**
   * Called when a Task state's integration is scheduled and when it succeeds or fails; the engine
   * itself reports only state entries and exits.
   * @default - none
   */
  readonly onTaskActivity?: (activity: TaskActivity) => void;
}

/** One step of a Task state's integration call (see {@link ExecuteOptions.onTaskActivity}). */
export interface TaskActivity {
  readonly kind: 'scheduled' | 'succeeded' | 'failed';
  readonly stateName: string;
  readonly resource: string;
  /** 1 for the call after the state was entered, 2 for the first retry, ... (per state, per execution). */
  readonly attempt: number;
  readonly timestamp: number;
  /** The effective input (scheduled). */
  readonly input?: unknown;
  /** The raw result (succeeded). */
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
}

type StateDefinition = Record<string, unknown> & { Type: string; Resource?: string };
type Definition = { States: Record<string, StateDefinition> };

const LAMBDA_INVOKE = /^arn:[^:]+:states:::lambda:invoke$/;
const LAMBDA_FUNCTION_ARN = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:/;

/** Thrown when a definition calls a Task resource the local runtime cannot run. */
export class UnsupportedIntegrationError extends Error {
  override readonly name = 'UnsupportedIntegrationError';
}

/**
 * A state machine of the assembly, run by aws-local-stepfunctions with every Task state
 * answered locally: `lambda:invoke` and direct Lambda ARNs through the runtime's functions, other
 * resources through {@link LocalStateMachineOptions.integrations}.
 */
export class LocalStateMachine {
  private readonly machine: StateMachine;
  private readonly tasks = new Map<string, string>();
  private readonly retryStates: string[] = [];
  private readonly waitStates: string[] = [];

  /**
   * @param name the state machine's name
   * @param arn its ARN (executions are named `arn:...:execution:<name>:<execution>`)
   * @param definition the resolved, parsed ASL definition
   */
  constructor(
    readonly name: string,
    readonly arn: string,
    readonly definition: Record<string, unknown>,
    private readonly options: LocalStateMachineOptions,
  ) {
    collectStates(definition as Definition, (stateName, state) => {
      if (state.Type === 'Task' && typeof state.Resource === 'string') this.tasks.set(stateName, state.Resource);
      if (state.Type === 'Wait') this.waitStates.push(stateName);
      if (Array.isArray(state.Retry)) this.retryStates.push(stateName);
    });
    const unsupported = [...this.tasks].filter(([, resource]) => !this.supports(resource));
    if (unsupported.length > 0) {
      throw new UnsupportedIntegrationError(
        `State machine ${name} uses Task resources the local runtime cannot run: ` +
          unsupported.map(([state, resource]) => `'${state}' (${resource})`).join(', ') +
          `. Supported: lambda:invoke and Lambda function ARNs; add others with the \`integrations\` option.`,
      );
    }
    this.machine = new StateMachine(definition as unknown as StateMachineDefinition, {
      // CDK definitions carry ARNs of this local account; the runtime answers every Task itself.
      validationOptions: { checkArn: false },
    });
  }

  /** The ARN an execution with this name gets. */
  executionArn(name: string): string {
    return this.arn.replace(':stateMachine:', ':execution:') + `:${name}`;
  }

  /** Runs one execution to its end. Never rejects for a FAILED execution, only on runtime bugs. */
  async execute(input: unknown, options: ExecuteOptions = {}): Promise<ExecutionResult> {
    const name = options.name ?? randomUUID();
    const executionArn = this.executionArn(name);
    const startDate = new Date();
    const execution = this.machine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: this.localHandlers(executionArn, options.taskOverrides, options.onTaskActivity),
        ...(this.options.retryIntervalMs !== undefined && {
          retryIntervalOverrides: Object.fromEntries(this.retryStates.map((state) => [state, this.options.retryIntervalMs!])),
        }),
        ...(this.options.waitTimeMs !== undefined && {
          waitTimeOverrides: Object.fromEntries(this.waitStates.map((state) => [state, this.options.waitTimeMs!])),
        }),
      },
      noThrowOnAbort: false,
      context: {
        Execution: { Id: executionArn, Name: name },
        StateMachine: { Id: this.arn, Name: this.name },
      },
    });
    const onAbort = () => execution.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) execution.abort();

    const events: ExecutionEvent[] = [];
    const collecting = (async () => {
      for await (const event of execution.eventLogs) {
        events.push(event as unknown as ExecutionEvent);
        options.onEvent?.(event as unknown as ExecutionEvent);
      }
    })();

    let outcome: Pick<ExecutionResult, 'status' | 'output' | 'error' | 'cause'>;
    try {
      outcome = { status: 'SUCCEEDED', output: await execution.result };
    } catch (error) {
      outcome = failureOf(error);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
    await collecting;
    const stopDate = new Date();
    const statesVisited = events.filter((event) => event.type === 'StateEntered').map((event) => (event.state as { name: string }).name);
    return {
      executionArn,
      name,
      ...outcome,
      statesVisited,
      startDate,
      stopDate,
      durationMs: stopDate.getTime() - startDate.getTime(),
      events,
    };
  }

  private supports(resource: string): boolean {
    return LAMBDA_INVOKE.test(resource) || LAMBDA_FUNCTION_ARN.test(resource) || this.integrationFor(resource) !== undefined;
  }

  private integrationFor(resource: string): TaskIntegration | undefined {
    const prefixes = Object.keys(this.options.integrations ?? {}).filter((prefix) => resource.startsWith(prefix));
    const longest = prefixes.sort((a, b) => b.length - a.length)[0];
    return longest === undefined ? undefined : this.options.integrations![longest];
  }

  private localHandlers(
    executionArn: string,
    overrides: ExecuteOptions['taskOverrides'] = {},
    report?: (activity: TaskActivity) => void,
  ): Record<string, (input: unknown) => Promise<never>> {
    const unknown = Object.keys(overrides).filter((state) => !this.tasks.has(state));
    if (unknown.length > 0) throw new Error(`taskOverrides name no Task state of ${this.name}: ${unknown.join(', ')}`);
    const handlers: Record<string, (input: unknown) => Promise<never>> = {};
    const attempts = new Map<string, number>();
    for (const [stateName, resource] of this.tasks) {
      const override = overrides[stateName];
      const call = override ? async (input: unknown): Promise<unknown> => await override(input) : (input: unknown) => this.runTask(stateName, resource, input, executionArn);
      handlers[stateName] = async (input) => {
        const attempt = (attempts.get(stateName) ?? 0) + 1;
        attempts.set(stateName, attempt);
        const base = { stateName, resource, attempt };
        report?.({ ...base, kind: 'scheduled', timestamp: Date.now(), input });
        try {
          const output = await call(input);
          report?.({ ...base, kind: 'succeeded', timestamp: Date.now(), output });
          return output as never;
        } catch (error) {
          const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
          report?.({ ...base, kind: 'failed', timestamp: Date.now(), error: name, cause: message });
          throw error;
        }
      };
    }
    return handlers;
  }

  private async runTask(stateName: string, resource: string, input: unknown, executionArn: string): Promise<unknown> {
    // Integrations first, so a user can replace even the built-in Lambda handling.
    const integration = this.integrationFor(resource);
    if (integration) return integration(input, { stateName, resource, executionArn });
    if (LAMBDA_INVOKE.test(resource)) {
      const { FunctionName, Payload } = (input ?? {}) as { FunctionName?: unknown; Payload?: unknown };
      if (typeof FunctionName !== 'string') throw taskError('States.Runtime', `Task '${stateName}': lambda:invoke needs a FunctionName`);
      const outcome = await this.options.invokeFunction(FunctionName, Payload === undefined ? {} : Payload);
      if (!outcome.ok) throw lambdaError(outcome.error);
      return lambdaInvokeResponse(FunctionName, outcome.result);
    }
    const outcome = await this.options.invokeFunction(resource, input);
    if (!outcome.ok) throw lambdaError(outcome.error);
    return outcome.result;
  }
}

/**
 * The response of the `lambda:invoke` integration as AWS returns it, before ResultSelector.
 */
export function lambdaInvokeResponse(functionName: string, payload: unknown): Record<string, unknown> {
  const requestId = randomUUID();
  const qualifier = /:function:[^:]+:(\d+)$/.exec(functionName)?.[1];
  const date = new Date().toUTCString();
  const headers = {
    Connection: 'keep-alive',
    'Content-Type': 'application/json',
    Date: date,
    'X-Amz-Executed-Version': qualifier ?? '$LATEST',
    'x-amzn-Remapped-Content-Length': '0',
    'x-amzn-RequestId': requestId,
  };
  return {
    ExecutedVersion: qualifier ?? '$LATEST',
    Payload: payload,
    SdkHttpMetadata: {
      AllHttpHeaders: Object.fromEntries(Object.entries(headers).map(([key, value]) => [key, [value]])),
      HttpHeaders: headers,
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: 200,
  };
}

/**
 * The error a failed Lambda Task raises: aws-local-stepfunctions reports `error.name` as the
 * state's Error and `error.message` as its Cause, so the message is the same JSON AWS puts in
 * Cause (`{"errorType","errorMessage","trace"}`).
 */
export function lambdaError(payload: LambdaErrorPayload): Error {
  const cause = JSON.stringify({ errorType: payload.errorType, errorMessage: payload.errorMessage, trace: payload.trace ?? [] });
  return taskError(payload.errorType, cause);
}

function taskError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

function failureOf(error: unknown): Pick<ExecutionResult, 'status' | 'error' | 'cause'> {
  if (error instanceof ExecutionAbortedError) return { status: 'ABORTED' };
  if (error instanceof ExecutionTimeoutError) return { status: 'TIMED_OUT', error: 'States.Timeout' };
  if (error instanceof ExecutionError && error.cause instanceof Error) {
    const { name, message } = error.cause;
    // aws-local-stepfunctions fills a Fail state's missing Error/Cause with placeholders; AWS reports none.
    return {
      status: 'FAILED',
      ...(name !== 'FailStateError' && { error: name }),
      ...(message !== 'Execution failed because of a Fail state' && { cause: message }),
    };
  }
  throw error;
}

function collectStates(definition: Definition, visit: (name: string, state: StateDefinition) => void): void {
  for (const [name, state] of Object.entries(definition.States ?? {})) {
    visit(name, state);
    for (const branch of (state.Branches as Definition[] | undefined) ?? []) collectStates(branch, visit);
    const processor = (state.ItemProcessor ?? state.Iterator) as Definition | undefined;
    if (processor) collectStates(processor, visit);
  }
}
