/**
 * The Lambda functions of the test apps: Node.js 24 functions whose code is a directory under
 * tests/fixtures (its `index.handler`), as `Code.fromAsset` bundles a real function.
 */
import { fileURLToPath } from 'node:url';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';

/** The directory of the fixture `name` under tests/fixtures. */
export const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

/**
 * A function running the fixture `name`.
 *
 * @param props the rest of the function's props (timeout, environment, ...)
 */
export function fixtureFunction(scope: Construct, id: string, name: string, props: Omit<lambda.FunctionProps, 'runtime' | 'handler' | 'code'>): lambda.Function {
  return new lambda.Function(scope, id, { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromAsset(fixture(name)), ...props });
}
