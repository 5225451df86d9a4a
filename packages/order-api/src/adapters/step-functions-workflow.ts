import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { WorkflowUnavailableError } from '../domain/errors.js';
import { executionArnFor } from '../domain/execution-arn.js';
import type { Workflow, WorkflowStart } from '../ports.js';

/**
 * {@link Workflow} on a Step Functions state machine: one execution per order, named by its
 * orderId, so Step Functions itself refuses a second execution of the same order.
 */
export class StepFunctionsWorkflow implements Workflow {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {
    // Fail at wiring time, not on the first order: a malformed ARN would make every ARN we derive wrong.
    executionArnFor(stateMachineArn, 'probe');
  }

  async start(orderId: string, input: string): Promise<WorkflowStart> {
    try {
      const result = await this.client.send(
        new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name: orderId, input }),
      );
      return { executionArn: result.executionArn ?? executionArnFor(this.stateMachineArn, orderId), alreadyStarted: false };
    } catch (error) {
      // Standard workflows answer ExecutionAlreadyExists for a closed execution of this name or
      // one started with a different input (e.g. the same items listed in another order). The
      // caller only gets here after the order record matched, so this is the same order.
      if (error instanceof Error && error.name === 'ExecutionAlreadyExists') {
        return { executionArn: executionArnFor(this.stateMachineArn, orderId), alreadyStarted: true };
      }
      throw new WorkflowUnavailableError(orderId, { cause: error });
    }
  }
}
