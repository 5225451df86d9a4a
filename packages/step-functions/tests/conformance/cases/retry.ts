import { fn, raise, type ConformanceCase } from '../case.ts';

const DOC = 'Step Functions Developer Guide > Handling errors in Step Functions workflows';
const RETRY = `${DOC} > Retrying after an error`;

/** A Task calling `name` (a function ARN) with the given Retry and Catch. */
function task(retry: unknown[], extra: Record<string, unknown> = {}, name = 'Flaky') {
  return { StartAt: 'T', States: { T: { Type: 'Task', Resource: fn(name), Retry: retry, ...extra, End: true }, ...((extra.Catch as unknown[] | undefined) ? { Z: { Type: 'Pass', End: true } } : {}) } };
}

/**
 * The virtual-time gaps between each failed attempt and the retry after it (attempt n fails,
 * attempt n+1 is scheduled `seconds[n-1]` later).
 */
const retryGaps = (...seconds: number[]) => seconds.map((gap, i) => ({ from: `LambdaFunctionFailed#${i + 1}`, to: `LambdaFunctionScheduled#${i + 2}`, seconds: gap }));

/** Fails with the given error names, in order, then succeeds with 'ok'. */
const failing = (...errors: string[]) => ({ Flaky: (_p: unknown, { calls }: { calls: number }) => (calls < errors.length ? raise(errors[calls]!) : 'ok') });

export const retry: ConformanceCase[] = [
  {
    name: 'IntervalSeconds 3, BackoffRate 1.5: retries after 3 and 4.5 seconds (Lambda stand-in, mocked)',
    source: `${RETRY} > Retry field example ("IntervalSeconds": 3, "MaxAttempts": 2, "BackoffRate": 1.5)`,
    definition: task([{ ErrorEquals: ['States.Timeout', 'CustomError'], IntervalSeconds: 3, MaxAttempts: 2, BackoffRate: 1.5 }]),
    functions: failing('CustomError', 'CustomError'),
    expect: {
      status: 'SUCCEEDED',
      output: 'ok',
      timestamps: retryGaps(3, 4.5),
    },
  },
  {
    name: 'Retrier defaults: IntervalSeconds 1, BackoffRate 2, MaxAttempts 3 (Lambda stand-in, mocked)',
    source: `${RETRY} > Retrier fields (IntervalSeconds default 1, MaxAttempts default 3, BackoffRate default 2.0)`,
    definition: task([{ ErrorEquals: ['Boom'] }]),
    functions: failing('Boom', 'Boom', 'Boom', 'Boom'),
    expect: {
      status: 'FAILED',
      error: 'Boom',
      timestamps: retryGaps(1, 2, 4),
      check: (_r, history) => {
        if (history.filter((e) => e.type === 'LambdaFunctionScheduled').length !== 4) throw new Error('expected 1 attempt + 3 retries');
      },
    },
  },
  {
    name: 'MaxAttempts 0: the error is never retried (Lambda stand-in, mocked)',
    source: `${RETRY} > MaxAttempts ("a value of 0 ... the error is never retried")`,
    definition: task([{ ErrorEquals: ['Boom'], MaxAttempts: 0 }]),
    functions: failing('Boom'),
    expect: { status: 'FAILED', error: 'Boom', check: (_r, h) => { if (h.filter((e) => e.type === 'LambdaFunctionScheduled').length !== 1) throw new Error('retried'); } },
  },
  {
    name: 'The complex retry scenario of the guide: ErrorA, ErrorB, ErrorC, ErrorB then Catch (Lambda stand-in, mocked)',
    source: `${RETRY} > Complex retry scenarios ("This task fails four times in succession ... ErrorA, ErrorB, ErrorC, and ErrorB")`,
    definition: task(
      [
        { ErrorEquals: ['ErrorA', 'ErrorB'], IntervalSeconds: 1, BackoffRate: 2.0, MaxAttempts: 2 },
        { ErrorEquals: ['ErrorC'], IntervalSeconds: 5 },
      ],
      { Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Z' }] },
    ),
    functions: failing('ErrorA', 'ErrorB', 'ErrorC', 'ErrorB'),
    expect: {
      status: 'SUCCEEDED',
      output: { Error: 'ErrorB', Cause: JSON.stringify({ errorType: 'ErrorB', errorMessage: 'ErrorB raised', trace: [] }) },
      timestamps: retryGaps(1, 2, 5),
      eventsInOrder: ['LambdaFunctionFailed', 'LambdaFunctionFailed', 'LambdaFunctionFailed', 'LambdaFunctionFailed', 'TaskStateExited', 'PassStateEntered'],
    },
  },
  {
    name: 'MaxDelaySeconds caps the backoff (Lambda stand-in, mocked)',
    source: `${RETRY} > MaxDelaySeconds ("an upper limit, in seconds, of the retry interval")`,
    definition: task([{ ErrorEquals: ['Boom'], IntervalSeconds: 4, BackoffRate: 3, MaxAttempts: 3, MaxDelaySeconds: 10 }]),
    functions: failing('Boom', 'Boom', 'Boom'),
    expect: {
      status: 'SUCCEEDED',
      timestamps: retryGaps(4, 10, 10),
    },
  },
  {
    name: 'JitterStrategy FULL waits no longer than the backoff interval (Lambda stand-in, mocked)',
    source: `${RETRY} > JitterStrategy ("FULL ... randomizes the delay between 0 and the computed interval")`,
    definition: task([{ ErrorEquals: ['Boom'], IntervalSeconds: 100, MaxAttempts: 1, JitterStrategy: 'FULL' }]),
    functions: failing('Boom'),
    expect: {
      status: 'SUCCEEDED',
      check: (_r, h) => {
        const failed = h.find((e) => e.type === 'LambdaFunctionFailed')!.timestamp.getTime();
        const again = h.filter((e) => e.type === 'LambdaFunctionScheduled')[1]!.timestamp.getTime();
        if (again - failed > 100_000) throw new Error(`jittered delay ${again - failed} ms exceeds 100 s`);
      },
    },
  },
  {
    name: 'Negative control: a retrier whose ErrorEquals does not match does not retry (Lambda stand-in, mocked)',
    source: `${RETRY} ("a retrier applies only to the errors named in its ErrorEquals")`,
    definition: task([{ ErrorEquals: ['OtherError'], MaxAttempts: 5 }]),
    functions: failing('Boom'),
    expect: { status: 'FAILED', error: 'Boom', check: (_r, h) => { if (h.filter((e) => e.type === 'LambdaFunctionScheduled').length !== 1) throw new Error('retried'); } },
  },
  {
    name: 'States.ALL retries any task error (Lambda stand-in, mocked)',
    source: `${DOC} > Error names > States.ALL`,
    definition: task([{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 1 }]),
    functions: failing('Whatever'),
    expect: { status: 'SUCCEEDED', output: 'ok' },
  },
  {
    name: 'States.TaskFailed retries a function error (Lambda stand-in, mocked)',
    source: `${DOC} > Error names > States.TaskFailed ("matches any error except States.Timeout")`,
    definition: task([{ ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 1, MaxAttempts: 1 }]),
    functions: failing('SomethingWrong'),
    expect: { status: 'SUCCEEDED', output: 'ok' },
  },
  {
    name: 'Negative control: States.ALL does not retry States.Runtime',
    source: `${DOC} > Error names > States.Runtime ("Retriers and catchers with States.ALL don't handle runtime errors")`,
    definition: { StartAt: 'T', States: { T: { Type: 'Task', Resource: fn('Flaky'), InputPath: '$.missing', Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 3 }], End: true } } },
    functions: failing(),
    input: {},
    expect: { status: 'FAILED', error: 'States.Runtime', eventsAbsent: ['LambdaFunctionScheduled'] },
  },
  {
    name: 'The first matching retrier decides; a later retrier for the same error is not used (Lambda stand-in, mocked)',
    source: `${RETRY} ("retriers are evaluated in order; the first whose ErrorEquals matches applies")`,
    definition: task([
      { ErrorEquals: ['Boom'], MaxAttempts: 1, IntervalSeconds: 1 },
      { ErrorEquals: ['States.ALL'], MaxAttempts: 5, IntervalSeconds: 1 },
    ]),
    functions: failing('Boom', 'Boom', 'Boom'),
    expect: { status: 'FAILED', error: 'Boom', check: (_r, h) => { if (h.filter((e) => e.type === 'LambdaFunctionScheduled').length !== 2) throw new Error('expected 2 attempts'); } },
  },
  {
    name: 'A retried task has one TaskStateEntered and one TaskStateExited (Lambda stand-in, mocked)',
    source: 'localstack tests/aws/services/stepfunctions/v2/scenarios/test_base_scenarios.snapshot.json (retry histories: Scheduled/Started/Failed repeat inside one state entry)',
    definition: { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'Flaky' }, Retry: [{ ErrorEquals: ['Boom'], IntervalSeconds: 1, MaxAttempts: 1 }], OutputPath: '$.Payload', End: true } } },
    functions: failing('Boom'),
    expect: {
      status: 'SUCCEEDED',
      output: 'ok',
      events: ['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskFailed', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded'],
    },
  },
];
