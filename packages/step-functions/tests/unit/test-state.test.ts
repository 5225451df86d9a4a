/**
 * TestState ("TestState" API reference; "Testing states with TestState" in the Developer Guide).
 * Expected shapes come from AWS's recorded answers in localstack's
 * tests/aws/services/stepfunctions/v2/test_state/test_test_state_scenarios.snapshot.json (named
 * per test) and the API reference's TestStateOutput/InspectionData.
 */
import { describe, expect, it } from 'vitest';
import { StepFunctionsEngine, VirtualClock, type LambdaOutcome } from '../../src/index.ts';

function engineWithLambda() {
  const calls: unknown[] = [];
  const engine = new StepFunctionsEngine({
    clock: new VirtualClock(),
    seed: 1,
    invokeFunction: (_name, payload): Promise<LambdaOutcome> => {
      calls.push(payload);
      return Promise.resolve({ ok: true, payload: { echoed: payload } });
    },
  });
  return { engine, calls };
}

const json = (text: string | undefined) => (text === undefined ? undefined : (JSON.parse(text) as unknown));
const inspection = (data: Record<string, unknown> | undefined) =>
  Object.fromEntries(Object.entries(data ?? {}).map(([key, value]) => [key, typeof value === 'string' ? JSON.parse(value) : value]));

const IO_INPUT = { initialData: { fieldFromInput: 'value from input', otherField: 'other' }, unrelatedData: { someOtherField: 1234 } };

describe('TestState', () => {
  it('Pass with InputPath/Parameters/ResultPath: DEBUG inspection data as AWS records it (snapshot test_base_inspection_level_debug[IO_PASS_STATE])', async () => {
    const { engine } = engineWithLambda();
    const definition = {
      Type: 'Pass',
      InputPath: '$.initialData',
      Parameters: { staticValue: 'some value', 'inputValue.$': '$.fieldFromInput' },
      ResultPath: '$.modifiedData',
      End: true,
    };
    const result = await engine.testState({ definition: JSON.stringify(definition), input: JSON.stringify(IO_INPUT), inspectionLevel: 'DEBUG' });

    const modified = { staticValue: 'some value', inputValue: 'value from input' };
    expect(result.status).toBe('SUCCEEDED');
    expect(json(result.output)).toEqual({ ...IO_INPUT, modifiedData: modified });
    expect(result.nextState).toBeUndefined();
    expect(inspection(result.inspectionData as Record<string, unknown>)).toEqual({
      input: IO_INPUT,
      afterInputPath: IO_INPUT.initialData,
      afterParameters: modified,
      afterResultSelector: modified,
      afterResultPath: { ...IO_INPUT, modifiedData: modified },
    });

    // Negative control (snapshot test_base_inspection_level_info[IO_PASS_STATE]): INFO has no inspectionData.
    const info = await engine.testState({ definition, input: JSON.stringify(IO_INPUT) });
    expect(info).toEqual({ output: result.output, status: 'SUCCEEDED' });
  });

  it('Pass with Result: result instead of afterInputPath/afterParameters (snapshot test_base_inspection_level_debug[BASE_RESULT_PASS_STATE])', async () => {
    const { engine } = engineWithLambda();
    const result = await engine.testState({
      definition: { Type: 'Pass', Result: { resultKey: 'result value' }, End: true },
      input: '{"Value":"HelloWorld"}',
      inspectionLevel: 'TRACE',
    });
    expect(json(result.output)).toEqual({ resultKey: 'result value' });
    expect(inspection(result.inspectionData as Record<string, unknown>)).toEqual({
      input: { Value: 'HelloWorld' },
      result: { resultKey: 'result value' },
      afterResultSelector: { resultKey: 'result value' },
      afterResultPath: { resultKey: 'result value' },
    });
  });

  it('Choice names the next state the engine takes (snapshot test_base_inspection_level_debug[BASE_CHOICE_STATE])', async () => {
    const { engine } = engineWithLambda();
    const definition = {
      Type: 'Choice',
      Choices: [
        { And: [{ Variable: '$.value', NumericGreaterThanEquals: 20 }, { Variable: '$.value', NumericLessThan: 30 }], Next: 'ValueInTwenties' },
      ],
      Default: 'DefaultState',
    };
    const result = await engine.testState({ definition, input: '{"type":"Private","value":22}', inspectionLevel: 'DEBUG' });
    expect(result).toMatchObject({ status: 'SUCCEEDED', nextState: 'ValueInTwenties' });
    expect(json(result.output)).toEqual({ type: 'Private', value: 22 });
    expect(inspection(result.inspectionData as Record<string, unknown>)).toEqual({ input: { type: 'Private', value: 22 }, afterInputPath: { type: 'Private', value: 22 } });

    // Negative control: a value outside the rule takes Default.
    expect((await engine.testState({ definition, input: '{"value":35}' })).nextState).toBe('DefaultState');
  });

  it('Fail: FAILED with its Error and Cause (snapshot test_base_inspection_level_info[BASE_FAIL_STATE])', async () => {
    const { engine } = engineWithLambda();
    const result = await engine.testState({ definition: { Type: 'Fail', Error: 'SomeFailure', Cause: "This state machines raises a 'SomeFailure' failure." } });
    expect(result).toEqual({ status: 'FAILED', error: 'SomeFailure', cause: "This state machines raises a 'SomeFailure' failure." });
  });

  it('a mocked result replaces the integration call; without a mock the real integration runs', async () => {
    // "Using mocks with TestState" / snapshot test_base_lambda_service_task_mock_success.
    const { engine, calls } = engineWithLambda();
    const definition = {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'fn', 'Payload.$': '$' },
      ResultSelector: { 'body.$': '$.Payload' },
      ResultPath: '$.out',
      Next: 'After',
    };
    const mocked = await engine.testState({ definition, input: '{"a":1}', inspectionLevel: 'DEBUG', mock: { result: '{"Payload":"function output","StatusCode":200}' } });
    expect(mocked).toMatchObject({ status: 'SUCCEEDED', nextState: 'After' });
    expect(json(mocked.output)).toEqual({ a: 1, out: { body: 'function output' } });
    expect(inspection(mocked.inspectionData as Record<string, unknown>)).toEqual({
      input: { a: 1 },
      afterInputPath: { a: 1 },
      afterParameters: { FunctionName: 'fn', Payload: { a: 1 } },
      result: { Payload: 'function output', StatusCode: 200 },
      afterResultSelector: { body: 'function output' },
      afterResultPath: { a: 1, out: { body: 'function output' } },
    });
    expect(calls).toEqual([]);

    // Negative control: no mock -> the real Lambda integration is called.
    const real = await engine.testState({ definition, input: '{"a":1}' });
    expect(calls).toEqual([{ a: 1 }]);
    expect(json(real.output)).toMatchObject({ a: 1, out: { body: { echoed: { a: 1 } } } });
  });

  it('a mocked error with a matching retrier is RETRIABLE; retries used up go to Catch (CAUGHT_ERROR); nothing matching is FAILED', async () => {
    // TestState API reference: status RETRIABLE / CAUGHT_ERROR; InspectionErrorDetails retryIndex, retryBackoffIntervalSeconds, catchIndex.
    const { engine } = engineWithLambda();
    const definition = {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'fn' },
      Retry: [
        { ErrorEquals: ['Other'], MaxAttempts: 1 },
        { ErrorEquals: ['Flaky'], IntervalSeconds: 2, BackoffRate: 3, MaxAttempts: 2 },
      ],
      Catch: [
        { ErrorEquals: ['Nope'], Next: 'Never' },
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Recover' },
      ],
      End: true,
    };
    const mock = { errorOutput: { error: 'Flaky', cause: 'try again' } };
    const retriable = await engine.testState({ definition, input: '{"x":1}', inspectionLevel: 'DEBUG', mock });
    expect(retriable).toMatchObject({ status: 'RETRIABLE', error: 'Flaky', cause: 'try again', inspectionData: { errorDetails: { retryIndex: 1, retryBackoffIntervalSeconds: 2 } } });
    expect(retriable.output).toBeUndefined();
    expect(retriable.nextState).toBeUndefined();
    const second = await engine.testState({ definition, inspectionLevel: 'DEBUG', mock, stateConfiguration: { retrierRetryCount: 1 } });
    expect(second.inspectionData?.errorDetails).toEqual({ retryIndex: 1, retryBackoffIntervalSeconds: 6 });

    const caught = await engine.testState({ definition, input: '{"x":1}', inspectionLevel: 'DEBUG', mock, stateConfiguration: { retrierRetryCount: 2 } });
    expect(caught).toMatchObject({ status: 'CAUGHT_ERROR', nextState: 'Recover', error: 'Flaky', inspectionData: { errorDetails: { catchIndex: 1 } } });
    expect(json(caught.output)).toEqual({ x: 1, error: { Error: 'Flaky', Cause: 'try again' } });

    // Negative control: the same state without Retry/Catch just fails.
    const { Retry: _r, Catch: _c, ...bare } = definition;
    expect(await engine.testState({ definition: bare, mock })).toEqual({ status: 'FAILED', error: 'Flaky', cause: 'try again' });
  });

  it('JSONata state reads the given variables and reports them after its Assign', async () => {
    const { engine } = engineWithLambda();
    const result = await engine.testState({
      definition: { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% {"sum": $states.input.a + $base} %}', Assign: { base: '{% $base * 10 %}' }, End: true },
      input: '{"a":2}',
      variables: '{"base":5}',
      inspectionLevel: 'DEBUG',
    });
    expect(json(result.output)).toEqual({ sum: 7 });
    expect(json(result.inspectionData?.variables)).toEqual({ base: 50 });
    // Negative control: other variables, other output.
    const other = await engine.testState({ definition: { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% {"sum": $states.input.a + $base} %}', End: true }, input: '{"a":2}', variables: '{"base":1}' });
    expect(json(other.output)).toEqual({ sum: 3 });
  });

  it('tests one state of a whole machine named by stateName (TestState "stateName")', async () => {
    const { engine } = engineWithLambda();
    const machine = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Result: 'b', ResultPath: '$.b', Next: 'C' }, C: { Type: 'Succeed' } } };
    const result = await engine.testState({ definition: JSON.stringify(machine), stateName: 'B', input: '{}' });
    expect(result).toEqual({ output: '{"b":"b"}', nextState: 'C', status: 'SUCCEEDED' });
    await expect(engine.testState({ definition: machine, stateName: 'Z' })).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining("'Z'") });
  });

  it('refuses bad requests with AWS error names before running anything', async () => {
    const { engine, calls } = engineWithLambda();
    await expect(engine.testState({ definition: { Type: 'Pass', Nxt: 'X' } })).rejects.toMatchObject({ name: 'InvalidDefinition' });
    await expect(engine.testState({ definition: '{nope' })).rejects.toMatchObject({ name: 'InvalidDefinition' });
    const task = { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'fn' }, End: true };
    await expect(engine.testState({ definition: task, input: '{bad' })).rejects.toMatchObject({ name: 'InvalidExecutionInput' });
    await expect(engine.testState({ definition: task, mock: { result: 'not json' } })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(engine.testState({ definition: { Type: 'Pass', End: true }, mock: { result: '{}' } })).rejects.toMatchObject({ name: 'ValidationException' });
    // "TestState only supports ... .waitForTaskToken ... when a mock is specified".
    const callback = { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', Parameters: { FunctionName: 'fn', 'Token.$': '$$.Task.Token' }, End: true };
    await expect(engine.testState({ definition: callback })).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('waitForTaskToken') });
    expect(calls).toEqual([]);
    // Positive control: the same callback task with a mock completes with the mocked callback output.
    expect(await engine.testState({ definition: callback, mock: { result: '{"done":true}' } })).toEqual({ output: '{"done":true}', status: 'SUCCEEDED' });
  });

  it('accepts a mock for Task, Map and Parallel only, with the messages AWS records (snapshot test_state_mock_validation.snapshot.json)', async () => {
    const { engine, calls } = engineWithLambda();
    const mock = { result: '{"mock":"the unmockable"}' };
    // test_state_type_does_not_accept_mock[mock_result-PassState|FailState|SucceedState].
    for (const type of ['Pass', 'Succeed', 'Fail'] as const) {
      const definition = type === 'Fail' ? { Type: type, Error: 'E' } : type === 'Pass' ? { Type: type, End: true } : { Type: type };
      await expect(engine.testState({ definition, mock })).rejects.toMatchObject({ name: 'ValidationException', message: `State type '${type}' is not supported when a mock is specified` });
    }
    // Not recorded for Choice and Wait; they call nothing a mock could replace, so they are refused alike.
    await expect(engine.testState({ definition: { Type: 'Wait', Seconds: 1, End: true }, mock })).rejects.toMatchObject({ message: "State type 'Wait' is not supported when a mock is specified" });
    // test_state_type_requires_mock[MapState|ParallelState]: InvalidDefinition without a mock.
    const map = { Type: 'Map', ItemsPath: '$.Values', ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true };
    const parallel = { Type: 'Parallel', Branches: [{ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }, { StartAt: 'B', States: { B: { Type: 'Pass', End: true } } }], End: true };
    const unsupported = 'TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]';
    await expect(engine.testState({ definition: map, input: '{"Values":[1]}' })).rejects.toMatchObject({ name: 'InvalidDefinition', message: unsupported });
    await expect(engine.testState({ definition: parallel })).rejects.toMatchObject({ name: 'InvalidDefinition', message: unsupported });
    // test_mock_result_is_not_array_on_map_state_without_result_writer, test_mock_result_is_not_array_on_parallel_state,
    // test_mock_result_array_size_mismatch_on_parallel_state, test_both_mock_result_and_mock_error_output_are_set,
    // test_reveal_secrets_is_true_and_mock_result_is_set.
    await expect(engine.testState({ definition: map, mock: { result: '{}' } })).rejects.toMatchObject({ name: 'ValidationException', message: 'Mocked result must be an array.' });
    await expect(engine.testState({ definition: parallel, mock: { result: '{}' } })).rejects.toMatchObject({ message: 'Mocked result must be an array.' });
    await expect(engine.testState({ definition: parallel, mock: { result: '[1]' } })).rejects.toMatchObject({
      message: 'Mocked result must contain the same number of items as number of Parallel branches.',
    });
    const task = { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'fn' }, End: true };
    await expect(engine.testState({ definition: task, mock: { result: '{}', errorOutput: { error: 'E' } } })).rejects.toMatchObject({
      message: 'A test mock should have only one of the following fields: [result, errorOutput].',
    });
    await expect(engine.testState({ definition: task, mock: { result: '{}' }, revealSecrets: true })).rejects.toMatchObject({
      message: 'TestState does not support RevealSecrets when a mock is specified.',
    });
    expect(calls).toEqual([]);
  });

  it('a mocked Map or Parallel result goes through the state\'s own ResultSelector/ResultPath/OutputPath; a mocked error goes to its Catch (snapshot test_map_state_failure_count[INFO-BASE_MAP_STATE])', async () => {
    const { engine, calls } = engineWithLambda();
    // BASE_MAP_STATE's ResultSelector ({input, context, result}) applied to the mocked array [1, 1, 1].
    const map = {
      Type: 'Map',
      ItemsPath: '$.Values',
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'HandleItem',
        States: { HandleItem: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'fn', 'Payload.$': '$' }, End: true } },
      },
      ResultSelector: { 'input.$': '$$.Execution.Input', 'result.$': '$' },
      ResultPath: '$.mapped',
      Catch: [{ ErrorEquals: ['MockException'], Next: 'Handled' }],
      Next: 'After',
    };
    const input = { Values: ['first', 'second', 'third'] };
    const mapped = await engine.testState({ definition: map, input: JSON.stringify(input), mock: { result: '[1,1,1]' } });
    expect(mapped).toMatchObject({ status: 'SUCCEEDED', nextState: 'After' });
    expect(json(mapped.output)).toEqual({ ...input, mapped: { input, result: [1, 1, 1] } });

    const parallel = {
      Type: 'Parallel',
      Branches: [{ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }, { StartAt: 'B', States: { B: { Type: 'Pass', End: true } } }],
      OutputPath: '$[1]',
      End: true,
    };
    expect(await engine.testState({ definition: parallel, mock: { result: '[{"a":1},{"b":2}]' } })).toEqual({ output: '{"b":2}', status: 'SUCCEEDED' });

    // A mocked error is the state's failure: caught here by its catcher.
    const caught = await engine.testState({ definition: map, input: JSON.stringify(input), mock: { errorOutput: { error: 'MockException', cause: 'Mock the cause' } } });
    expect(caught).toMatchObject({ status: 'CAUGHT_ERROR', error: 'MockException', cause: 'Mock the cause', nextState: 'Handled' });
    // The mock stands for the iterations: the item processor's Lambda task never ran.
    expect(calls).toEqual([]);
  });

  it('ends a state that runs past five minutes with States.Timeout ("The TestState API can run for up to five minutes")', async () => {
    const { engine } = engineWithLambda();
    const start = engine.clock.now();
    const long = await engine.testState({ definition: { Type: 'Wait', Seconds: 600, End: true } });
    expect(long).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    expect(engine.clock.now() - start).toBeGreaterThanOrEqual(300_000);
    expect(engine.clock.now() - start).toBeLessThan(600_000);
    // Negative control: a 10 s Wait succeeds.
    expect((await engine.testState({ definition: { Type: 'Wait', Seconds: 10, End: true }, input: '{"k":1}' })).status).toBe('SUCCEEDED');
  });
});
