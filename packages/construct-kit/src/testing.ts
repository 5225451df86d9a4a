/**
 * Assertions the step packages' construct tests share (`@order-flow/construct-kit/testing`): what
 * every step built on the kit promises about a table the user brings and about its tasks'
 * retriers, checked the same way in each package, and the synthesized template tests lay their
 * DynamoDB Local tables out from. They throw an `AssertionError` (any test runner reports it) and
 * need no test framework.
 */
import { AssertionError } from 'node:assert';
import { isDeepStrictEqual } from 'node:util';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { Construct } from 'constructs';
import { LAMBDA_TRANSIENT_ERRORS } from './retry.js';

/** One retrier of a rendered Task state (`Retry[n]` of `stack.resolve(task.toStateJson())`). */
export interface RetrierJson {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: string;
}

/**
 * The rendered JSON of a retrier as the steps write theirs: first retry after 1 s, backoff x2,
 * full jitter ("Retrying after an error" in the Step Functions Developer Guide), with the
 * attempts and the longest delay that tell them apart.
 *
 * @example
 * jitteredRetrier(['States.ALL'], 10, 30); // what retryUntilDone adds, under the durable budget
 */
export function jitteredRetrier(errors: readonly string[], maxAttempts: number, maxDelaySeconds?: number): RetrierJson {
  return { ErrorEquals: errors, IntervalSeconds: 1, MaxAttempts: maxAttempts, BackoffRate: 2, JitterStrategy: 'FULL', ...(maxDelaySeconds === undefined ? {} : { MaxDelaySeconds: maxDelaySeconds }) };
}

/**
 * Asserts that a step given an existing table creates none (neither `AWS::DynamoDB::GlobalTable`
 * nor `AWS::DynamoDB::Table`) and passes that table's name to its function in `variable`.
 *
 * @example
 * const table = dynamodb.TableV2.fromTableName(stack, 'Existing', 'my-stock-table');
 * new InventoryStep(stack, 'Inventory', { table });
 * assertUsesBroughtTable(Template.fromStack(stack), 'INVENTORY_TABLE_NAME', 'my-stock-table');
 */
export function assertUsesBroughtTable(template: Template, variable: string, tableName: string): void {
  template.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
  template.resourceCountIs('AWS::DynamoDB::Table', 0);
  template.hasResourceProperties('AWS::Lambda::Function', {
    Environment: { Variables: Match.objectLike({ [variable]: tableName }) },
  });
}

/**
 * Asserts that the `Retry` of a rendered forward Task state retries the Lambda platform errors
 * ({@link LAMBDA_TRANSIENT_ERRORS}, added by `retryLambdaPlatformErrors`: safe because the
 * step's handler is idempotent per orderId) and holds each of `own` exactly as given.
 *
 * @example
 * const state = stack.resolve(step.reserveTask().toStateJson());
 * assertStepRetries(state.Retry, { ErrorEquals: ['InventoryContention'], IntervalSeconds: 1, MaxAttempts: 4, BackoffRate: 2, MaxDelaySeconds: 5, JitterStrategy: 'FULL' });
 * @throws AssertionError naming the retrier that is missing
 */
export function assertStepRetries(retry: unknown, ...own: readonly RetrierJson[]): void {
  const retriers = Array.isArray(retry) ? (retry as unknown[]) : [];
  const platform = retriers.some((retrier) => isDeepStrictEqual((retrier as Partial<RetrierJson> | undefined)?.ErrorEquals, [...LAMBDA_TRANSIENT_ERRORS]));
  if (!platform) fail(`Retry has no retrier for ${LAMBDA_TRANSIENT_ERRORS.join(', ')}`, retry);
  for (const expected of own) {
    if (!retriers.some((retrier) => isDeepStrictEqual(retrier, expected))) fail(`Retry has no retrier ${JSON.stringify(expected)}`, retry);
  }
}

function fail(message: string, retry: unknown): never {
  throw new AssertionError({ message: `${message}; it is ${JSON.stringify(retry)}`, actual: retry, operator: 'assertStepRetries' });
}

/**
 * A function returning the CloudFormation template (`Template.fromStack(stack).toJSON()`) of a
 * stack holding only what `build` adds, synthesized when called: what `createTestTable` of
 * `@order-flow/local/testing` takes as `template`, so a test table has the layout the construct
 * declares (keys, indexes) rather than a hand-written copy. Keep the returned function in a
 * module-level constant: `createTestTable` synthesizes once per function.
 *
 * @example
 * export const layout = templateOf((stack) => new PaymentStep(stack, 'Payment', { code: lambda.Code.fromInline('exports.handler = () => {}') }));
 * const table = await createTestTable({ endpoint: inject('dynamodbEndpoint'), template: layout, prefix: 'payment' });
 */
export function templateOf(build: (stack: Construct) => unknown): () => ReturnType<Template['toJSON']> {
  return () => {
    const stack = new Stack(new App(), 'TableLayout');
    build(stack);
    return Template.fromStack(stack).toJSON();
  };
}
