/**
 * Rules and targets on the local bus: "Transforming target input" (EventBridge User Guide,
 * eb-transform-target-input, and the API Reference's InputTransformer examples), delivery to
 * Lambda / Step Functions / event bus targets, scheduled rules on a virtual clock, and
 * "EventBridge events for Step Functions execution status changes" (Step Functions Developer
 * Guide, cw-events).
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '@order-flow/step-functions';
import { LocalEventBridge, type TargetHandlers } from '@order-flow/local/eventbridge';
import { compileEventPattern } from '@order-flow/local/eventbridge';
import type { EventRule, RuleTarget } from '@order-flow/local/eventbridge';
import { parseScheduleExpression } from '@order-flow/local/eventbridge';
import { executionStatusChangeEvent } from '@order-flow/local/eventbridge';
import { targetInput } from '@order-flow/local/eventbridge';

const event = {
  version: '0',
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '123456789012',
  time: '2015-11-11T21:29:54Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
  detail: { 'instance-id': 'i-0123456789', state: 'RUNNING' },
};
const context = { ruleArn: 'arn:aws:events:us-east-1:123456789012:rule/r', ruleName: 'r', ingestionTime: '2015-11-11T21:29:55Z' };
const paths = { instance: '$.detail.instance-id', state: '$.detail.state' };

describe('eb-transform-target-input', () => {
  it('sends the whole event without Input, InputPath or InputTransformer', () => {
    expect(targetInput({}, event, context)).toEqual(event);
  });
  it('Input: constant JSON text', () => {
    expect(targetInput({ input: '{"fixed":true}' }, event, context)).toEqual({ fixed: true });
  });
  it('InputPath: the part of the event at the path', () => {
    expect(targetInput({ inputPath: '$.detail' }, event, context)).toEqual(event.detail);
    expect(targetInput({ inputPath: '$.resources[0]' }, event, context)).toBe(event.resources[0]);
  });
  it('JSON template, variables out of quotes: string values get their quotes', () => {
    expect(targetInput({ inputTransformer: { inputPathsMap: paths, inputTemplate: '{"instance" : <instance>, "state": <state>}' } }, event, context)).toEqual({ instance: 'i-0123456789', state: 'RUNNING' });
  });
  it('JSON template, variables inside strings', () => {
    expect(targetInput({ inputTransformer: { inputPathsMap: paths, inputTemplate: '{"instance" : "<instance> is in <state>"}' } }, event, context)).toEqual({ instance: 'i-0123456789 is in RUNNING' });
  });
  it('string template in quotes: the target gets a JSON string', () => {
    expect(targetInput({ inputTransformer: { inputPathsMap: paths, inputTemplate: '"instance <instance> is in <state>"' } }, event, context)).toBe('instance i-0123456789 is in RUNNING');
  });
  it('API Reference InputTransformer examples: plain text, escaped quotes, and mixed JSON', () => {
    const map = { instance: '$.detail.instance-id', status: '$.detail.state' };
    expect(targetInput({ inputTransformer: { inputPathsMap: map, inputTemplate: '<instance> is in state <status>' } }, event, context)).toBe('i-0123456789 is in state RUNNING');
    expect(targetInput({ inputTransformer: { inputPathsMap: map, inputTemplate: '"<instance> is in state \\"<status>\\""' } }, event, context)).toBe('i-0123456789 is in state "RUNNING"');
    expect(targetInput({ inputTransformer: { inputPathsMap: map, inputTemplate: '{"myInstance": <instance>,"myStatus": "<instance> is in state \\"<status>\\""}' } }, event, context)).toEqual({
      myInstance: 'i-0123456789',
      myStatus: 'i-0123456789 is in state "RUNNING"',
    });
  });
  it('predefined variables: rule arn and name, ingestion time, the original event (and as JSON text)', () => {
    const out = targetInput(
      { inputTransformer: { inputTemplate: '{"rule": <aws.events.rule-name>, "arn": "<aws.events.rule-arn>", "at": <aws.events.event.ingestion-time>, "event": <aws.events.event>, "text": "<aws.events.event.json>"}' } },
      event,
      context,
    ) as Record<string, unknown>;
    expect(out).toEqual({ rule: 'r', arn: context.ruleArn, at: context.ingestionTime, event, text: JSON.stringify(event) });
  });
  it('objects and numbers keep their JSON type out of quotes; a missing path is null', () => {
    const out = targetInput({ inputTransformer: { inputPathsMap: { d: '$.detail', r: '$.resources', none: '$.detail.nope' }, inputTemplate: '{"d": <d>, "r": <r>, "none": <none>}' } }, event, context);
    expect(out).toEqual({ d: event.detail, r: event.resources, none: null });
  });
});

function harness(retries?: number) {
  const clock = new VirtualClock(Date.parse('2026-01-01T00:00:00Z'));
  const calls: { arn: string; payload: unknown }[] = [];
  const executions: { arn: string; input: string }[] = [];
  let failNext = 0;
  const handlers: TargetHandlers = {
    clock,
    invokeFunction: (arn, payload) => {
      calls.push({ arn, payload });
      if (failNext > 0) {
        failNext--;
        return Promise.resolve({ ok: false, error: { errorType: 'Error', errorMessage: 'boom' } });
      }
      return Promise.resolve({ ok: true, result: { seen: payload } });
    },
    startExecution: (arn, input) => {
      executions.push({ arn, input });
      return { executionArn: `${arn.replace(':stateMachine:', ':execution:')}:e${executions.length}` };
    },
  };
  const bridge = new LocalEventBridge({ eventBuses: ['orders'], ...(retries !== undefined && { lambdaRetryAttempts: retries }) });
  bridge.connect(handlers);
  return { bridge, clock, calls, executions, failTimes: (n: number) => (failNext = n) };
}

const fnArn = 'arn:aws:lambda:us-east-1:000000000000:function:handler';
const smArn = 'arn:aws:states:us-east-1:000000000000:stateMachine:flow';
const target = (id: string, arn: string, input: RuleTarget['input'] = {}): RuleTarget => ({ id, arn, kind: arn.includes(':lambda:') ? 'lambda' : arn.includes(':states:') ? 'stepfunctions' : 'eventbus', input });
const rule = (name: string, busName: string, pattern: unknown, targets: RuleTarget[], extra: Partial<EventRule> = {}): EventRule => ({
  name,
  arn: `arn:aws:events:us-east-1:000000000000:rule/${name}`,
  busName,
  state: 'ENABLED',
  pattern: compileEventPattern(pattern),
  targets,
  ...extra,
});
const put = (bridge: LocalEventBridge, detail: Record<string, unknown>, bus = 'orders') =>
  bridge.putEvents({ Entries: [{ Source: 'shop.orders', DetailType: 'OrderPlaced', Detail: JSON.stringify(detail), EventBusName: bus }] });

describe('LocalEventBridge rules and targets', () => {
  it('delivers a matching event to a Lambda target with the transformed input, and a non-matching one nowhere', async () => {
    const { bridge, calls } = harness();
    bridge.addRule(rule('big-orders', 'orders', { source: ['shop.orders'], detail: { total: [{ numeric: ['>=', 100] }] } }, [target('fn', fnArn, { inputTransformer: { inputPathsMap: { id: '$.detail.orderId' }, inputTemplate: '{"orderId": <id>}' } })]));
    const hit = put(bridge, { orderId: 'o-1', total: 250 });
    const miss = put(bridge, { orderId: 'o-2', total: 5 });
    await bridge.idle();
    expect(calls).toEqual([{ arn: fnArn, payload: { orderId: 'o-1' } }]);
    const hitId = (hit.Entries[0] as { EventId: string }).EventId;
    const missId = (miss.Entries[0] as { EventId: string }).EventId;
    expect(bridge.deliveries()).toMatchObject([{ rule: 'big-orders', targetId: 'fn', eventId: hitId, status: 'succeeded', attempts: 1, result: { seen: { orderId: 'o-1' } } }]);
    expect(bridge.eventsWithDeliveries().map((e) => [e.event.id, e.matchedRules])).toEqual([
      [hitId, ['big-orders']],
      [missId, []],
    ]);
  });

  it('ignores disabled rules and rules of other buses', async () => {
    const { bridge, calls } = harness();
    bridge.addRule(rule('off', 'orders', { source: ['shop.orders'] }, [target('fn', fnArn)], { state: 'DISABLED' }));
    bridge.addRule(rule('default-bus', 'default', { source: ['shop.orders'] }, [target('fn', fnArn)]));
    put(bridge, { orderId: 'o-1' });
    await bridge.idle();
    expect(calls).toEqual([]);
  });

  it('starts a state machine execution with the event (or InputPath) as input', () => {
    const { bridge, executions } = harness();
    bridge.addRule(rule('to-sfn', 'orders', { 'detail-type': ['OrderPlaced'] }, [target('sm', smArn, { inputPath: '$.detail' })]));
    put(bridge, { orderId: 'o-9' });
    expect(executions).toEqual([{ arn: smArn, input: '{"orderId":"o-9"}' }]);
    expect(bridge.deliveries()[0]).toMatchObject({ status: 'succeeded', executionArn: `${smArn.replace(':stateMachine:', ':execution:')}:e1` });
  });

  it('re-puts the event on another bus, whose rules then see it', async () => {
    const { bridge, calls } = harness();
    bridge.addRule(rule('forward', 'orders', { source: ['shop.orders'] }, [target('bus', 'arn:aws:events:us-east-1:000000000000:event-bus/default')]));
    bridge.addRule(rule('on-default', 'default', { source: ['shop.orders'] }, [target('fn', fnArn, { inputPath: '$.detail' })]));
    put(bridge, { orderId: 'o-3' });
    await bridge.idle();
    expect(bridge.recorder.list().map((r) => r.busName)).toEqual(['orders', 'default']);
    expect(calls).toEqual([{ arn: fnArn, payload: { orderId: 'o-3' } }]);
  });

  it('records a Lambda error without throwing to the publisher, after Lambda-style async retries on the clock', async () => {
    const { bridge, calls, failTimes, clock } = harness();
    failTimes(5);
    bridge.addRule(rule('fails', 'orders', { source: ['shop.orders'] }, [target('fn', fnArn)]));
    const started = clock.now();
    const response = put(bridge, { orderId: 'o-4' });
    expect(response.FailedEntryCount).toBe(0);
    await bridge.idle();
    expect(calls).toHaveLength(3);
    expect(bridge.deliveries()[0]).toMatchObject({ status: 'failed', attempts: 3, error: { type: 'Error', message: 'boom' } });
    expect(clock.now() - started).toBeGreaterThanOrEqual(180_000);
  });

  it('succeeds on a retry (and retries can be turned off)', async () => {
    const first = harness();
    first.failTimes(1);
    first.bridge.addRule(rule('r', 'orders', { source: ['shop.orders'] }, [target('fn', fnArn)]));
    put(first.bridge, {});
    await first.bridge.idle();
    expect(first.bridge.deliveries()[0]).toMatchObject({ status: 'succeeded', attempts: 2 });
    const none = harness(0);
    none.failTimes(1);
    none.bridge.addRule(rule('r', 'orders', { source: ['shop.orders'] }, [target('fn', fnArn)]));
    put(none.bridge, {});
    await none.bridge.idle();
    expect(none.bridge.deliveries()[0]).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it('fires a rate(5 minutes) rule 12 times in a virtual hour with AWS scheduled events', async () => {
    const { bridge, clock, calls } = harness();
    const start = clock.now();
    bridge.addRule({ ...rule('tick', 'default', { source: ['x'] }, [target('fn', fnArn)]), pattern: undefined, schedule: parseScheduleExpression('rate(5 minutes)') });
    const wall = Date.now();
    bridge.startSchedules();
    await clock.sleep(3_600_000 + 1_000);
    bridge.stop();
    await bridge.idle();
    expect(Date.now() - wall).toBeLessThan(1_000);
    const fired = bridge.recorder.list({ detailType: 'Scheduled Event' }).filter((r) => Date.parse(r.event.time) <= start + 3_600_000);
    expect(fired).toHaveLength(12);
    expect(fired[0]!.event).toMatchObject({ source: 'aws.events', 'detail-type': 'Scheduled Event', resources: ['arn:aws:events:us-east-1:000000000000:rule/tick'], detail: {} });
    expect(calls.length).toBeGreaterThanOrEqual(12);
  });

  it('publishes aws.* events from services but refuses them in PutEvents', () => {
    const { bridge } = harness();
    expect(bridge.putEvents({ Entries: [{ Source: 'aws.states', DetailType: 'x', Detail: '{}' }] }).FailedEntryCount).toBe(1);
    expect(() => bridge.publish('nope', { ...event, detail: {} } as never)).toThrow(/does not exist/);
  });
});

describe('cw-events: Step Functions Execution Status Change', () => {
  const base = {
    executionArn: 'arn:aws:states:us-east-1:123456789012:execution:state-machine-name:execution-name',
    stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:state-machine',
    name: 'execution-name',
    startDate: new Date(1551225014968),
    input: '{}',
  };
  const env = { accountId: '123456789012', region: 'us-east-1' };

  it('RUNNING: no stopDate, output, outputDetails, error or cause', () => {
    const e = executionStatusChangeEvent({ ...base, status: 'RUNNING' }, env, 'id-1');
    expect(e).toEqual({
      version: '0',
      id: 'id-1',
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      account: '123456789012',
      time: '2019-02-26T23:50:14Z',
      region: 'us-east-1',
      resources: [base.executionArn],
      detail: {
        executionArn: base.executionArn,
        stateMachineArn: base.stateMachineArn,
        name: 'execution-name',
        status: 'RUNNING',
        startDate: 1551225014968,
        stopDate: null,
        input: '{}',
        output: null,
        inputDetails: { included: true },
        outputDetails: null,
        error: null,
        cause: null,
      },
    });
  });

  it('SUCCEEDED carries the output; FAILED error and cause; TIMED_OUT and ABORTED their stop date', () => {
    const stopDate = new Date(1551225017000);
    expect(executionStatusChangeEvent({ ...base, status: 'SUCCEEDED', stopDate, output: '{"ok":1}' }, env).detail).toMatchObject({ status: 'SUCCEEDED', stopDate: 1551225017000, output: '{"ok":1}', outputDetails: { included: true } });
    expect(executionStatusChangeEvent({ ...base, status: 'FAILED', stopDate, error: 'States.TaskFailed', cause: 'boom' }, env).detail).toMatchObject({ status: 'FAILED', output: null, error: 'States.TaskFailed', cause: 'boom' });
    for (const status of ['TIMED_OUT', 'ABORTED']) {
      expect(executionStatusChangeEvent({ ...base, status, stopDate }, env)).toMatchObject({ time: '2019-02-26T23:50:17Z', detail: { status, stopDate: 1551225017000 } });
    }
  });

  it('publishExecutionStatusChange puts it on the default bus, where rules match it', () => {
    const { bridge, executions } = harness();
    bridge.addRule(rule('on-failure', 'default', { source: ['aws.states'], 'detail-type': ['Step Functions Execution Status Change'], detail: { status: ['FAILED', 'TIMED_OUT'] } }, [target('sm', smArn, { inputPath: '$.detail' })]));
    bridge.publishExecutionStatusChange({ ...base, status: 'RUNNING' });
    const recorded = bridge.publishExecutionStatusChange({ ...base, status: 'FAILED', stopDate: new Date(), error: 'E', cause: 'C' });
    expect(recorded.matchedRules).toEqual(['on-failure']);
    expect(executions).toHaveLength(1);
    expect(JSON.parse(executions[0]!.input)).toMatchObject({ status: 'FAILED', error: 'E' });
  });
});
