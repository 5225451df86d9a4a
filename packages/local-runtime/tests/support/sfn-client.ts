/**
 * Test support for the Step Functions API tests: the real `@aws-sdk/client-sfn` against the
 * local endpoint, waiting for an execution to close and reading an API error.
 */
import { DescribeExecutionCommand, type DescribeExecutionCommandOutput, type SFNClient } from '@aws-sdk/client-sfn';

/** An API error as the SDK throws it (the HTTP status in `$metadata`). */
export type SfnApiError = Error & { $metadata?: { httpStatusCode?: number } };

/** The error `promise` rejects with, or undefined when it resolves. */
export const errorOf = (promise: Promise<unknown>): Promise<SfnApiError | undefined> => promise.then(() => undefined, (error: unknown) => error as SfnApiError);

/**
 * DescribeExecution, polled every `intervalMs` until the execution is no longer RUNNING or
 * `attempts` polls have passed (then the last, still RUNNING, description).
 */
export async function closedExecution(sfn: SFNClient, executionArn: string, { intervalMs, attempts }: { readonly intervalMs: number; readonly attempts: number }): Promise<DescribeExecutionCommandOutput> {
  let description = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  for (let i = 0; description.status === 'RUNNING' && i < attempts; i++) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    description = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  }
  return description;
}
