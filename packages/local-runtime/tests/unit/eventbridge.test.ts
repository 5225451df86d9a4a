import { describe, expect, it } from 'vitest';
import { EventBridgeValidationError, EventRecorder, LocalEventBridge, type EventBridgeEvent } from '@order-flow/local/eventbridge';

const NOW = new Date('2026-11-25T10:20:30.456Z');
const event = (n: number, overrides: Partial<EventBridgeEvent> = {}): EventBridgeEvent => ({
  version: '0',
  id: `id-${n}`,
  'detail-type': 'T',
  source: 's',
  account: '000000000000',
  time: NOW.toISOString(),
  region: 'us-east-1',
  resources: [],
  detail: { n },
  ...overrides,
});

describe('EventRecorder', () => {
  it('lists events oldest first, filtered by bus, detail type and source', () => {
    const recorder = new EventRecorder();
    recorder.record('default', event(1, { 'detail-type': 'OrderConfirmed', source: 'orders' }));
    recorder.record('orders-bus', event(2, { 'detail-type': 'OrderConfirmed', source: 'orders' }));
    recorder.record('orders-bus', event(3, { 'detail-type': 'OrderFailed', source: 'payments' }));
    expect(recorder.list().map((r) => r.event.id)).toEqual(['id-1', 'id-2', 'id-3']);
    expect(recorder.list({ busName: 'orders-bus' }).map((r) => r.event.id)).toEqual(['id-2', 'id-3']);
    expect(recorder.list({ detailType: 'OrderConfirmed', busName: 'orders-bus' }).map((r) => r.event.id)).toEqual(['id-2']);
    expect(recorder.list({ source: 'payments' }).map((r) => r.event.id)).toEqual(['id-3']);
    recorder.clear();
    expect(recorder.list()).toEqual([]);
  });

  it('keeps only the newest events once full (10,000 by default)', () => {
    const recorder = new EventRecorder(3);
    for (let n = 1; n <= 5; n++) recorder.record('default', event(n));
    expect(recorder.list().map((r) => r.event.id)).toEqual(['id-3', 'id-4', 'id-5']);
    expect(new EventRecorder().capacity).toBe(10_000);
    expect(() => new EventRecorder(0)).toThrow(RangeError);
  });

  it('notifies listeners until they unsubscribe; a throwing listener does not break recording', () => {
    const recorder = new EventRecorder();
    const seen: string[] = [];
    recorder.onEvent(() => {
      throw new Error('listener bug');
    });
    const stop = recorder.onEvent((r) => seen.push(`${r.busName}:${r.event.id}`));
    recorder.record('default', event(1));
    stop();
    recorder.record('default', event(2));
    expect(seen).toEqual(['default:id-1']);
    expect(recorder.size).toBe(2);
  });
});

describe('LocalEventBridge.putEvents', () => {
  const bridge = () => new LocalEventBridge({ eventBuses: ['orders-bus'], now: () => NOW, accountId: '111122223333', region: 'eu-west-1' });

  it('records the envelope EventBridge delivers to targets', () => {
    const local = bridge();
    const response = local.putEvents({
      Entries: [{ Source: 'orders', DetailType: 'OrderConfirmed', Detail: '{"orderId":"o-1"}', EventBusName: 'orders-bus', Resources: ['arn:x'] }],
    });
    const [recorded] = local.recorder.list();
    expect(response).toEqual({ Entries: [{ EventId: recorded!.event.id }], FailedEntryCount: 0 });
    expect(recorded).toEqual({
      busName: 'orders-bus',
      event: {
        version: '0',
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        'detail-type': 'OrderConfirmed',
        source: 'orders',
        account: '111122223333',
        time: '2026-11-25T10:20:30Z',
        region: 'eu-west-1',
        resources: ['arn:x'],
        detail: { orderId: 'o-1' },
      },
    });
  });

  it('accepts a bus ARN, the default bus when none is named, an object Detail and an explicit Time', () => {
    const local = bridge();
    local.putEvents({
      Entries: [
        { Source: 's', DetailType: 'A', Detail: { a: 1 }, EventBusName: 'arn:aws:events:eu-west-1:111122223333:event-bus/orders-bus' },
        { Source: 's', DetailType: 'B', Detail: '{}', Time: 1_700_000_000 },
        { Source: 's', DetailType: 'C', Detail: '{}', Time: new Date('2020-01-02T03:04:05.999Z') },
      ],
    });
    expect(local.recorder.list().map((r) => [r.busName, r.event['detail-type'], r.event.time, r.event.detail])).toEqual([
      ['orders-bus', 'A', '2026-11-25T10:20:30Z', { a: 1 }],
      ['default', 'B', '2023-11-14T22:13:20Z', {}],
      ['default', 'C', '2020-01-02T03:04:05Z', {}],
    ]);
  });

  it('fails bad entries one by one like AWS and still puts the good ones', () => {
    const local = bridge();
    const response = local.putEvents({
      Entries: [
        { DetailType: 'T', Detail: '{}' },
        { Source: 's', Detail: '{}' },
        { Source: 's', DetailType: 'T' },
        { Source: 's', DetailType: 'T', Detail: '[1,2]' },
        { Source: 's', DetailType: 'T', Detail: 'not json' },
        { Source: 's', DetailType: 'T', Detail: '{}', EventBusName: 'nope' },
        { Source: 'aws.ec2', DetailType: 'T', Detail: '{}' },
        { Source: 's', DetailType: 'T', Detail: '{"ok":true}' },
      ],
    });
    expect(response.FailedEntryCount).toBe(7);
    expect(response.Entries.slice(0, 7)).toEqual([
      { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.' },
      { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.' },
      { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.' },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'ResourceNotFoundException', ErrorMessage: 'Event bus nope does not exist.' },
      { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source aws.ec2.' },
    ]);
    expect(response.Entries[7]).toHaveProperty('EventId');
    expect(local.recorder.list().map((r) => r.event.detail)).toEqual([{ ok: true }]);
  });

  it('rejects the whole request for no entries, more than 10, or over 256 KB', () => {
    const local = bridge();
    const entry = { Source: 's', DetailType: 'T', Detail: '{}' };
    expect(() => local.putEvents({})).toThrow(EventBridgeValidationError);
    expect(() => local.putEvents({ Entries: [] })).toThrow(/greater than or equal to 1/);
    expect(() => local.putEvents({ Entries: Array.from({ length: 11 }, () => entry) })).toThrow(/less than or equal to 10/);
    expect(() => local.putEvents({ Entries: [{ ...entry, Detail: JSON.stringify({ big: 'x'.repeat(256 * 1024) }) }] })).toThrow(/over the limit/);
    expect(local.recorder.size).toBe(0);
  });
});
