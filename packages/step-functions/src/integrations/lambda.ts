import { randomUUID } from 'node:crypto';
import { StatesError } from '../errors.js';
import type { FunctionInvoker, LambdaOutcome, TaskIntegration, TaskRequest } from './types.js';

/**
 * `arn:aws:states:::lambda:invoke` ("Invoke an AWS Lambda function with Step Functions"): the
 * result is the Invoke API response (`Payload`, `StatusCode`, `ExecutedVersion`,
 * `SdkHttpMetadata`, `SdkResponseMetadata`); a function error fails the task with the
 * function's `errorType` as Error and `{"errorType","errorMessage","trace"}` as Cause.
 */
export function lambdaInvokeIntegration(invoke: FunctionInvoker): TaskIntegration {
  return async (request) => {
    const { FunctionName, Payload } = (request.parameters ?? {}) as { FunctionName?: unknown; Payload?: unknown };
    if (typeof FunctionName !== 'string') throw new StatesError('States.Runtime', `Task '${request.stateName}': lambda:invoke needs a FunctionName`);
    const outcome = await request.clock.track(invoke(FunctionName, Payload === undefined ? {} : Payload, request));
    return invokeResponse(FunctionName, unwrap(outcome), request.clock.now());
  };
}

/**
 * A Task whose Resource is a function ARN (the "Lambda function" task of older definitions):
 * the function gets the effective input and its result is the payload alone.
 */
export async function invokeFunctionArn(invoke: FunctionInvoker, request: TaskRequest): Promise<unknown> {
  const outcome = await request.clock.track(invoke(request.resource, request.parameters, request));
  return unwrap(outcome).payload;
}

function unwrap(outcome: LambdaOutcome): { payload: unknown; executedVersion?: string } {
  if (outcome.ok) return outcome;
  const cause = JSON.stringify({ errorType: outcome.errorType, errorMessage: outcome.errorMessage, trace: outcome.trace ?? [] });
  throw new StatesError(outcome.errorType, cause);
}

/**
 * The Invoke API response as Step Functions hands it to the state, before ResultSelector.
 *
 * @param now epoch ms of the response's `Date` header: the engine's clock, so a run on virtual
 *   time reports virtual time there too @default Date.now()
 */
export function invokeResponse(functionName: string, outcome: { payload: unknown; executedVersion?: string }, now: number = Date.now()): Record<string, unknown> {
  const requestId = randomUUID();
  const version = outcome.executedVersion ?? /:function:[^:]+:(\d+)$/.exec(functionName)?.[1] ?? '$LATEST';
  const headers = {
    Connection: 'keep-alive',
    'Content-Type': 'application/json',
    Date: new Date(now).toUTCString(),
    'X-Amz-Executed-Version': version,
    'x-amzn-Remapped-Content-Length': '0',
    'x-amzn-RequestId': requestId,
  };
  return {
    ExecutedVersion: version,
    Payload: outcome.payload,
    SdkHttpMetadata: {
      AllHttpHeaders: Object.fromEntries(Object.entries(headers).map(([key, value]) => [key, [value]])),
      HttpHeaders: headers,
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: 200,
  };
}
