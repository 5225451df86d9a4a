import { VirtualClock } from './clock.js';
import { StepFunctionsEngine, type ExecutionResult, type StateMachineType, type StepFunctionsEngineOptions } from './service.js';

/** Options of {@link runStateMachine}. */
export interface RunOptions extends StepFunctionsEngineOptions {
  /** @default 'STANDARD' */
  readonly type?: StateMachineType;
  /** @default - a random UUID */
  readonly name?: string;
}

/**
 * Runs one definition once, to its end, on a private engine — by default on a virtual clock, so
 * waits and retry intervals take no wall time. For tests and scripts.
 *
 * @example
 * const result = await runStateMachine({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3600, End: true } } }, {});
 * result.status; // 'SUCCEEDED', at once; the history shows the hour
 */
export async function runStateMachine(definition: unknown, input: unknown = {}, options: RunOptions = {}): Promise<ExecutionResult> {
  const engine = new StepFunctionsEngine({ clock: new VirtualClock(), ...options });
  const { stateMachineArn } = engine.createStateMachine({ name: 'StateMachine', definition, ...(options.type !== undefined && { type: options.type }) });
  const { executionArn } = engine.startExecution({ stateMachineArn, input: JSON.stringify(input), ...(options.name !== undefined && { name: options.name }) });
  return engine.waitForExecution(executionArn);
}
