import { fn, raise, type ConformanceCase } from '../case.ts';

const DOC = 'Step Functions Developer Guide > Invoke an AWS Lambda function with Step Functions';

export const lambdaIntegration: ConformanceCase[] = [
  {
    name: 'lambda:invoke returns the Invoke response: Payload, StatusCode 200, ExecutedVersion $LATEST (Lambda stand-in, mocked)',
    source: `${DOC} > Response ("ExecutedVersion", "Payload", "SdkHttpMetadata", "SdkResponseMetadata", "StatusCode")`,
    definition: { StartAt: 'Invoke', States: { Invoke: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'Echo', 'Payload.$': '$' }, End: true } } },
    input: { hello: 'world' },
    functions: { Echo: (payload) => payload },
    expect: {
      status: 'SUCCEEDED',
      check: (result) => {
        const output = result.output as Record<string, unknown>;
        if (JSON.stringify(output.Payload) !== '{"hello":"world"}' || output.StatusCode !== 200 || output.ExecutedVersion !== '$LATEST') throw new Error(JSON.stringify(output));
        for (const key of ['SdkHttpMetadata', 'SdkResponseMetadata']) if (!(key in output)) throw new Error(`no ${key}`);
      },
    },
  },
  {
    name: 'OutputPath "$.Payload" keeps the function result only (Lambda stand-in, mocked)',
    source: `${DOC} ("use OutputPath $.Payload to pass on only the function output")`,
    definition: { StartAt: 'Invoke', States: { Invoke: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'Sum', 'Payload.$': '$' }, OutputPath: '$.Payload', End: true } } },
    input: { a: 1, b: 2 },
    functions: { Sum: (p) => (p as { a: number; b: number }).a + (p as { a: number; b: number }).b },
    expect: { status: 'SUCCEEDED', output: 3 },
  },
  {
    name: 'FunctionName may be a function ARN (Lambda stand-in, mocked)',
    source: `${DOC} > Parameters (FunctionName: name, ARN or partial ARN)`,
    definition: { StartAt: 'Invoke', States: { Invoke: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: fn('Echo'), Payload: { x: 1 } }, OutputPath: '$.Payload', End: true } } },
    functions: { Echo: (payload) => payload },
    expect: { status: 'SUCCEEDED', output: { x: 1 } },
  },
  {
    name: 'A function error fails the task with errorType as Error and the error JSON as Cause (Lambda stand-in, mocked)',
    source: 'localstack tests/aws/services/stepfunctions/v2/error_handling/test_task_service_lambda.snapshot.json :: TestTaskServiceLambda::test_raise_exception_catch (TaskFailed error "Exception", cause the function error JSON with errorMessage "Some exception was raised.")',
    definition: { StartAt: 'Invoke', States: { Invoke: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'Broken' }, End: true } } },
    functions: { Broken: () => raise('Exception', 'Some exception was raised.') },
    expect: { status: 'FAILED', error: 'Exception', causeMatches: /"errorMessage":"Some exception was raised\."/, eventsInOrder: ['TaskStarted', 'TaskFailed', 'ExecutionFailed'] },
  },
  {
    name: 'Function ARN as Resource: the result is the payload alone, LambdaFunction* events (Lambda stand-in, mocked)',
    source: 'localstack tests/aws/services/stepfunctions/v2/error_handling/test_states_errors.snapshot.json :: test_task_lambda_data_limit_exceeded_on_large_utf8_response (LambdaFunctionScheduled / LambdaFunctionStarted events)',
    definition: { StartAt: 'InvokeLambda', States: { InvokeLambda: { Type: 'Task', Resource: fn('Echo'), End: true } } },
    input: { FunctionName: 'x', Payload: null },
    functions: { Echo: (payload) => payload },
    expect: {
      status: 'SUCCEEDED',
      output: { FunctionName: 'x', Payload: null },
      events: ['ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded', 'TaskStateExited', 'ExecutionSucceeded'],
      check: (_r, history) => {
        const scheduled = history.find((e) => e.type === 'LambdaFunctionScheduled') as unknown as { lambdaFunctionScheduledEventDetails: Record<string, unknown> };
        const details = scheduled.lambdaFunctionScheduledEventDetails;
        if (details.resource !== fn('Echo') || details.input !== '{"FunctionName":"x","Payload":null}' || JSON.stringify(details.inputDetails) !== '{"truncated":false}') throw new Error(JSON.stringify(details));
      },
    },
  },
  {
    name: 'Function ARN error: LambdaFunctionFailed with error and cause (Lambda stand-in, mocked)',
    source: 'localstack tests/aws/services/stepfunctions/v2/error_handling/test_states_errors.snapshot.json :: test_task_lambda_data_limit_exceeded_on_large_utf8_response (lambdaFunctionFailedEventDetails {cause, error})',
    definition: { StartAt: 'InvokeLambda', States: { InvokeLambda: { Type: 'Task', Resource: fn('Broken'), End: true } } },
    functions: { Broken: () => raise('Oops', 'bad') },
    expect: {
      status: 'FAILED',
      error: 'Oops',
      events: ['ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionFailed', 'ExecutionFailed'],
      check: (_r, history) => {
        const failed = history.find((e) => e.type === 'LambdaFunctionFailed') as unknown as { lambdaFunctionFailedEventDetails: Record<string, unknown> };
        if (Object.keys(failed.lambdaFunctionFailedEventDetails).sort().join() !== 'cause,error') throw new Error(JSON.stringify(failed));
      },
    },
  },
  {
    name: 'The recommended Lambda retrier rides out a throttle (Lambda stand-in raising Lambda.TooManyRequestsException, mocked)',
    source: 'Step Functions Developer Guide > Handling errors > Handle transient Lambda service exceptions (Retry on Lambda.ServiceException, Lambda.AWSLambdaException, Lambda.SdkClientException, Lambda.TooManyRequestsException)',
    definition: {
      StartAt: 'Invoke',
      States: {
        Invoke: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'Throttled' },
          Retry: [{ ErrorEquals: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 }],
          OutputPath: '$.Payload',
          End: true,
        },
      },
    },
    functions: { Throttled: (_p, { calls }) => (calls < 2 ? raise('Lambda.TooManyRequestsException', 'Rate exceeded') : 'through') },
    expect: { status: 'SUCCEEDED', output: 'through', timestamps: [{ from: 'TaskFailed#1', to: 'TaskScheduled#2', seconds: 1 }, { from: 'TaskFailed#2', to: 'TaskScheduled#3', seconds: 2 }] },
  },
  {
    name: 'TaskScheduled details: resourceType lambda, resource invoke, region, parameters as JSON text (Lambda stand-in, mocked)',
    source: 'localstack tests/aws/services/stepfunctions/v2/error_handling/test_states_errors.snapshot.json :: test_service_task_lambada_data_limit_exceeded_on_large_utf8_response (taskScheduledEventDetails)',
    definition: { StartAt: 'InvokeLambda', States: { InvokeLambda: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'Echo', Payload: null }, End: true } } },
    functions: { Echo: (payload) => payload },
    expect: {
      status: 'SUCCEEDED',
      check: (_r, history) => {
        const details = (history.find((e) => e.type === 'TaskScheduled') as unknown as { taskScheduledEventDetails: Record<string, unknown> }).taskScheduledEventDetails;
        const expected = { parameters: '{"FunctionName":"Echo","Payload":null}', region: 'us-east-1', resource: 'invoke', resourceType: 'lambda' };
        if (JSON.stringify(details, Object.keys(details).sort()) !== JSON.stringify(expected)) throw new Error(JSON.stringify(details));
        const started = (history.find((e) => e.type === 'TaskStarted') as unknown as { taskStartedEventDetails: Record<string, unknown> }).taskStartedEventDetails;
        if (JSON.stringify(started) !== JSON.stringify({ resourceType: 'lambda', resource: 'invoke' })) throw new Error(JSON.stringify(started));
      },
    },
  },
  {
    name: 'The Date header of the Invoke response reads the engine clock, virtual time included (Lambda stand-in, mocked)',
    source: `${DOC} > Response (SdkHttpMetadata.HttpHeaders.Date: the time of the Invoke response)`,
    definition: {
      StartAt: 'Sleep',
      States: {
        Sleep: { Type: 'Wait', Seconds: 86400, Next: 'Invoke' },
        Invoke: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'Const' }, ResultSelector: { 'date.$': '$.SdkHttpMetadata.HttpHeaders.Date' }, End: true },
      },
    },
    functions: { Const: () => 1 },
    expect: {
      status: 'SUCCEEDED',
      check: (result, history) => {
        const date = Date.parse((result.output as { date: string }).date);
        const succeeded = history.find((e) => e.type === 'TaskSucceeded')!.timestamp.getTime();
        if (Math.abs(date - succeeded) > 2000) throw new Error(`Date header ${new Date(date).toISOString()} vs TaskSucceeded ${new Date(succeeded).toISOString()}`);
      },
    },
  },
  {
    name: 'Payload omitted: the function still runs (Lambda stand-in, mocked)',
    source: `${DOC} > Parameters (Payload is optional)`,
    definition: { StartAt: 'Invoke', States: { Invoke: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'Const' }, OutputPath: '$.Payload', End: true } } },
    functions: { Const: () => 'constant' },
    expect: { status: 'SUCCEEDED', output: 'constant' },
  },
];
