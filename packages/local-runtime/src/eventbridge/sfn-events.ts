/**
 * "Step Functions Execution Status Change" events (AWS Step Functions Developer Guide,
 * "EventBridge events for Step Functions execution status changes"): what Step Functions puts on
 * the default bus when a Standard execution starts (RUNNING) and when it ends (SUCCEEDED, FAILED,
 * TIMED_OUT, ABORTED).
 */
import { randomUUID } from 'node:crypto';
import type { ExecutionDescription } from '@order-flow/step-functions';

/**
 * What the event is built from: the engine's `ExecutionDescription`, with any status text (the
 * event carries it as is).
 */
export interface ExecutionStatusSource extends Omit<ExecutionDescription, 'status'> {
  /** The execution's status (`RUNNING`, `SUCCEEDED`, `FAILED`, `TIMED_OUT`, `ABORTED`). */
  readonly status: string;
}

/** The `detail` of the event, as AWS documents it (dates in epoch milliseconds). */
export interface ExecutionStatusChangeDetail {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: string;
  readonly startDate: number;
  readonly stopDate: number | null;
  readonly input: string;
  readonly output: string | null;
  readonly inputDetails: { readonly included: boolean };
  readonly outputDetails: { readonly included: boolean } | null;
  readonly error: string | null;
  readonly cause: string | null;
}

/** AWS leaves input/output out of the event (and sets `included: false`) above 248 KiB. */
const MAX_DATA_BYTES = 248 * 1024;

/**
 * The event for an execution's current status: `source: aws.states`, `detail-type: Step
 * Functions Execution Status Change`, `resources: [executionArn]`, `time` the status change
 * (stopDate, or startDate while RUNNING).
 */
export function executionStatusChangeEvent(description: ExecutionStatusSource, env: { accountId: string; region: string }, id: string = randomUUID()) {
  const fits = (text: string) => Buffer.byteLength(text) <= MAX_DATA_BYTES;
  const inputIncluded = fits(description.input);
  const hasOutput = description.status === 'SUCCEEDED' && description.output !== undefined;
  const outputIncluded = hasOutput && fits(description.output);
  const detail: ExecutionStatusChangeDetail = {
    executionArn: description.executionArn,
    stateMachineArn: description.stateMachineArn,
    name: description.name,
    status: description.status,
    startDate: description.startDate.getTime(),
    stopDate: description.stopDate?.getTime() ?? null,
    input: inputIncluded ? description.input : '',
    output: hasOutput ? (outputIncluded ? description.output : '') : null,
    inputDetails: { included: inputIncluded },
    outputDetails: hasOutput ? { included: outputIncluded } : null,
    error: description.error ?? null,
    cause: description.cause ?? null,
  };
  const time = description.stopDate ?? description.startDate;
  return {
    version: '0' as const,
    id,
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account: env.accountId,
    time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: env.region,
    resources: [description.executionArn],
    detail: detail as unknown as Record<string, unknown>,
  };
}
