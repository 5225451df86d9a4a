/**
 * `@order-flow/lambda-kit`: what every Order Flow Lambda handler and its domain share, defined
 * once. This root entry has no runtime dependency (it is safe in a domain module, a `runtime`
 * subpath or a test); the handler wrapper, the logger and the DynamoDB client, which need
 * Powertools and the AWS SDK, are at `@order-flow/lambda-kit/handler`.
 */
import type { Context } from 'aws-lambda';

/**
 * The context Lambda passes a handler (`@types/aws-lambda`'s `Context`): named here so every
 * handler signature says the same thing, and the Powertools logger's `addContext` takes it as is.
 */
export type LambdaContext = Context;

/** Source of "now", injectable so tests control timestamps. */
export interface Clock {
  now(): Date;
}

/**
 * The wall clock. On the local runtime with virtual time, `Date` itself reads the runtime's
 * clock, so handlers need no other clock there either.
 */
export const systemClock: Clock = { now: () => new Date() };

/**
 * Whether `error` is DynamoDB refusing a conditional write (`ConditionalCheckFailedException`),
 * the one answer every conditional PutItem / UpdateItem / DeleteItem of this repository expects.
 *
 * By `name`, not `instanceof`: the SDK's error class differs between two copies of
 * `@aws-sdk/client-dynamodb` (a bundle and a test, or two installed versions), its name does not.
 * A transaction's refusal is a different error (`TransactionCanceledException`, with one
 * `ConditionalCheckFailed` reason per item): read its `CancellationReasons` instead.
 */
export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
