import { expect } from 'vitest';
import { raise, single, type ConformanceCase } from '../case.ts';

const CTX = 'Step Functions Developer Guide > Accessing execution data from the Context object';
const LS = 'localstack tests/aws/services/stepfunctions/v2/context_object/test_context_object.snapshot.json';

export const parametersContext: ConformanceCase[] = [
  {
    name: '$$.Execution.Name, $$.StateMachine.Name and $$.State.Name in Parameters',
    source: `${CTX} > Context object fields`,
    executionName: 'my-execution',
    definition: { StartAt: 'First', States: { First: { Type: 'Pass', Parameters: { 'exec.$': '$$.Execution.Name', 'sm.$': '$$.StateMachine.Name', 'state.$': '$$.State.Name' }, End: true } } },
    expect: { status: 'SUCCEEDED', output: { exec: 'my-execution', sm: 'Conformance', state: 'First' } },
  },
  {
    name: '$$.Execution.Id is the execution ARN and $$.StateMachine.Id the machine ARN',
    source: `${CTX} > Context object fields (Execution.Id, StateMachine.Id)`,
    executionName: 'ctx-ids',
    definition: single({ Type: 'Pass', Parameters: { 'id.$': '$$.Execution.Id', 'sm.$': '$$.StateMachine.Id' } }),
    expect: {
      status: 'SUCCEEDED',
      output: { id: 'arn:aws:states:us-east-1:123456789012:execution:Conformance:ctx-ids', sm: 'arn:aws:states:us-east-1:123456789012:stateMachine:Conformance' },
    },
  },
  {
    name: '$$.Execution.Input is the execution input, whatever the state input',
    source: `${CTX} > Context object fields (Execution.Input)`,
    definition: {
      StartAt: 'A',
      States: { A: { Type: 'Pass', Result: { changed: true }, Next: 'B' }, B: { Type: 'Pass', Parameters: { 'original.$': '$$.Execution.Input', 'now.$': '$' }, End: true } },
    },
    input: { order: 42 },
    expect: { status: 'SUCCEEDED', output: { original: { order: 42 }, now: { changed: true } } },
  },
  {
    name: '$$.Execution.StartTime and $$.State.EnteredTime are ISO timestamps of the (virtual) start',
    source: `${CTX} > Context object fields (StartTime, EnteredTime: "the time the state was entered")`,
    definition: {
      StartAt: 'W',
      States: { W: { Type: 'Wait', Seconds: 90, Next: 'P' }, P: { Type: 'Pass', Parameters: { 'start.$': '$$.Execution.StartTime', 'entered.$': '$$.State.EnteredTime' }, End: true } },
    },
    expect: {
      status: 'SUCCEEDED',
      check: (result) => {
        const output = result.output as { start: string; entered: string };
        expect(Date.parse(output.start)).toBe(result.startDate.getTime());
        expect(Date.parse(output.entered) - Date.parse(output.start)).toBeGreaterThanOrEqual(90_000);
      },
    },
  },
  {
    name: '$$.State.RetryCount counts the retries of the current state (Lambda stand-in, mocked)',
    source: `${CTX} > Context object fields (State.RetryCount)`,
    definition: single({
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'Flaky', 'Payload.$': '$$.State.RetryCount' },
      Retry: [{ ErrorEquals: ['Boom'], IntervalSeconds: 1, MaxAttempts: 3 }],
      OutputPath: '$.Payload',
    }),
    functions: {
      Flaky: (retryCount) => {
        if ((retryCount as number) < 2) raise('Boom');
        return { sawRetryCount: retryCount };
      },
    },
    expect: { status: 'SUCCEEDED', output: { sawRetryCount: 2 } },
  },
  {
    name: '$$.Map.Item.Index and $$.Map.Item.Value in ItemSelector',
    source: `${CTX} > Context object data for Map states`,
    definition: single({
      Type: 'Map',
      ItemSelector: { 'index.$': '$$.Map.Item.Index', 'value.$': '$$.Map.Item.Value' },
      ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
    }),
    input: ['a', 'b', 'c'],
    expect: { status: 'SUCCEEDED', output: [{ index: 0, value: 'a' }, { index: 1, value: 'b' }, { index: 2, value: 'c' }] },
  },
  {
    name: 'The whole context object via "$$" has Execution, State and StateMachine',
    source: `${LS} :: test_context_object (Pass Parameters "$$")`,
    definition: single({ Type: 'Pass', Parameters: { 'ctx.$': '$$' } }),
    input: { x: 1 },
    expect: {
      status: 'SUCCEEDED',
      check: (result) => {
        const ctx = (result.output as { ctx: Record<string, Record<string, unknown>> }).ctx;
        expect(Object.keys(ctx).sort()).toEqual(['Execution', 'State', 'StateMachine']);
        expect(ctx.Execution).toMatchObject({ Input: { x: 1 }, Name: result.name });
        expect(ctx.State).toMatchObject({ Name: 'S', RetryCount: 0 });
      },
    },
  },
  {
    name: 'Parameters keys without ".$" are taken literally, even when they look like paths',
    source: 'Step Functions Developer Guide > Processing input and output > Parameters ("key-value pairs ... static values ... fields ending with .$ are paths")',
    definition: single({ Type: 'Pass', Parameters: { literal: '$.notAPath', 'path.$': '$.a' } }),
    input: { a: 'A' },
    expect: { status: 'SUCCEEDED', output: { literal: '$.notAPath', path: 'A' } },
  },
  {
    name: 'Parameters with a ".$" key selecting an array and a nested object',
    source: 'Step Functions Developer Guide > Processing input and output > Parameters',
    definition: single({ Type: 'Pass', Parameters: { 'list.$': '$.items[*].id', nested: { 'first.$': '$.items[0]' } } }),
    input: { items: [{ id: 1 }, { id: 2 }] },
    expect: { status: 'SUCCEEDED', output: { list: [1, 2], nested: { first: { id: 1 } } } },
  },
];
