/**
 * The shape of a conformance case: one definition, one input, and what AWS does with them — as
 * the AWS Step Functions Developer Guide documents it, or as localstack's snapshot tests recorded
 * it against AWS (`tests/aws/services/stepfunctions/v2/**\/*.snapshot.json`). Every case names
 * its source; expected values are copied from that source, never from the engine.
 */
import type { HistoryEvent, StepFunctionsEngine, TaskIntegration, VirtualClock } from '../../src/index.ts';
import type { ExecutionResult } from '../../src/index.ts';

/** What a Lambda stand-in gets besides its payload: the engine and clock, to play an external worker. */
export interface FunctionContext {
  readonly engine: StepFunctionsEngine;
  readonly clock: VirtualClock;
  /** How many times this function was called before this call. */
  readonly calls: number;
}

/**
 * An in-memory stand-in for a Lambda function (mocked: the engine under test is the interpreter,
 * not Lambda). Returns the payload, or throws {@link LambdaFailure} for a function error.
 */
export type FunctionStandIn = (payload: unknown, context: FunctionContext) => unknown;

/** A function error as Lambda reports it (`errorType`, `errorMessage`). */
export class LambdaFailure extends Error {
  constructor(
    readonly errorType: string,
    readonly errorMessage = `${errorType} raised`,
  ) {
    super(errorMessage);
  }
}

/** Throws a function error from a Lambda stand-in. */
export function raise(errorType: string, errorMessage?: string): never {
  throw new LambdaFailure(errorType, errorMessage);
}

/** A gap in seconds (of virtual time) between two history events, each `Type` or `Type#n` (1-based). */
export interface Gap {
  readonly from: string;
  readonly to: string;
  readonly seconds: number;
}

export interface Expectation {
  readonly status?: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
  readonly causeMatches?: RegExp;
  /** The full ordered list of history event types. */
  readonly events?: readonly string[];
  /** Event types that must appear in this order (other events may come between). */
  readonly eventsInOrder?: readonly string[];
  /** Event types that must not appear. */
  readonly eventsAbsent?: readonly string[];
  readonly timestamps?: readonly Gap[];
  /** Refused at CreateStateMachine with this API error. */
  readonly refused?: 'InvalidDefinition';
  readonly refusedMatches?: RegExp;
  /** Refused at StartExecution with this API error. */
  readonly startRefused?: 'InvalidExecutionInput' | 'InvalidName';
  /** Further checks of details shapes. */
  readonly check?: (result: ExecutionResult, history: readonly HistoryEvent[]) => void;
}

export interface ConformanceCase {
  readonly name: string;
  /** The AWS documentation section, or the localstack snapshot file + test id, the case reproduces. */
  readonly source: string;
  readonly definition: unknown;
  readonly input?: unknown;
  /** The input as raw text (bad-input cases); overrides `input`. */
  readonly inputText?: string;
  readonly executionName?: string;
  readonly type?: 'STANDARD' | 'EXPRESS';
  readonly functions?: Readonly<Record<string, FunctionStandIn>>;
  readonly integrations?: Readonly<Record<string, TaskIntegration>>;
  /** Other state machines created first (children of nested executions), by name. */
  readonly machines?: Readonly<Record<string, unknown>>;
  readonly expect: Expectation;
}

/** The ARN of a stand-in function of the engine's default account and region. */
export const fn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

/** The ARN a machine created under `name` gets from the engine's defaults. */
export const machineArn = (name: string) => `arn:aws:states:us-east-1:123456789012:stateMachine:${name}`;

/** A one-state machine. */
export function single(state: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { StartAt: 'S', ...extra, States: { S: { End: true, ...state } } };
}
