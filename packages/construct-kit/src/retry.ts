/**
 * Retry policies of a step's Task states, and the budget (durable or express) that bounds them.
 */
import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';

/**
 * Lambda platform errors a retry cures: the function was throttled, its environment died, or it
 * timed out. CDK's `LambdaInvoke` default retry does not cover them.
 */
export const LAMBDA_TRANSIENT_ERRORS = ['Lambda.TooManyRequestsException', 'Runtime.ExitError', 'Sandbox.Timedout'] as const;

/** The Lambda service errors CDK's `LambdaInvoke` retries by default (`retryOnServiceExceptions`: 6 attempts, 2 s, x2). */
export const LAMBDA_SERVICE_ERRORS = ['Lambda.ClientExecutionTimeoutException', 'Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException'] as const;

/**
 * `retryOnServiceExceptions` of a forward step task: CDK's own retrier (6 attempts) under the
 * durable budget; none under the express budget, where {@link retryLambdaPlatformErrors} covers
 * those errors with its one retry.
 */
export function retriesServiceExceptions(budget: RetryBudget = 'durable'): boolean {
  return budget === 'durable';
}

/**
 * For a forward step task whose handler is idempotent per orderId: retries
 * {@link LAMBDA_TRANSIENT_ERRORS} 5 times (1 s, x2, full jitter). A crash after the side effect
 * repeats the step, and the repeat returns the first result.
 */
export function retryLambdaPlatformErrors(task: sfn.TaskStateBase, budget: RetryBudget = 'durable'): void {
  // Under the express budget the task has no CDK service-exception retrier (see
  // retriesServiceExceptions): this one retrier covers those errors too, once.
  const errors = budget === 'express' ? [...LAMBDA_TRANSIENT_ERRORS, ...LAMBDA_SERVICE_ERRORS] : [...LAMBDA_TRANSIENT_ERRORS];
  addStepRetry(task, { errors, interval: Duration.seconds(1), backoffRate: 2, maxAttempts: 5, jitterStrategy: sfn.JitterType.FULL }, budget);
}

/**
 * For a compensation task (idempotent, must eventually succeed): retries every error, 10 times
 * by default (1 s, x2, full jitter, at most 30 s apart). Add it LAST and no narrower retrier for
 * Lambda errors before it: Step Functions uses the first retrier that matches, and a narrower one
 * would give up sooner (found by the reliability suite).
 */
export function retryUntilDone(task: sfn.TaskStateBase, maxAttempts = 10, budget: RetryBudget = 'durable'): void {
  addStepRetry(
    task,
    { errors: [sfn.Errors.ALL], interval: Duration.seconds(1), backoffRate: 2, maxAttempts, maxDelay: Duration.seconds(30), jitterStrategy: sfn.JitterType.FULL },
    budget,
  );
}

/**
 * How much retrying a step's tasks may do, set by the workflow that uses them:
 *
 * - `'durable'`, for Standard workflows (an execution may run a year): each task's own policy,
 *   compensations retried until done (10 attempts, up to 30 s apart).
 * - `'express'`, for Express workflows, which end at 5 minutes whatever their timeout ("Standard
 *   vs. Express Workflows" in the Step Functions Developer Guide): every retrier makes at most
 *   one retry, 1 s later, so that the worst case of a whole order (every retrier exhausted on
 *   the longest path, each attempt running to the function's timeout) fits in the 5 minutes.
 *   Whatever is still unsettled after that is left PENDING for a reconciler whose settlement
 *   runs as Standard and retries for hours.
 */
export type RetryBudget = 'durable' | 'express';

/** Options every step's task factory takes. */
export interface StepTaskOptions {
  /** @default 'durable' (see {@link RetryBudget}) */
  readonly retryBudget?: RetryBudget;
}

/**
 * Adds `props` as a retrier of `task`, cut down to the `'express'` budget when asked (at most one
 * retry, 1 s later; a retrier that never retries stays so).
 */
export function addStepRetry(task: sfn.TaskStateBase, props: sfn.RetryProps, budget: RetryBudget = 'durable'): void {
  if (budget === 'durable') {
    task.addRetry(props);
    return;
  }
  task.addRetry({ ...props, maxAttempts: Math.min(props.maxAttempts ?? 3, 1), interval: Duration.seconds(1), backoffRate: 1, maxDelay: Duration.seconds(1) });
}
