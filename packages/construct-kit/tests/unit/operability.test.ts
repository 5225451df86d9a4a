import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { aliasDimensions, StepAlarms, type StepAlarmsOptions } from '../../src/index.js';

function aliasIn(stack: Stack): lambda.Alias {
  const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=()=>1') });
  return new lambda.Alias(stack, 'Live', { aliasName: 'live', version: fn.currentVersion });
}

describe('StepAlarms', () => {
  it('uses the given thresholds', () => {
    const stack = new Stack(new App(), 'S');
    new StepAlarms(stack, 'Alarms', { alias: aliasIn(stack), timeout: Duration.seconds(10), step: 'payment', errorRatePercent: 25, throttles: 5, p99Duration: Duration.seconds(2), evaluationPeriods: 2 });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Duration', Threshold: 2000, EvaluationPeriods: 2 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Throttles', Threshold: 5 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 25, EvaluationPeriods: 2 });
  });

  it.each<[StepAlarmsOptions, RegExp]>([
    [{ errorRatePercent: 0 }, /errorRatePercent must be more than 0 and at most 100, got 0/],
    [{ errorRatePercent: 150 }, /errorRatePercent must be more than 0 and at most 100, got 150/],
    [{ throttles: 0.5 }, /throttles must be a whole number of at least 1, got 0.5/],
    [{ evaluationPeriods: 0 }, /evaluationPeriods must be a whole number of at least 1, got 0/],
    [{ p99Duration: Duration.seconds(20) }, /p99Duration must be more than 0 and at most the function timeout \(10 seconds\), got 20 seconds/],
  ])('refuses %o, naming the option and the rule', (options, message) => {
    const stack = new Stack(new App(), 'S');
    expect(() => new StepAlarms(stack, 'Alarms', { ...options, alias: aliasIn(stack), timeout: Duration.seconds(10), step: 'payment' })).toThrow(message);
  });
});

describe('aliasDimensions', () => {
  it('reads FunctionName and Resource <name>:<alias> from an alias ARN, as CloudWatch reports an alias', () => {
    const stack = new Stack(new App(), 'S');
    const imported = lambda.Function.fromFunctionArn(stack, 'Imported', 'arn:aws:lambda:us-east-1:111111111111:function:payment-fn:live');
    expect(aliasDimensions(imported)).toEqual({ FunctionName: 'payment-fn', Resource: 'payment-fn:live' });
  });

  it('matches what lambda.Alias itself uses for its metrics', () => {
    const stack = new Stack(new App(), 'S');
    const alias = aliasIn(stack);
    const own = stack.resolve(alias.metricErrors().dimensions);
    expect(stack.resolve(aliasDimensions(alias))).toEqual(own);
  });

  it('refuses an unqualified function ARN (metrics would not be those of the live alias)', () => {
    const stack = new Stack(new App(), 'S');
    const fn = lambda.Function.fromFunctionArn(stack, 'Fn', 'arn:aws:lambda:us-east-1:111111111111:function:payment-fn');
    expect(() => aliasDimensions(fn)).toThrow(/is not an alias ARN/);
  });
});
