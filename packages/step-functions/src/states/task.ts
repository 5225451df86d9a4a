import { StatesError, StatesErrors, toStatesError } from '../errors.js';
import { dataField } from '../history.js';
import type { TaskRequest } from '../integrations/types.js';
import { readPath } from '../query/jsonpath.js';
import { contextOf, effectiveInput, finish, jsonata, type StateResult, type StateRun } from '../interpreter/io.js';
import { queryScope } from '../interpreter/env.js';

/** Task states without TimeoutSeconds time out after 99999999 s ("Task workflow state" > "Task state fields"). */
const DEFAULT_TASK_TIMEOUT_SECONDS = 99_999_999;

/**
 * One attempt of a Task state ("Task workflow state"): effective input (JSONPath InputPath +
 * Parameters, or JSONata Arguments), the integration call under TimeoutSeconds/HeartbeatSeconds,
 * then ResultSelector/ResultPath/OutputPath or Output. Records TaskScheduled, TaskStarted,
 * TaskSubmitted (callback tasks), TaskSucceeded/TaskFailed/TaskTimedOut — or the
 * LambdaFunction* events for a Task whose Resource is a function ARN, as AWS does.
 */
export async function taskAttempt(run: StateRun, retryCount: number): Promise<StateResult> {
  const { env, frame, state } = run;
  const resourceArn = state.Resource as string;
  const info = env.tasks.describe(resourceArn);
  const token = info.pattern === 'waitForTaskToken' ? env.tasks.tokens.create(env.execution.arn, run.name) : undefined;
  const context = contextOf(run, retryCount, token?.token);

  const parameters =
    run.language === 'JSONata'
      ? state.Arguments === undefined
        ? run.rawInput
        : await jsonata(run, context, 'Arguments', state.Arguments)
      : effectiveInput(run, context);
  const timeoutSeconds = await seconds(run, context, 'TimeoutSeconds');
  const heartbeatSeconds = await seconds(run, context, 'HeartbeatSeconds');

  const line = frame.line;
  const limits = {
    ...(timeoutSeconds !== undefined && { timeoutInSeconds: timeoutSeconds }),
    ...(heartbeatSeconds !== undefined && { heartbeatInSeconds: heartbeatSeconds }),
  };
  if (info.lambdaFunction) {
    line.add('LambdaFunctionScheduled', { resource: resourceArn, ...dataField('input', parameters), ...limits });
    line.add('LambdaFunctionStarted');
  } else {
    line.add('TaskScheduled', { resourceType: info.resourceType, resource: info.resource, region: env.region, parameters: JSON.stringify(parameters) ?? 'null', ...limits });
    line.add('TaskStarted', { resourceType: info.resourceType, resource: info.resource });
  }

  // The attempt's signal: aborted by the task's own timeout, or when its execution, branch or
  // iteration stops. Forwarded by a listener rather than AbortSignal.any, whose weak references
  // and source bookkeeping cost more than the rest of a stand-in task attempt.
  const controller = new AbortController();
  const { signal } = controller;
  const forwardStop = () => controller.abort(frame.signal.reason);
  if (frame.signal.aborted) forwardStop();
  else frame.signal.addEventListener('abort', forwardStop, { once: true });
  const request: TaskRequest = {
    resource: info.base,
    pattern: info.pattern,
    parameters,
    stateName: run.name,
    executionArn: env.execution.arn,
    ...(token !== undefined && { taskToken: token.token }),
    signal,
    clock: env.clock,
    region: env.region,
  };

  let result: unknown;
  try {
    result = await raceTimeouts(run, controller, timeoutSeconds ?? DEFAULT_TASK_TIMEOUT_SECONDS, heartbeatSeconds, async (heartbeat) => {
      const called = await env.tasks.run(request);
      if (!token) return called;
      line.add('TaskSubmitted', { resourceType: info.resourceType, resource: info.resource, ...dataField('output', called) });
      return token.completion(heartbeat, signal);
    });
  } catch (thrown) {
    token?.dispose();
    if (frame.signal.aborted) throw thrown;
    const failure = toStatesError(thrown);
    const timedOut = failure.error === StatesErrors.Timeout || failure.error === StatesErrors.HeartbeatTimeout;
    const details = { error: failure.error, ...(failure.cause !== undefined && { cause: failure.cause }) };
    if (info.lambdaFunction) line.add(timedOut ? 'LambdaFunctionTimedOut' : 'LambdaFunctionFailed', details);
    else line.add(timedOut ? 'TaskTimedOut' : 'TaskFailed', { resourceType: info.resourceType, resource: info.resource, ...details });
    throw failure;
  } finally {
    frame.signal.removeEventListener('abort', forwardStop);
  }
  token?.dispose();
  if (info.lambdaFunction) line.add('LambdaFunctionSucceeded', dataField('output', result));
  else line.add('TaskSucceeded', { resourceType: info.resourceType, resource: info.resource, ...dataField('output', result) });
  return finish(run, context, result, { resultSelector: true });
}

/**
 * Runs the call under the task's timeout (`States.Timeout`) and, when set, its heartbeat
 * (`States.HeartbeatTimeout`; each heartbeat restarts it). Both timers run on the engine's clock.
 * A task without TimeoutSeconds gets no timer of its own: AWS's default (99,999,999 s) is longer
 * than any execution may run, so the execution's own limit always ends it first — and a timer
 * per attempt is the hot spot of a busy engine.
 */
async function raceTimeouts<T>(
  run: StateRun,
  controller: AbortController,
  timeoutSeconds: number,
  heartbeatSeconds: number | undefined,
  call: (heartbeat: () => void) => Promise<T>,
): Promise<T> {
  if (timeoutSeconds >= DEFAULT_TASK_TIMEOUT_SECONDS && heartbeatSeconds === undefined) return call(() => undefined);
  const { clock } = run.env;
  const timers = new AbortController();
  const stopTimers = AbortSignal.any([timers.signal, run.frame.signal]);
  let heartbeatTimer: AbortController | undefined;
  let rejectWith: (error: StatesError) => void = () => undefined;
  const expired = new Promise<never>((_, reject) => {
    rejectWith = (error) => {
      controller.abort(error);
      reject(error);
    };
  });
  const armHeartbeat = () => {
    if (heartbeatSeconds === undefined) return;
    heartbeatTimer?.abort(TIMER_DONE);
    heartbeatTimer = new AbortController();
    clock.sleep(heartbeatSeconds * 1000, AbortSignal.any([stopTimers, heartbeatTimer.signal])).then(
      () => rejectWith(new StatesError(StatesErrors.HeartbeatTimeout)),
      () => undefined,
    );
  };
  if (timeoutSeconds < DEFAULT_TASK_TIMEOUT_SECONDS) {
    clock.sleep(timeoutSeconds * 1000, stopTimers).then(
      () => rejectWith(new StatesError(StatesErrors.Timeout)),
      () => undefined,
    );
  }
  armHeartbeat();
  try {
    return await Promise.race([call(armHeartbeat), expired]);
  } finally {
    timers.abort(TIMER_DONE);
    heartbeatTimer?.abort(TIMER_DONE);
    expired.catch(() => undefined);
  }
}

// The reason timers are cancelled with once the call settled: one shared value, because
// `abort()` without a reason builds a DOMException (with a stack trace) every time.
const TIMER_DONE = new Error('task settled');

/** TimeoutSeconds/HeartbeatSeconds: a number, a `*Path` into the input, or JSONata. */
async function seconds(run: StateRun, context: ReturnType<typeof contextOf>, field: 'TimeoutSeconds' | 'HeartbeatSeconds'): Promise<number | undefined> {
  const { state } = run;
  let value: unknown = state[field];
  if (run.language === 'JSONata' && value !== undefined) value = await jsonata(run, context, field, value);
  const path = state[`${field}Path`];
  if (typeof path === 'string') value = readPath(path, queryScope(run.rawInput, context, run.frame));
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new StatesError(run.language === 'JSONata' ? StatesErrors.QueryEvaluationError : StatesErrors.Runtime, `The ${field} field must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}
