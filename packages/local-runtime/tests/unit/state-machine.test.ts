import { describe, expect, it } from 'vitest';
import type { InvocationOutcome } from '../../src/lambda.ts';
import { LocalStateMachine, UnsupportedIntegrationError } from '../../src/state-machine.ts';

const FN = 'arn:aws:lambda:us-east-1:000000000000:function:double';
const ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:m';

// Doubles `n`; fails with errorType Odd for odd inputs (an in-memory stand-in for a worker).
const invokeFunction = (name: string, payload: unknown): Promise<InvocationOutcome> => {
  const { n } = payload as { n: number };
  if (!name.endsWith(':function:double')) return Promise.resolve({ ok: false, error: { errorType: 'Lambda.ResourceNotFoundException', errorMessage: name } });
  return Promise.resolve(n % 2 ? { ok: false, error: { errorType: 'Odd', errorMessage: `${n} is odd` } } : { ok: true, result: { n: n * 2 } });
};

describe('LocalStateMachine', () => {
  it('answers Task states nested in Parallel and Map, by lambda:invoke, function ARN and integration', async () => {
    const machine = new LocalStateMachine('m', ARN, {
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          End: true,
          Branches: [
            { StartAt: 'ViaInvoke', States: { ViaInvoke: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: FN, 'Payload.$': '$' }, ResultSelector: { 'n.$': '$.Payload.n', 'code.$': '$.StatusCode' }, End: true } } },
            { StartAt: 'Each', States: { Each: { Type: 'Map', ItemsPath: '$.list', End: true, Iterator: { StartAt: 'ViaArn', States: { ViaArn: { Type: 'Task', Resource: FN, End: true } } } } } },
            { StartAt: 'Emit', States: { Emit: { Type: 'Task', Resource: 'arn:aws:states:::events:putEvents', Parameters: { 'detail.$': '$.n' }, End: true } } },
          ],
        },
      },
    }, {
      invokeFunction,
      integrations: { 'arn:aws:states:::events:': (input, ctx) => Promise.resolve({ sent: input, state: ctx.stateName }) },
    });
    const result = await machine.execute({ n: 2, list: [{ n: 4 }, { n: 6 }] });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual([{ n: 4, code: 200 }, [{ n: 8 }, { n: 12 }], { sent: { detail: 2 }, state: 'Emit' }]);
    expect(result.statesVisited).toEqual(expect.arrayContaining(['Both', 'ViaInvoke', 'Each', 'ViaArn', 'Emit']));
  });

  it('fails with the function errorType and the AWS Cause JSON when uncaught', async () => {
    const machine = new LocalStateMachine('m', ARN, {
      StartAt: 'Call',
      States: { Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: FN, 'Payload.$': '$' }, End: true } },
    }, { invokeFunction });
    const result = await machine.execute({ n: 3 });
    expect(result).toMatchObject({ status: 'FAILED', error: 'Odd' });
    expect(JSON.parse(result.cause!)).toEqual({ errorType: 'Odd', errorMessage: '3 is odd', trace: [] });
  });

  it('refuses a definition with a Task resource it cannot run', () => {
    const build = () => new LocalStateMachine('m', ARN, {
      StartAt: 'Q',
      States: { Q: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', Parameters: {}, End: true } },
    }, { invokeFunction });
    expect(build).toThrow(UnsupportedIntegrationError);
    expect(build).toThrow(/'Q' \(arn:aws:states:::sqs:sendMessage\)/);
  });
});
