/**
 * The error names Step Functions itself raises (AWS Step Functions Developer Guide, "Error
 * handling in Step Functions" > "Error names").
 */
export const StatesErrors = {
  ALL: 'States.ALL',
  HeartbeatTimeout: 'States.HeartbeatTimeout',
  Timeout: 'States.Timeout',
  TaskFailed: 'States.TaskFailed',
  Permissions: 'States.Permissions',
  ResultPathMatchFailure: 'States.ResultPathMatchFailure',
  ParameterPathFailure: 'States.ParameterPathFailure',
  BranchFailed: 'States.BranchFailed',
  NoChoiceMatched: 'States.NoChoiceMatched',
  IntrinsicFailure: 'States.IntrinsicFailure',
  ExceedToleratedFailureThreshold: 'States.ExceedToleratedFailureThreshold',
  ItemReaderFailed: 'States.ItemReaderFailed',
  ResultWriterFailed: 'States.ResultWriterFailed',
  QueryEvaluationError: 'States.QueryEvaluationError',
  Runtime: 'States.Runtime',
} as const;

/**
 * A failure inside an execution: `name` is the Step Functions error name that Retry/Catch match
 * (`States.Timeout`, a Lambda's `errorType`, a Fail state's `Error`), `cause` its Cause text.
 */
export class StatesError extends Error {
  /** The Cause as Step Functions reports it (may be absent, e.g. a Fail state without Cause). */
  override readonly cause: string | undefined;

  constructor(
    /** The error name Retry/Catch match. */
    readonly error: string,
    cause?: string,
  ) {
    super(cause ?? error);
    this.name = error;
    this.cause = cause;
  }
}

/**
 * A definition Step Functions would refuse at CreateStateMachine (`InvalidDefinition`); the
 * message lists every problem found, each naming where it is (`/States/Pay/Retry/0`).
 */
export class InvalidDefinitionError extends Error {
  override readonly name = 'InvalidDefinition';

  constructor(readonly problems: readonly string[]) {
    super(`Invalid State Machine Definition: ${problems.join('; ')}`);
  }
}

/** Turns anything thrown by an integration into a {@link StatesError}. */
export function toStatesError(error: unknown): StatesError {
  if (error instanceof StatesError) return error;
  if (error instanceof Error) return new StatesError(error.name && error.name !== 'Error' ? error.name : 'Error', error.message);
  return new StatesError('Error', String(error));
}
