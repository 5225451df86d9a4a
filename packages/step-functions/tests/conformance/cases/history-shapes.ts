import type { HistoryEvent } from '../../../src/index.ts';
import type { ConformanceCase } from '../case.ts';

const ARRAY = 'localstack tests/aws/services/stepfunctions/v2/intrinsic_functions/test_array.snapshot.json :: TestSfnIntrinsicFunctionsArray::test_array_length (exec_hist_resp_0)';
const API = 'Step Functions API Reference > GetExecutionHistory / HistoryEvent';

const pick = (event: HistoryEvent | undefined, key: string) => (event as unknown as Record<string, Record<string, unknown>>)[key]!;

function assert(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

const onePass = { StartAt: 'State_0', States: { State_0: { Type: 'Pass', Parameters: { 'FunctionResult.$': 'States.ArrayLength($.FunctionInput)' }, End: true } } };

export const historyShapes: ConformanceCase[] = [
  {
    name: 'One Pass state: four events with ids 1-4',
    source: ARRAY,
    definition: onePass,
    input: { FunctionInput: [1, 2, 3, 4, 5, 6, 7, 8, 9] },
    expect: {
      status: 'SUCCEEDED',
      output: { FunctionResult: 9 },
      events: ['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded'],
      check: (_r, history) => assert(JSON.stringify(history.map((e) => e.id)) === '[1,2,3,4]', `ids ${history.map((e) => e.id).join()}`),
    },
  },
  {
    name: 'previousEventId: 0 for ExecutionStarted and for the first state entered, then the event before',
    source: ARRAY,
    definition: onePass,
    input: { FunctionInput: [1] },
    expect: { status: 'SUCCEEDED', check: (_r, history) => assert(JSON.stringify(history.map((e) => e.previousEventId)) === '[0,0,2,3]', `previousEventIds ${history.map((e) => e.previousEventId).join()}`) },
  },
  {
    name: 'ExecutionStarted details: input as JSON text, inputDetails.truncated false, roleArn',
    source: ARRAY,
    definition: onePass,
    input: { FunctionInput: [1, 2] },
    expect: {
      status: 'SUCCEEDED',
      check: (_r, history) => {
        const details = pick(history[0], 'executionStartedEventDetails');
        assert(details.input === '{"FunctionInput":[1,2]}', `input ${String(details.input)}`);
        assert(JSON.stringify(details.inputDetails) === '{"truncated":false}', 'inputDetails');
        assert(typeof details.roleArn === 'string', 'roleArn');
      },
    },
  },
  {
    name: 'StateEntered details: name, input, inputDetails; StateExited details: name, output, outputDetails',
    source: ARRAY,
    definition: onePass,
    input: { FunctionInput: [1] },
    expect: {
      status: 'SUCCEEDED',
      check: (_r, history) => {
        const entered = pick(history[1], 'stateEnteredEventDetails');
        assert(entered.name === 'State_0' && entered.input === '{"FunctionInput":[1]}' && JSON.stringify(entered.inputDetails) === '{"truncated":false}', JSON.stringify(entered));
        const exited = pick(history[2], 'stateExitedEventDetails');
        assert(exited.name === 'State_0' && exited.output === '{"FunctionResult":1}' && JSON.stringify(exited.outputDetails) === '{"truncated":false}', JSON.stringify(exited));
      },
    },
  },
  {
    name: 'ExecutionSucceeded details: output and outputDetails',
    source: ARRAY,
    definition: onePass,
    input: { FunctionInput: [] },
    expect: { status: 'SUCCEEDED', check: (_r, history) => assert(JSON.stringify(pick(history[3], 'executionSucceededEventDetails')) === '{"output":"{\\"FunctionResult\\":0}","outputDetails":{"truncated":false}}', JSON.stringify(history[3])) },
  },
  {
    name: 'ExecutionFailed details: error and cause of the Fail state',
    source: `${API} > ExecutionFailedEventDetails (error, cause)`,
    definition: { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'E', Cause: 'C' } } },
    expect: { status: 'FAILED', check: (_r, history) => assert(JSON.stringify(pick(history.at(-1), 'executionFailedEventDetails')) === '{"error":"E","cause":"C"}', JSON.stringify(history.at(-1))) },
  },
  {
    name: 'Event timestamps never go backwards, and ids are consecutive',
    source: API,
    definition: { StartAt: 'A', States: { A: { Type: 'Wait', Seconds: 3, Next: 'B' }, B: { Type: 'Parallel', Branches: [{ StartAt: 'C', States: { C: { Type: 'Wait', Seconds: 2, End: true } } }, { StartAt: 'D', States: { D: { Type: 'Pass', End: true } } }], End: true } } },
    expect: {
      status: 'SUCCEEDED',
      check: (_r, history) => {
        history.forEach((event, index) => {
          assert(event.id === index + 1, `id ${event.id} at ${index}`);
          if (index > 0) assert(event.timestamp.getTime() >= history[index - 1]!.timestamp.getTime(), `timestamp of ${event.id} goes backwards`);
          assert(event.previousEventId < event.id, `previousEventId of ${event.id}`);
        });
      },
    },
  },
  {
    name: 'Task events chain by previousEventId: Scheduled <- Started <- Succeeded <- Exited',
    source: 'localstack tests/aws/services/stepfunctions/v2/error_handling/test_states_errors.snapshot.json :: test_service_task_lambada_data_limit_exceeded_on_large_utf8_response (ids 2-6, previousEventId 2-5)',
    definition: { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'Echo' }, End: true } } },
    functions: { Echo: () => 1 },
    expect: {
      status: 'SUCCEEDED',
      check: (_r, history) => {
        for (const type of ['TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited']) {
          const event = history.find((e) => e.type === type)!;
          assert(event.previousEventId === event.id - 1, `${type}: previousEventId ${event.previousEventId}, id ${event.id}`);
        }
      },
    },
  },
  {
    name: 'Fail state: FailStateEntered then ExecutionFailed, no FailStateExited',
    source: `${API} (a Fail state has no exited event)`,
    definition: { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'X' } } },
    expect: { status: 'FAILED', events: ['ExecutionStarted', 'FailStateEntered', 'ExecutionFailed'] },
  },
  {
    name: 'A state entered after a Wait has the wait in its timestamp',
    source: 'Step Functions Developer Guide > Wait workflow state; GetExecutionHistory timestamps',
    definition: { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 120, Next: 'P' }, P: { Type: 'Pass', End: true } } },
    expect: { status: 'SUCCEEDED', timestamps: [{ from: 'ExecutionStarted', to: 'PassStateEntered', seconds: 120 }, { from: 'PassStateEntered', to: 'ExecutionSucceeded', seconds: 0 }] },
  },
];
