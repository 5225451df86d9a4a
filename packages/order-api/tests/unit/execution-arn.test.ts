import { describe, expect, it } from 'vitest';
import { executionArnFor } from '../../src/domain/execution-arn.js';

describe('executionArnFor', () => {
  it('derives the execution ARN from the state machine ARN and the execution name', () => {
    expect(executionArnFor('arn:aws:states:eu-west-1:123456789012:stateMachine:Orders', 'ord_1')).toBe(
      'arn:aws:states:eu-west-1:123456789012:execution:Orders:ord_1',
    );
  });

  it('keeps the partition (GovCloud, China)', () => {
    expect(executionArnFor('arn:aws-us-gov:states:us-gov-west-1:123456789012:stateMachine:Orders', 'x')).toBe(
      'arn:aws-us-gov:states:us-gov-west-1:123456789012:execution:Orders:x',
    );
  });

  it.each([
    'Orders',
    'arn:aws:states:eu-west-1:123456789012:execution:Orders:ord_1',
    'arn:aws:lambda:eu-west-1:123456789012:function:Orders',
    'arn:aws:states:eu-west-1::stateMachine:Orders',
  ])('refuses %s', (arn) => {
    expect(() => executionArnFor(arn, 'ord_1')).toThrow(/Not a state machine ARN/);
  });
});
