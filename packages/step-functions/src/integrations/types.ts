import type { Clock } from '../clock.js';

/** What a Task integration is asked to do: one attempt of one Task state. */
export interface TaskRequest {
  /**
   * The Task's `Resource` without its integration-pattern suffix, e.g.
   * `arn:aws:states:::dynamodb:putItem` (from `...:putItem.waitForTaskToken`).
   */
  readonly resource: string;
  /** How the engine waits for the task: the suffix of the Resource. */
  readonly pattern: 'request-response' | 'sync' | 'sync:2' | 'waitForTaskToken';
  /** The effective parameters (after InputPath/Parameters, or JSONata Arguments). */
  readonly parameters: unknown;
  readonly stateName: string;
  readonly executionArn: string;
  /** The task token (`$$.Task.Token`), for `.waitForTaskToken` tasks. */
  readonly taskToken?: string;
  /** Aborts when the state times out or the execution stops. */
  readonly signal: AbortSignal;
  /** The engine's clock: wrap real I/O in `clock.track()` so virtual time waits for it. */
  readonly clock: Clock;
  /** The region the engine reports (TaskScheduled events, ARNs). */
  readonly region: string;
}

/**
 * Runs one Task attempt and returns its raw result (before ResultSelector/ResultPath). Throw a
 * `StatesError` (or any Error whose `name` is the error) to fail the attempt.
 */
export type TaskIntegration = (request: TaskRequest) => Promise<unknown>;

/** The result of invoking a Lambda function, as the Lambda Invoke API reports it. */
export type LambdaOutcome =
  | { readonly ok: true; readonly payload: unknown; readonly executedVersion?: string }
  | { readonly ok: false; readonly errorType: string; readonly errorMessage: string; readonly trace?: readonly string[] };

/**
 * Invokes a Lambda function by name or (qualified) ARN, as the Lambda Invoke API would. The host
 * (the local runtime) runs the function; the engine shapes the result as the Step Functions
 * Lambda integrations do.
 */
export type FunctionInvoker = (functionNameOrArn: string, payload: unknown, request: TaskRequest) => Promise<LambdaOutcome>;
