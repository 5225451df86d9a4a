import { describe, expect, it } from 'vitest';
import { definitionFromTemplate, enumeratePaths, retryAttempts, type AslDefinition } from '../src/asl.js';
import { pathScenarios } from '../src/cost.js';

const lambda = 'arn:aws:states:::lambda:invoke';
const definition: AslDefinition = {
  StartAt: 'Reserve',
  States: {
    Reserve: { Type: 'Task', Resource: lambda, Next: 'ProcessPayment', Catch: [{ ErrorEquals: ['OutOfStock'], Next: 'Failed' }] },
    ProcessPayment: {
      Type: 'Task',
      Resource: lambda,
      Next: 'Publish',
      Retry: [{ ErrorEquals: ['PaymentGatewayUnavailable'], MaxAttempts: 4 }],
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Release' }],
    },
    Publish: { Type: 'Task', Resource: 'arn:aws:states:::events:putEvents', Next: 'Done' },
    Release: { Type: 'Task', Resource: lambda, Next: 'Failed' },
    Done: { Type: 'Succeed' },
    Failed: { Type: 'Fail' },
  },
};

describe('ASL walk', () => {
  it('counts one transition per state entered on every path', () => {
    const paths = enumeratePaths(definition);

    expect(paths.map((p) => [p.name, p.transitions, p.lambdaInvocations, p.otherTasks])).toEqual([
      ['Succeeded', 4, 2, 1],
      ['States.ALL@ProcessPayment', 4, 3, 0],
      ['OutOfStock@Reserve', 2, 1, 0],
    ]);
  });

  it('adds retry attempts as transitions (and invocations) for the flaky-gateway paths', () => {
    const scenarios = pathScenarios(definition);

    expect(retryAttempts(definition, 'ProcessPayment', 'PaymentGatewayUnavailable')).toBe(4);
    expect(scenarios.find((s) => s.name.includes('tok_gatewayFlaky'))).toMatchObject({ transitions: 6, retries: 2, lambdaInvocations: 4 });
    expect(scenarios.find((s) => s.name.includes('tok_gatewayDown'))).toMatchObject({ transitions: 8, retries: 4, lambdaInvocations: 7 });
  });

  it('reads a synthesized Fn::Join definition, tokens replaced by strings', () => {
    const text = JSON.stringify(definition).split(lambda);
    const joined = { 'Fn::Join': ['', [text[0], { 'Fn::GetAtt': ['Fn', 'Arn'] }, text.slice(1).join(lambda)]] };

    expect(definitionFromTemplate({ DefinitionString: joined }).States.Reserve?.Resource).toBe('TOKEN');
  });
});
