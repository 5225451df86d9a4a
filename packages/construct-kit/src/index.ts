/**
 * Shared CDK building blocks of the Order Flow packages. Every step ships a prebuilt Lambda
 * bundle and creates its function the same way; this package holds that one way, so a change to
 * the runtime, the defaults or the cdk-nag reasoning is made once.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';

export * from './deployment.js';
export * from './operability.js';
export * from './step-reference.js';

/**
 * Function settings every Order Flow Lambda starts from; a construct spreads the user's
 * `functionProps` over them and then sets what it must own (code, handler, runtime, environment).
 */
export const FUNCTION_DEFAULTS = {
  memorySize: 256,
  timeout: Duration.seconds(10),
  architecture: lambda.Architecture.ARM_64,
  loggingFormat: lambda.LoggingFormat.JSON,
  tracing: lambda.Tracing.ACTIVE,
} as const satisfies Partial<lambda.FunctionProps>;

/** What a construct owns on every function: Node.js 24 and the bundle's `index.handler`. */
export const FUNCTION_RUNTIME = {
  runtime: lambda.Runtime.NODEJS_24_X,
  handler: 'index.handler',
} as const satisfies Partial<lambda.FunctionProps>;

/**
 * The folder of a prebuilt handler bundle shipped in a package, checked to hold `index.mjs`.
 *
 * @param dir the bundle folder, e.g. `new URL('../dist/lambda', import.meta.url)` (the same
 *   relative path works from a package's `src/` in tests and its `dist/` once published)
 * @param packageName used in the error that tells the user to build the package
 * @throws Error naming the package to build when the bundle is missing
 * @example lambda.Code.fromAsset(shippedBundle(new URL('../dist/lambda', import.meta.url), '@order-flow/payment'))
 */
export function shippedBundle(dir: URL | string, packageName: string): string {
  const path = typeof dir === 'string' ? dir : fileURLToPath(dir);
  if (!existsSync(join(path, 'index.mjs'))) {
    throw new Error(
      `The Lambda bundle of ${packageName} is missing (${join(path, 'index.mjs')}). ` +
        `Run \`pnpm build\` in that package (or \`pnpm nx run ${packageName}:build\`) before synthesizing.`,
    );
  }
  return path;
}

/** ARN of the managed policy Lambda gives a function's default role. */
const BASIC_EXECUTION_ROLE = 'service-role/AWSLambdaBasicExecutionRole';

/**
 * A Lambda function whose logging permission is scoped to its own log group.
 *
 * `lambda.Function` would give a default role the managed `AWSLambdaBasicExecutionRole`, which
 * allows `logs:CreateLogGroup`, `logs:CreateLogStream` and `logs:PutLogEvents` on every log group
 * of the account (`Resource: *`). Instead the function gets:
 * - an explicit `logs.LogGroup` (`<id>LogGroup`, unless `props.logGroup` is given), set as its
 *   logging destination (Lambda "LoggingConfig.LogGroup");
 * - a role (`<id>Role`, unless `props.role` is given) with no managed policy, granted only
 *   `logs:CreateLogStream` and `logs:PutLogEvents` on that log group (no CreateLogGroup: it exists).
 *
 * `props.logRetention` (deprecated in CDK) is applied as the log group's retention instead.
 */
export function functionWithOwnLogGroup(scope: Construct, id: string, props: lambda.FunctionProps): lambda.Function {
  const { logRetention, ...rest } = props;
  const logGroup =
    props.logGroup ??
    new logs.LogGroup(scope, `${id}LogGroup`, {
      // Kept with the stack's other data; the name is generated, so a redeploy never collides.
      retention: logRetention ?? logs.RetentionDays.TWO_YEARS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  const role =
    props.role ??
    new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Lambda execution role that may write logs only to the function own log group',
    });
  const fn = new lambda.Function(scope, id, { ...rest, role, logGroup });
  // logs:CreateLogStream and logs:PutLogEvents on this log group's ARN only (what LogGroup.grantWrite
  // grants; written out so a log group given as a bare reference works too).
  iam.Grant.addToPrincipal({
    grantee: fn,
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    resourceArns: [logGroup.logGroupRef.logGroupArn],
  });
  return fn;
}

/** True when `role` has AWSLambdaBasicExecutionRole attached (the default role of a lambda.Function). */
function hasBasicExecutionRole(role: iam.IRole): boolean {
  const cfn = role.node.defaultChild;
  if (!(cfn instanceof iam.CfnRole)) return false;
  return JSON.stringify(Stack.of(role).resolve(cfn.managedPolicyArns) ?? []).includes(BASIC_EXECUTION_ROLE);
}

/**
 * Records, next to the function, the cdk-nag findings that are deliberate for a synchronously
 * invoked Order Flow function:
 * - `Serverless-LambdaDLQ`: DLQs and on-failure destinations apply to asynchronous invokes only;
 * - `AwsSolutions-IAM5` (`Resource::*`): the X-Ray statement, which has no resource-level permissions;
 * - `AwsSolutions-IAM4` (AWSLambdaBasicExecutionRole), only when the role really has that policy
 *   (a function not created with {@link functionWithOwnLogGroup}): the reason says what it
 *   allows, every log group of the account, not just the function's own.
 *
 * @param invokedBy who invokes it and what a failure becomes, e.g. "Step Functions invokes it
 *   synchronously (lambda:invoke): a failure returns to the task, whose Retry/Catch handle it"
 */
export function acknowledgeSynchronousFunction(fn: lambda.Function, invokedBy: string): void {
  Validations.of(fn).acknowledge({
    id: 'Serverless-LambdaDLQ',
    reason: `Serverless-LambdaDLQ: ${invokedBy}; DLQs and on-failure destinations apply to asynchronous invokes only`,
  });
  if (!fn.role) return;
  Validations.of(fn.role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'AwsSolutions-IAM5: the only *-resource statement is X-Ray xray:PutTraceSegments/PutTelemetryRecords (active tracing), which has no resource-level permissions',
  });
  if (hasBasicExecutionRole(fn.role)) {
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${BASIC_EXECUTION_ROLE}]`,
      reason:
        'AwsSolutions-IAM4: AWSLambdaBasicExecutionRole allows logs:CreateLogGroup, logs:CreateLogStream and logs:PutLogEvents on every log group ' +
        'of the account (Resource *), not only this function\'s; accepted for this function until it is created with functionWithOwnLogGroup ' +
        '(@order-flow/construct-kit), which scopes the logging permission to its own log group',
    });
  }
}

/** Who invokes a step function, for {@link acknowledgeSynchronousFunction}. */
export const INVOKED_BY_STEP_FUNCTIONS =
  'Step Functions invokes it synchronously (lambda:invoke, RequestResponse): a failure returns to the task, whose Retry/Catch handle it';
/** Who invokes an API function, for {@link acknowledgeSynchronousFunction}. */
export const INVOKED_BY_API_GATEWAY =
  'API Gateway invokes it synchronously (HTTP API proxy integration): a failure is the HTTP response the caller sees';

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

/** Removal policy and deletion protection of a table a step construct creates. */
export interface TableRetentionProps {
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** @default - true, or false when `removalPolicy` deletes the table (DESTROY, SNAPSHOT) */
  readonly deletionProtection?: boolean;
}

/**
 * The removal policy and deletion protection of a step's table, made to agree: by default the
 * table is retained and deletion-protected; with a removal policy that deletes it
 * (`RemovalPolicy.DESTROY`, or `SNAPSHOT`, which also deletes), deletion protection defaults to
 * off, because CloudFormation cannot delete a deletion-protected table and `cdk destroy` would
 * fail. Asking for both is an error.
 *
 * @param owner names the construct in the error, e.g. its `node.path`
 * @throws Error naming `removalPolicy` and `deletionProtection` when a deleting removal policy
 *   is combined with `deletionProtection: true`
 */
export function tableRetention(owner: string, props: TableRetentionProps): Required<TableRetentionProps> {
  const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
  const deletes = removalPolicy === RemovalPolicy.DESTROY || removalPolicy === RemovalPolicy.SNAPSHOT;
  if (deletes && props.deletionProtection === true) {
    throw new Error(
      `${owner}: removalPolicy ${removalPolicy} deletes the table when it leaves the stack, but deletionProtection: true forbids deleting it ` +
        '(cdk destroy would fail). Set deletionProtection: false (or leave it unset) with RemovalPolicy.DESTROY, or keep the default RemovalPolicy.RETAIN.',
    );
  }
  return { removalPolicy, deletionProtection: props.deletionProtection ?? !deletes };
}
