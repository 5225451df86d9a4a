/**
 * The skeleton every step construct shares: its table, its function, the `live` alias with its
 * alarms and gradual rollout, and the Task states that invoke the alias. A step keeps only what
 * is its own: the table's key, its grants, its environment, its tasks' payloads and retriers.
 */
import type { RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { IConstruct, Construct } from 'constructs';
import { StepDeployment, type StepDeploymentOptions } from './deployment.js';
import { FUNCTION_DEFAULTS, INVOKED_BY_STEP_FUNCTIONS, shippedBundle, synchronousFunction } from './function.js';
import { StepAlarms, type StepAlarmsOptions } from './operability.js';
import { addStepRetry, retriesServiceExceptions, retryLambdaPlatformErrors, retryUntilDone, type RetryBudget } from './retry.js';
import { stepTable, type StepTableProps } from './table.js';

/**
 * The props every step construct takes. A step's props interface extends this one and
 * redeclares a prop only to say what is its own (what its table holds, why it is protected).
 */
export interface StepSkeletonProps extends StepTableProps {
  /**
   * What happens to the table this construct creates when it leaves the stack.
   * `RemovalPolicy.DESTROY` also turns deletion protection off unless `deletionProtection` is set.
   * Not allowed together with `table` (it would have no effect).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * The handler code. Replace it only to run a patched build of this step's handler (the
   * construct still owns handler, runtime and environment).
   * @default - the prebuilt bundle shipped in the step's package (dist/lambda)
   */
  readonly code?: lambda.Code;
  /**
   * Overrides for the function (memory, timeout, tracing, extra environment, ...), over
   * {@link FUNCTION_DEFAULTS}. The construct owns the code, handler, runtime and the variable
   * holding its table name.
   * @default - 256 MB, 10 s, arm64, JSON logs, active X-Ray tracing
   */
  readonly functionProps?: lambda.FunctionOptions;
  /**
   * Thresholds of the step's alarms on its `live` alias (the step's `alarms`): error rate,
   * throttles, p99 duration.
   * @default - more than 10% errors in 3 consecutive 5-minute periods, any throttle, p99 above 80% of the timeout
   */
  readonly alarms?: StepAlarmsOptions;
  /**
   * How a new version of the function reaches the `live` alias: CodeDeploy shifts traffic to it
   * gradually and rolls back when the version's error rate, p99 duration or the alias's throttles
   * alarm (the step's `deployment`).
   * @default - 10% of invocations for 5 minutes, then all (`LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES`), rolled back on alarm or failure
   */
  readonly deployment?: StepDeploymentOptions;
}

/** What a step puts into the skeleton: its names, its table's key, its bundle. */
export interface StepSkeletonSpec {
  /** Names the step in alarm and deployment descriptions, e.g. `payment`. */
  readonly step: string;
  /** The partition key (type string) of the table the skeleton creates, e.g. `pk`. */
  readonly partitionKey: string;
  /** The environment variable the function reads its table name from (owned by the construct). */
  readonly tableNameEnv: string;
  /**
   * `POWERTOOLS_SERVICE_NAME` of the function; `functionProps.environment` may override it.
   * @default - the `step` name
   */
  readonly serviceName?: string;
  /** The folder of the bundle the step ships, for {@link shippedBundle}. */
  readonly bundle: URL | string;
  /**
   * The step's package, named in the error when its bundle is not built.
   * @default - `@order-flow/<step>`
   */
  readonly packageName?: string;
}

/** The resources of {@link stepSkeleton}: what each step construct exposes as public members. */
export interface StepSkeleton {
  /** The table the user brought, or the one created (construct id `Table`). */
  readonly table: dynamodb.ITableV2;
  /** The step's function (construct id `Function`, with `FunctionLogGroup` and `FunctionRole`). */
  readonly function: lambda.Function;
  /** Alias `live` on the function's current version (construct id `LiveAlias`): what the tasks invoke. */
  readonly alias: lambda.Alias;
  /** The alarms on the alias (construct id `Alarms`). */
  readonly alarms: StepAlarms;
  /** The CodeDeploy rollout of the alias (construct id `Deployment`). */
  readonly deployment: StepDeployment;
}

/**
 * Creates, directly under `scope` (the step construct), what every step has: the table
 * ({@link stepTable}), the function ({@link synchronousFunction}, invoked by Step Functions, the
 * table name in `spec.tableNameEnv`), its `live` alias, the {@link StepAlarms} and the
 * {@link StepDeployment}. The step then grants the function what it needs on the table.
 *
 * @throws Error naming the prop when the table props contradict each other or come with `table`
 * @throws Error naming the package when its bundle is missing and no `code` is given
 * @example
 * Object.assign(this, stepSkeleton(this, { step: 'payment', partitionKey: 'pk', tableNameEnv: 'PAYMENT_TABLE_NAME',
 *   bundle: new URL('../dist/lambda', import.meta.url) }, props));
 * this.table.grant(this.function, 'dynamodb:GetItem');
 */
export function stepSkeleton(scope: Construct, spec: StepSkeletonSpec, props: StepSkeletonProps): StepSkeleton {
  const table = stepTable(scope, spec.partitionKey, props);
  const fn = synchronousFunction(scope, 'Function', {
    code: props.code ?? lambda.Code.fromAsset(shippedBundle(spec.bundle, spec.packageName ?? `@order-flow/${spec.step}`)),
    functionProps: props.functionProps,
    environment: {
      POWERTOOLS_SERVICE_NAME: spec.serviceName ?? spec.step,
      ...props.functionProps?.environment,
      [spec.tableNameEnv]: table.tableName,
    },
    invokedBy: INVOKED_BY_STEP_FUNCTIONS,
  });
  const alias = new lambda.Alias(scope, 'LiveAlias', { aliasName: 'live', version: fn.currentVersion });
  const timeout = props.functionProps?.timeout ?? FUNCTION_DEFAULTS.timeout;
  const alarms = new StepAlarms(scope, 'Alarms', { ...props.alarms, alias, timeout, step: spec.step });
  const deployment = new StepDeployment(scope, 'Deployment', { ...props.deployment, alias, timeout, step: spec.step });
  const skeleton = { table, function: fn, alias, alarms, deployment };
  skeletons.set(scope, skeleton);
  return skeleton;
}

/** The skeletons {@link stepSkeleton} made, by the construct it made them under. */
const skeletons = new WeakMap<IConstruct, StepSkeleton>();

/**
 * The resources {@link stepSkeleton} created under `scope`, or `undefined` when it created none
 * there: for tests and tools that treat every step alike (e.g. asserting a step is built on it).
 */
export function stepSkeletonOf(scope: IConstruct): StepSkeleton | undefined {
  return skeletons.get(scope);
}

/**
 * The result selector of a task that keeps fields of the function's response as they are:
 * `payloadFields('orderId', 'status')` is `{ 'orderId.$': '$.Payload.orderId', 'status.$': '$.Payload.status' }`.
 *
 * Why not `LambdaInvoke`'s `payloadResponseOnly`: it would drop the `$.Payload` wrapper, but it
 * also swaps the optimized `arn:aws:states:::lambda:invoke` integration for the function ARN as
 * the Resource, which changes every deployed state machine and what the local engine runs.
 */
export function payloadFields(...fields: readonly string[]): Record<string, string> {
  return Object.fromEntries(fields.map((field) => [`${field}.$`, `$.Payload.${field}`]));
}

/** Props of {@link forwardTask} and {@link compensationTask}. */
export interface StepInvokeProps {
  /** What the task invokes: the step's `live` alias. */
  readonly alias: lambda.IFunction;
  /** The function's event (JSONPath values as `sfn.JsonPath.*At(...)` or `'key.$'` keys). */
  readonly payload: Readonly<Record<string, unknown>>;
  /** What the task keeps of the response (`$.Payload.*`), e.g. {@link payloadFields}. */
  readonly resultSelector: Readonly<Record<string, unknown>>;
  /** Where the selected result goes in the state. */
  readonly resultPath: string;
  /** @default 'durable' */
  readonly retryBudget?: RetryBudget;
}

/** Props of {@link forwardTask}. */
export interface ForwardTaskProps extends StepInvokeProps {
  /** The step's own retriers, listed after the Lambda ones. @default - none */
  readonly retries?: readonly sfn.RetryProps[];
}

/** Props of {@link compensationTask}. */
export interface CompensationTaskProps extends StepInvokeProps {
  /** Errors no retry can fix: they fail at once instead of using up the catch-all. @default - none */
  readonly notRetried?: readonly string[];
}

function invoke(scope: Construct, id: string, props: StepInvokeProps, retryOnServiceExceptions: boolean): tasks.LambdaInvoke {
  return new tasks.LambdaInvoke(scope, id, {
    lambdaFunction: props.alias,
    retryOnServiceExceptions,
    payload: sfn.TaskInput.fromObject(props.payload),
    resultSelector: props.resultSelector,
    resultPath: props.resultPath,
  });
}

/**
 * A forward Task state of a step (its handler idempotent per orderId): CDK's Lambda
 * service-exception retrier ({@link retriesServiceExceptions}), then
 * {@link retryLambdaPlatformErrors}, then the step's own `retries`, each cut to the budget.
 * @param id construct id under `scope`, which is also the state name
 */
export function forwardTask(scope: Construct, id: string, props: ForwardTaskProps): tasks.LambdaInvoke {
  const task = invoke(scope, id, props, retriesServiceExceptions(props.retryBudget));
  retryLambdaPlatformErrors(task, props.retryBudget);
  for (const retry of props.retries ?? []) addStepRetry(task, retry, props.retryBudget);
  return task;
}

/**
 * A compensation Task state (idempotent, must eventually succeed): the `notRetried` errors fail
 * at once, everything else is retried until done ({@link retryUntilDone}). No Lambda
 * service-exception or platform retrier: listed before the catch-all, it would match those errors
 * first and give up sooner.
 * @param id construct id under `scope`, which is also the state name
 */
export function compensationTask(scope: Construct, id: string, props: CompensationTaskProps): tasks.LambdaInvoke {
  const task = invoke(scope, id, props, false);
  if (props.notRetried?.length) addStepRetry(task, { errors: [...props.notRetried], maxAttempts: 0 }, props.retryBudget);
  retryUntilDone(task, undefined, props.retryBudget);
  return task;
}
