/**
 * The ARN Step Functions gives an execution named `name` of a Standard state machine:
 * `arn:<partition>:states:<region>:<account>:execution:<stateMachineName>:<name>`. Deterministic,
 * so a resubmitted order (whose StartExecution answers ExecutionAlreadyExists) gets the same ARN
 * back without an extra DescribeExecution call and permission.
 *
 * @throws Error when `stateMachineArn` is not a state machine ARN
 * @example executionArnFor('arn:aws:states:eu-west-1:123456789012:stateMachine:Orders', 'ord_1')
 * // 'arn:aws:states:eu-west-1:123456789012:execution:Orders:ord_1'
 */
export function executionArnFor(stateMachineArn: string, name: string): string {
  const parts = stateMachineArn.split(':');
  const [arn, partition, service, region, account, resourceType, machineName] = parts;
  if (
    parts.length !== 7 ||
    arn !== 'arn' ||
    !partition ||
    service !== 'states' ||
    !region ||
    !account ||
    resourceType !== 'stateMachine' ||
    !machineName
  ) {
    throw new Error(`Not a state machine ARN: "${stateMachineArn}"`);
  }
  return ['arn', partition, 'states', region, account, 'execution', machineName, name].join(':');
}
