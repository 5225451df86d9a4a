import { randomUUID } from 'node:crypto';
import { StatesError, StatesErrors } from '../errors.js';
import type { StepFunctionsEngine } from '../service.js';
import type { TaskIntegration } from './types.js';

/**
 * `arn:aws:states:::states:startExecution` ("Start a new AWS Step Functions state machine
 * execution"): request-response answers `{ExecutionArn, StartDate}` at once; `.sync` waits and
 * answers the DescribeExecution response with Output as JSON text; `.sync:2` the same with
 * Input/Output as JSON. A child that does not succeed fails the task with `States.TaskFailed`
 * and the description as Cause.
 */
export function startExecutionIntegration(engine: StepFunctionsEngine): TaskIntegration {
  return async (request) => {
    const parameters = (request.parameters ?? {}) as { StateMachineArn?: unknown; Input?: unknown; Name?: unknown };
    if (typeof parameters.StateMachineArn !== 'string') throw new StatesError(StatesErrors.Runtime, 'states:startExecution needs a StateMachineArn');
    const input = parameters.Input === undefined ? '{}' : typeof parameters.Input === 'string' ? parameters.Input : JSON.stringify(parameters.Input);
    let started: { executionArn: string; startDate: Date };
    try {
      started = engine.startExecution({
        stateMachineArn: parameters.StateMachineArn,
        input,
        ...(typeof parameters.Name === 'string' && { name: parameters.Name }),
      });
    } catch (error) {
      // AWS SDK-style error names for the service's own errors, e.g. StepFunctions.ExecutionAlreadyExistsException.
      const name = error instanceof Error ? error.name : 'Error';
      throw new StatesError(`StepFunctions.${name}Exception`, error instanceof Error ? error.message : String(error));
    }
    if (request.pattern === 'request-response') {
      return { ExecutionArn: started.executionArn, StartDate: started.startDate.toISOString(), SdkHttpMetadata: { HttpStatusCode: 200 }, SdkResponseMetadata: { RequestId: randomUUID() } };
    }
    const onAbort = () => engine.stopExecution(started.executionArn, { cause: 'The parent execution stopped or timed out' });
    request.signal.addEventListener('abort', onAbort, { once: true });
    try {
      await engine.waitForExecution(started.executionArn);
    } finally {
      request.signal.removeEventListener('abort', onAbort);
    }
    const description = engine.describeExecution(started.executionArn);
    const parse = request.pattern === 'sync:2';
    const response = {
      ExecutionArn: description.executionArn,
      Input: parse ? (JSON.parse(description.input) as unknown) : description.input,
      InputDetails: { Included: true },
      Name: description.name,
      ...(description.output !== undefined && { Output: parse ? (JSON.parse(description.output) as unknown) : description.output, OutputDetails: { Included: true } }),
      StartDate: description.startDate.getTime(),
      StateMachineArn: description.stateMachineArn,
      Status: description.status,
      StopDate: description.stopDate?.getTime(),
      ...(description.error !== undefined && { Error: description.error }),
      ...(description.cause !== undefined && { Cause: description.cause }),
    };
    if (description.status !== 'SUCCEEDED') throw new StatesError(StatesErrors.TaskFailed, JSON.stringify(response));
    return response;
  };
}
