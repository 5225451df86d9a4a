import { describe, expect, it } from 'vitest';
import { definitionFromTemplate, enumeratePaths, retryAttempts, type AslDefinition } from '../src/asl.js';
import { costPerMillion, pathScenarios, type Prices } from '../src/cost.js';

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

describe('cost per million orders', () => {
  const prices = {
    stepFunctions: { standardPerStateTransition: 0.000025, expressPerRequest: 0.000001, expressPerGbSecond: 0.00001667, expressMemoryIncrementMb: 64, expressDurationIncrementMs: 100 },
    lambda: { perRequest: 0.0000002, perGbSecond: 0.0000133334, durationIncrementMs: 1 },
    dynamodb: { perWriteRequestUnit: 0.000000625, perReadRequestUnit: 0.000000125 },
    eventbridge: { perCustomEvent: 0.000001 },
  } as Prices;
  const usage = { transitions: 6, lambdaInvocations: 4, lambdaBilledMs: 40, lambdaMemoryMb: 256, readUnits: 4, writeUnits: 10, events: 1, executionMs: 120 };

  it('prices Standard by transitions and Express by request + 64 MB duration in 100 ms steps', () => {
    const standard = costPerMillion('STANDARD', usage, prices);
    const express = costPerMillion('EXPRESS', usage, prices);

    expect(standard.stepFunctions).toBeCloseTo(150, 6);
    // 200 ms (120 rounded up) × 0.0625 GB × $0.00001667 + $0.000001, per million.
    expect(express.stepFunctions).toBeCloseTo(1 + 0.2 * 0.0625 * 16.67, 6);
    expect(standard.dynamodb).toBeCloseTo(4 * 0.125 + 10 * 0.625, 6);
    expect(standard.lambda).toBeCloseTo(4 * 0.2 + 0.04 * 0.25 * 13.3334, 6);
    expect(standard.total).toBeCloseTo(standard.stepFunctions + standard.lambda + standard.dynamodb + standard.eventbridge, 6);
  });
});
