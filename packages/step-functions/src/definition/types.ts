/**
 * TypeScript shapes of an Amazon States Language definition, as the AWS Step Functions Developer
 * Guide documents them ("Amazon States Language", "Workflow states", "Transforming data with
 * JSONata"). Fields marked "JSONPath only" are refused in a JSONata state and vice versa; the
 * validator (`validateDefinition` in `validate.ts`) enforces that, these types only describe the shape.
 */

/** `JSONPath` (the default) or `JSONata`. */
export type QueryLanguage = 'JSONPath' | 'JSONata';

/** A JSON value as a definition may carry it (payload templates, `Result`, `Assign`...). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSONata expression as written in a definition: `{% ... %}`. */
export type JsonataString = string;

/** A JSONPath payload template: keys ending in `.$` take a path or intrinsic function. */
export type PayloadTemplate = { [key: string]: JsonValue };

/** The top of a state machine (and, minus the top-only fields, a Parallel branch or Map processor). */
export interface StateMachineDefinition {
  readonly QueryLanguage?: QueryLanguage;
  readonly Comment?: string;
  readonly StartAt: string;
  readonly States: Readonly<Record<string, State>>;
  /** Seconds before the whole execution fails with `States.Timeout`. */
  readonly TimeoutSeconds?: number;
  readonly Version?: string;
}

/** A Parallel branch: its own `StartAt` and `States`. */
export interface Branch {
  readonly Comment?: string;
  readonly StartAt: string;
  readonly States: Readonly<Record<string, State>>;
}

export type StateType = 'Task' | 'Pass' | 'Choice' | 'Wait' | 'Succeed' | 'Fail' | 'Parallel' | 'Map';

/** Fields every state may have. */
interface StateBase {
  readonly Type: StateType;
  readonly Comment?: string;
  readonly QueryLanguage?: QueryLanguage;
}

/** `Next` or `End: true` (every state but Choice, Succeed and Fail). */
interface Transition {
  readonly Next?: string;
  readonly End?: true;
}

/** JSONPath input/output filtering (JSONPath only). */
interface InputOutputPaths {
  /** JSONPath only. `null` passes `{}`. */
  readonly InputPath?: string | null;
  /** JSONPath only. `null` passes `{}`. */
  readonly OutputPath?: string | null;
}

/** JSONata output and workflow variables. */
interface OutputAndAssign {
  /** JSONata only: the state output. */
  readonly Output?: JsonValue;
  /** Workflow variables to set (both query languages). */
  readonly Assign?: Readonly<Record<string, JsonValue>>;
}

/** A retrier ("Error handling in Step Functions" > "Retrying after an error"). */
export interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly Comment?: string;
  /** Seconds before the first retry (integer >= 1, default 1). */
  readonly IntervalSeconds?: number;
  /** Retries at most this many times (integer >= 0, default 3; 0 never retries). */
  readonly MaxAttempts?: number;
  /** Multiplier of the interval at each attempt (>= 1.0, default 2.0). */
  readonly BackoffRate?: number;
  /** Cap on the interval (integer >= 1). */
  readonly MaxDelaySeconds?: number;
  /** `FULL` randomises each interval in [0, interval); `NONE` (default) does not. */
  readonly JitterStrategy?: 'FULL' | 'NONE';
}

/** A catcher ("Error handling in Step Functions" > "Fallback states"). */
export interface Catcher {
  readonly ErrorEquals: readonly string[];
  readonly Next: string;
  readonly Comment?: string;
  /** JSONPath only: where the error output goes in the input (default `$`). */
  readonly ResultPath?: string | null;
  /** JSONata only: the output passed to `Next`. */
  readonly Output?: JsonValue;
  readonly Assign?: Readonly<Record<string, JsonValue>>;
}

/** Retry and Catch (Task, Parallel, Map). */
interface ErrorHandling {
  readonly Retry?: readonly Retrier[];
  readonly Catch?: readonly Catcher[];
}

export interface TaskState extends StateBase, Transition, InputOutputPaths, OutputAndAssign, ErrorHandling {
  readonly Type: 'Task';
  readonly Resource: string;
  /** JSONPath only. */
  readonly Parameters?: PayloadTemplate;
  /** JSONata only. */
  readonly Arguments?: JsonValue;
  /** JSONPath only. */
  readonly ResultSelector?: PayloadTemplate;
  /** JSONPath only. */
  readonly ResultPath?: string | null;
  /** Integer seconds, or (JSONata) a `{% %}` expression. */
  readonly TimeoutSeconds?: number | JsonataString;
  /** JSONPath only. */
  readonly TimeoutSecondsPath?: string;
  /** Integer seconds, or (JSONata) a `{% %}` expression; less than TimeoutSeconds. */
  readonly HeartbeatSeconds?: number | JsonataString;
  /** JSONPath only. */
  readonly HeartbeatSecondsPath?: string;
  readonly Credentials?: PayloadTemplate;
}

export interface PassState extends StateBase, Transition, InputOutputPaths, OutputAndAssign {
  readonly Type: 'Pass';
  readonly Result?: JsonValue;
  /** JSONPath only. */
  readonly ResultPath?: string | null;
  /** JSONPath only. */
  readonly Parameters?: PayloadTemplate;
}

/** The comparison operators of a JSONPath Choice rule ("Choice workflow state" > "Choice Rules"). */
export interface JsonPathComparisons {
  readonly StringEquals?: string;
  readonly StringEqualsPath?: string;
  readonly StringLessThan?: string;
  readonly StringLessThanPath?: string;
  readonly StringGreaterThan?: string;
  readonly StringGreaterThanPath?: string;
  readonly StringLessThanEquals?: string;
  readonly StringLessThanEqualsPath?: string;
  readonly StringGreaterThanEquals?: string;
  readonly StringGreaterThanEqualsPath?: string;
  readonly StringMatches?: string;
  readonly NumericEquals?: number;
  readonly NumericEqualsPath?: string;
  readonly NumericLessThan?: number;
  readonly NumericLessThanPath?: string;
  readonly NumericGreaterThan?: number;
  readonly NumericGreaterThanPath?: string;
  readonly NumericLessThanEquals?: number;
  readonly NumericLessThanEqualsPath?: string;
  readonly NumericGreaterThanEquals?: number;
  readonly NumericGreaterThanEqualsPath?: string;
  readonly BooleanEquals?: boolean;
  readonly BooleanEqualsPath?: string;
  readonly TimestampEquals?: string;
  readonly TimestampEqualsPath?: string;
  readonly TimestampLessThan?: string;
  readonly TimestampLessThanPath?: string;
  readonly TimestampGreaterThan?: string;
  readonly TimestampGreaterThanPath?: string;
  readonly TimestampLessThanEquals?: string;
  readonly TimestampLessThanEqualsPath?: string;
  readonly TimestampGreaterThanEquals?: string;
  readonly TimestampGreaterThanEqualsPath?: string;
  readonly IsNull?: boolean;
  readonly IsPresent?: boolean;
  readonly IsNumeric?: boolean;
  readonly IsString?: boolean;
  readonly IsBoolean?: boolean;
  readonly IsTimestamp?: boolean;
}

/** Every comparison operator name. */
export type ComparisonOperator = keyof JsonPathComparisons;

/** A JSONPath Choice rule: `Variable` plus one operator, or `And`/`Or`/`Not`. `Next` only at the top. */
export interface JsonPathChoiceRule extends JsonPathComparisons {
  readonly Variable?: string;
  readonly And?: readonly JsonPathChoiceRule[];
  readonly Or?: readonly JsonPathChoiceRule[];
  readonly Not?: JsonPathChoiceRule;
  readonly Next?: string;
  readonly Comment?: string;
  readonly Assign?: Readonly<Record<string, JsonValue>>;
}

/** A JSONata Choice rule: a `Condition` that evaluates to a boolean. */
export interface JsonataChoiceRule {
  readonly Condition: JsonataString;
  readonly Next: string;
  readonly Comment?: string;
  readonly Output?: JsonValue;
  readonly Assign?: Readonly<Record<string, JsonValue>>;
}

export type ChoiceRule = JsonPathChoiceRule | JsonataChoiceRule;

export interface ChoiceState extends StateBase, InputOutputPaths, OutputAndAssign {
  readonly Type: 'Choice';
  readonly Choices: readonly ChoiceRule[];
  readonly Default?: string;
}

export interface WaitState extends StateBase, Transition, InputOutputPaths, OutputAndAssign {
  readonly Type: 'Wait';
  /** Integer seconds >= 0, or (JSONata) a `{% %}` expression. */
  readonly Seconds?: number | JsonataString;
  /** RFC3339 timestamp (`2026-01-01T00:00:00Z`), or (JSONata) a `{% %}` expression. */
  readonly Timestamp?: string;
  /** JSONPath only. */
  readonly SecondsPath?: string;
  /** JSONPath only. */
  readonly TimestampPath?: string;
}

export interface SucceedState extends StateBase, InputOutputPaths {
  readonly Type: 'Succeed';
  /** JSONata only. */
  readonly Output?: JsonValue;
}

export interface FailState extends StateBase {
  readonly Type: 'Fail';
  readonly Error?: string;
  readonly Cause?: string;
  /** JSONPath only: a path or intrinsic function. */
  readonly ErrorPath?: string;
  /** JSONPath only: a path or intrinsic function. */
  readonly CausePath?: string;
}

export interface ParallelState extends StateBase, Transition, InputOutputPaths, OutputAndAssign, ErrorHandling {
  readonly Type: 'Parallel';
  readonly Branches: readonly Branch[];
  /** JSONPath only. */
  readonly Parameters?: PayloadTemplate;
  /** JSONata only. */
  readonly Arguments?: JsonValue;
  /** JSONPath only. */
  readonly ResultSelector?: PayloadTemplate;
  /** JSONPath only. */
  readonly ResultPath?: string | null;
}

/** `ItemProcessor.ProcessorConfig`: the local engine runs `INLINE` only. */
export interface ProcessorConfig {
  readonly Mode?: 'INLINE' | 'DISTRIBUTED';
  readonly ExecutionType?: 'STANDARD' | 'EXPRESS';
}

/** A Map state's `ItemProcessor` (or legacy `Iterator`, without ProcessorConfig). */
export interface ItemProcessor extends Branch {
  readonly ProcessorConfig?: ProcessorConfig;
}

export interface MapState extends StateBase, Transition, InputOutputPaths, OutputAndAssign, ErrorHandling {
  readonly Type: 'Map';
  /** JSONPath only. */
  readonly ItemsPath?: string;
  /** JSONata only: an array or a `{% %}` expression. */
  readonly Items?: JsonValue;
  readonly ItemSelector?: JsonValue;
  /** Legacy name of ItemSelector (JSONPath only). */
  readonly Parameters?: PayloadTemplate;
  readonly ItemProcessor?: ItemProcessor;
  /** Legacy name of ItemProcessor. */
  readonly Iterator?: Branch;
  readonly MaxConcurrency?: number | JsonataString;
  /** JSONPath only. */
  readonly MaxConcurrencyPath?: string;
  readonly ToleratedFailureCount?: number | JsonataString;
  /** JSONPath only. */
  readonly ToleratedFailureCountPath?: string;
  readonly ToleratedFailurePercentage?: number | JsonataString;
  /** JSONPath only. */
  readonly ToleratedFailurePercentagePath?: string;
  /** Distributed Map only: refused by the local engine. */
  readonly ItemReader?: JsonValue;
  /** Distributed Map only: refused by the local engine. */
  readonly ResultWriter?: JsonValue;
  /** Distributed Map only: refused by the local engine. */
  readonly ItemBatcher?: JsonValue;
  readonly Label?: string;
  /** JSONPath only. */
  readonly ResultSelector?: PayloadTemplate;
  /** JSONPath only. */
  readonly ResultPath?: string | null;
}

export type State =
  | TaskState
  | PassState
  | ChoiceState
  | WaitState
  | SucceedState
  | FailState
  | ParallelState
  | MapState;
