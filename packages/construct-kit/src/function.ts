/**
 * How every Order Flow Lambda function is created: the defaults, the shipped bundle, its own log
 * group, and the cdk-nag findings a synchronously invoked function shares.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

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

/** Props of {@link synchronousFunction}. */
export interface SynchronousFunctionProps {
  /** The handler code, e.g. `lambda.Code.fromAsset(shippedBundle(...))`. */
  readonly code: lambda.Code;
  /**
   * The user's settings, spread over {@link FUNCTION_DEFAULTS}; a setting left `undefined` keeps
   * the default. Runtime, handler, code and environment are the construct's.
   * @default - the defaults alone
   */
  readonly functionProps?: lambda.FunctionOptions;
  /**
   * The whole environment, in the order given (Lambda renders a function without a published
   * version in that order). Put what the user may override before `...functionProps.environment`
   * and what the construct owns after it.
   */
  readonly environment: Readonly<Record<string, string>>;
  /** Who invokes it, for {@link acknowledgeSynchronousFunction}, e.g. {@link INVOKED_BY_STEP_FUNCTIONS}. */
  readonly invokedBy: string;
}

/**
 * An Order Flow function: {@link FUNCTION_DEFAULTS}, then the user's `functionProps`, then what
 * the construct owns ({@link FUNCTION_RUNTIME}, code, environment); created with
 * {@link functionWithOwnLogGroup} (construct ids `<id>`, `<id>LogGroup`, `<id>Role` under `scope`)
 * and acknowledged with {@link acknowledgeSynchronousFunction}.
 */
export function synchronousFunction(scope: Construct, id: string, props: SynchronousFunctionProps): lambda.Function {
  // An explicit `undefined` must not erase a default (`{ ...{ memorySize: 256 }, ...{ memorySize: undefined } }` has none).
  const user = Object.fromEntries(Object.entries(props.functionProps ?? {}).filter(([, value]) => value !== undefined)) as lambda.FunctionOptions;
  // Logs go to the function's own log group, and it may write only there.
  const fn = functionWithOwnLogGroup(scope, id, {
    ...FUNCTION_DEFAULTS,
    ...user,
    // Values the construct must own come last so user props cannot break the wiring.
    ...FUNCTION_RUNTIME,
    code: props.code,
    environment: props.environment,
  });
  acknowledgeSynchronousFunction(fn, props.invokedBy);
  return fn;
}
