/**
 * Event patterns, with the examples of the Amazon EventBridge User Guide (section named in each
 * test): "Amazon EventBridge event patterns" (eb-event-patterns), "Comparison operators for use
 * in event patterns" (eb-create-pattern-operators), "Matching null values and empty strings"
 * (eb-event-patterns-null-values), "Event patterns arrays" (eb-event-patterns-arrays). Each
 * positive example has a negative control.
 */
import { describe, expect, it } from 'vitest';
import { compileEventPattern, InvalidEventPatternError, matchesEventPattern } from '@order-flow/local/eventbridge';

const ec2Event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};
const withDetail = (detail: Record<string, unknown>) => ({ ...ec2Event, detail });
const match = (pattern: unknown, event: unknown) => matchesEventPattern(pattern, event);
/** Whether `pattern` matches the example event with each of `details` as its detail, in order. */
const matchDetails = (pattern: unknown, details: Record<string, unknown>[]) => details.map((detail) => match(pattern, withDetail(detail)));

describe('eb-event-patterns: matching values', () => {
  it('matches the EC2 state-change example on source, detail-type and detail.state', () => {
    const pattern = { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: ['terminated'] } };
    expect(match(pattern, ec2Event)).toBe(true);
    expect(match(pattern, withDetail({ state: 'running' }))).toBe(false);
    expect(match({ ...pattern, source: ['aws.s3'] }, ec2Event)).toBe(false);
  });

  it('treats the values of a field as OR and the fields as AND', () => {
    expect(match({ detail: { state: ['running', 'terminated'] } }, ec2Event)).toBe(true);
    expect(match({ source: ['aws.ec2'], detail: { state: ['running'] } }, ec2Event)).toBe(false);
  });

  it('matches a pattern field only when the event has it (a missing field is no match)', () => {
    expect(match({ detail: { missing: ['x'] } }, ec2Event)).toBe(false);
  });

  it('matches exact values case-sensitively and numbers numerically, never a number against a string', () => {
    expect(match({ detail: { state: ['Terminated'] } }, ec2Event)).toBe(false);
    expect(match({ detail: { n: [300] } }, withDetail({ n: 3.0e2 }))).toBe(true);
    expect(match({ detail: { n: [300] } }, withDetail({ n: '300' }))).toBe(false);
    expect(match({ detail: { flag: [true] } }, withDetail({ flag: true }))).toBe(true);
    expect(match({ detail: { flag: [true] } }, withDetail({ flag: 'true' }))).toBe(false);
  });

  it('does not match a nested pattern against a leaf, nor a leaf list against an object', () => {
    expect(match({ detail: { state: { name: ['terminated'] } } }, ec2Event)).toBe(false);
    expect(match({ detail: ['x'] }, ec2Event)).toBe(false);
  });
});

describe('eb-event-patterns-arrays', () => {
  const event = {
    ...ec2Event,
    resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f', 'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f', 'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f'],
  };

  it('matches when any element of the event array is one of the pattern values', () => {
    expect(match({ resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f', 'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f'] }, event)).toBe(true);
    expect(match({ resources: ['arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f', 'arn:aws:ec2:us-east-1:555566667777:instance/i-b188560f'] }, event)).toBe(true);
    expect(match({ resources: ['arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f'] }, event)).toBe(false);
  });

  it('matches a nested pattern against an array of objects when one element matches all its fields', () => {
    const items = withDetail({ items: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 5 }] });
    expect(match({ detail: { items: { sku: ['b'], qty: [5] } } }, items)).toBe(true);
    expect(match({ detail: { items: { sku: ['a'], qty: [5] } } }, items)).toBe(false);
  });
});

describe('eb-event-patterns-null-values', () => {
  const event = withDetail({ eventVersion: '', responseElements: null, name: 'x' });

  it('matches null values with [null]', () => {
    expect(match({ detail: { responseElements: [null] } }, event)).toBe(true);
    expect(match({ detail: { name: [null] } }, event)).toBe(false);
  });

  it('matches empty strings with [""]', () => {
    expect(match({ detail: { eventVersion: [''] } }, event)).toBe(true);
    expect(match({ detail: { name: [''] } }, event)).toBe(false);
  });

  it('does not match a missing field with null or ""', () => {
    expect(match({ detail: { absent: [null] } }, event)).toBe(false);
    expect(match({ detail: { absent: [''] } }, event)).toBe(false);
  });
});

describe('eb-create-pattern-operators', () => {
  it('Prefix matching: "time": [{"prefix": "2017-10-02"}]', () => {
    const pattern = { time: [{ prefix: '2017-10-02' }] };
    expect(match(pattern, { ...ec2Event, time: '2017-10-02T18:43:48Z' })).toBe(true);
    expect(match(pattern, { ...ec2Event, time: '2017-10-03T18:43:48Z' })).toBe(false);
  });

  it('Prefix matching while ignoring case: {"prefix": {"equals-ignore-case": "EventB"}}', () => {
    const pattern = { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } };
    for (const service of ['EventBridge', 'EVENTBRIDGE', 'eventbridge']) expect(match(pattern, withDetail({ service }))).toBe(true);
    expect(match(pattern, withDetail({ service: 'Lambda' }))).toBe(false);
  });

  it('Suffix matching: "FileName": [{"suffix": ".png"}]', () => {
    const pattern = { detail: { FileName: [{ suffix: '.png' }] } };
    expect(match(pattern, withDetail({ FileName: 'image.png' }))).toBe(true);
    expect(match(pattern, withDetail({ FileName: 'image.PNG' }))).toBe(false);
  });

  it('Suffix matching while ignoring case: {"suffix": {"equals-ignore-case": ".png"}}', () => {
    const pattern = { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } };
    expect(match(pattern, withDetail({ FileName: 'image.png' }))).toBe(true);
    expect(match(pattern, withDetail({ FileName: 'image.PNG' }))).toBe(true);
    expect(match(pattern, withDetail({ FileName: 'image.jpg' }))).toBe(false);
  });

  it('Equals-ignore-case matching: "detail-type": [{"equals-ignore-case": "ec2 instance state-change notification"}]', () => {
    const pattern = { 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] };
    expect(match(pattern, ec2Event)).toBe(true);
    expect(match(pattern, { ...ec2Event, 'detail-type': 'EC2 Spot Instance Interruption Warning' })).toBe(false);
    expect(match({ detail: { Name: [{ 'equals-ignore-case': 'alice' }] } }, withDetail({ Name: 'Alice' }))).toBe(true);
  });

  it('Anything-but matching: a string, a list of strings, a list of numbers', () => {
    expect(match({ detail: { state: [{ 'anything-but': 'initializing' }] } }, withDetail({ state: 'pending' }))).toBe(true);
    expect(match({ detail: { state: [{ 'anything-but': 'initializing' }] } }, withDetail({ state: 'initializing' }))).toBe(false);
    const list = { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } };
    expect(match(list, withDetail({ state: 'attacked' }))).toBe(true);
    expect(match(list, withDetail({ state: 'stopped' }))).toBe(false);
    const numbers = { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } };
    expect(match(numbers, withDetail({ 'x-limit': 301.8 }))).toBe(true);
    expect(match(numbers, withDetail({ 'x-limit': 200 }))).toBe(false);
  });

  it('Anything-but does not match a missing field', () => {
    expect(match({ detail: { state: [{ 'anything-but': 'initializing' }] } }, withDetail({}))).toBe(false);
  });

  it('Anything-but with an array in the event matches when some element is not excluded', () => {
    const pattern = { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } };
    expect(match(pattern, withDetail({ state: ['stopped', 'running'] }))).toBe(true);
    expect(match(pattern, withDetail({ state: ['stopped', 'overloaded'] }))).toBe(false);
  });

  it('Anything-but (begins with): "Region": [{"anything-but": {"prefix": "us-"}}]', () => {
    const pattern = { region: [{ 'anything-but': { prefix: 'us-' } }] };
    expect(match(pattern, { ...ec2Event, region: 'eu-west-1' })).toBe(true);
    expect(match(pattern, { ...ec2Event, region: 'us-east-1' })).toBe(false);
  });

  it('Anything-but (ends with): "FileName": [{"anything-but": {"suffix": ".png"}}]', () => {
    const pattern = { detail: { FileName: [{ 'anything-but': { suffix: '.png' } }] } };
    expect(match(pattern, withDetail({ FileName: 'notes.txt' }))).toBe(true);
    expect(match(pattern, withDetail({ FileName: 'image.png' }))).toBe(false);
  });

  it('Anything-but (ignore case): {"anything-but": {"equals-ignore-case": ["Stopped", "OverLoaded"]}}', () => {
    const pattern = { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'OverLoaded'] } }] } };
    expect(match(pattern, withDetail({ state: 'running' }))).toBe(true);
    expect(match(pattern, withDetail({ state: 'STOPPED' }))).toBe(false);
    expect(match(pattern, withDetail({ state: 'overloaded' }))).toBe(false);
    const single = { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] } };
    expect(match(single, withDetail({ state: 'INITIALIZING' }))).toBe(false);
  });

  it('Anything-but using a wildcard: "FilePath": [{"anything-but": {"wildcard": "*/lib/*"}}] and a list', () => {
    const pattern = { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } };
    expect(match(pattern, withDetail({ FilePath: '/usr/bin/tool' }))).toBe(true);
    expect(match(pattern, withDetail({ FilePath: '/usr/lib/tool' }))).toBe(false);
    const list = { detail: { FilePath: [{ 'anything-but': { wildcard: ['*/lib/*', '*/bin/*'] } }] } };
    expect(match(list, withDetail({ FilePath: '/usr/share/doc' }))).toBe(true);
    expect(match(list, withDetail({ FilePath: '/usr/bin/tool' }))).toBe(false);
  });

  it('Numeric matching: c-count > 0 and <= 5, d-count < 10, x-limit = 3.018e2', () => {
    const pattern = { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }], 'd-count': [{ numeric: ['<', 10] }], 'x-limit': [{ numeric: ['=', 3.018e2] }] } };
    const details = [
      { 'c-count': 5, 'd-count': 7, 'x-limit': 301.8 },
      { 'c-count': 0, 'd-count': 7, 'x-limit': 301.8 },
      { 'c-count': 5, 'd-count': 10, 'x-limit': 301.8 },
      { 'c-count': 5, 'd-count': 7, 'x-limit': '301.8' },
    ];
    expect(matchDetails(pattern, details)).toEqual([true, false, false, false]);
    expect(matchDetails({ detail: { Price: [{ numeric: ['>', 10, '<=', 20] }] } }, [{ Price: 20 }, { Price: 10 }])).toEqual([true, false]);
  });

  it('IP address matching: "sourceIPAddress": [{"cidr": "10.0.0.0/24"}], and IPv6', () => {
    const v4 = matchDetails({ detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } }, [{ sourceIPAddress: '10.0.0.255' }, { sourceIPAddress: '10.0.1.1' }]);
    expect(v4).toEqual([true, false]);
    const v6 = matchDetails({ detail: { sourceIPAddress: [{ cidr: '2001:db8::/64' }] } }, [
      { sourceIPAddress: '2001:db8::ff:1' },
      { sourceIPAddress: '2001:db8:0:1::1' },
      { sourceIPAddress: '10.0.0.1' },
    ]);
    expect(v6).toEqual([true, false, false]);
  });

  it('Exists matching: {"exists": true} and {"exists": false}, on leaves only', () => {
    const present = withDetail({ 'c-count': 3, nested: { a: 1 } });
    expect(match({ detail: { 'c-count': [{ exists: true }] } }, present)).toBe(true);
    expect(match({ detail: { 'c-count': [{ exists: false }] } }, present)).toBe(false);
    expect(match({ detail: { 'd-count': [{ exists: false }] } }, present)).toBe(true);
    expect(match({ detail: { 'd-count': [{ exists: true }] } }, present)).toBe(false);
    // "Exists matching only works on leaf nodes. It does not work on intermediate nodes."
    expect(match({ detail: { nested: [{ exists: true }] } }, present)).toBe(false);
    expect(match({ detail: { ProductName: [{ exists: false }] } }, withDetail({}))).toBe(true);
  });

  it('Wildcard matching: "EventBusArn": [{"wildcard": "arn:aws:events:us-east-1:*:event-bus/*"}]', () => {
    const busArns = ['arn:aws:events:us-east-1:123456789012:event-bus/orders', 'arn:aws:events:eu-west-1:123456789012:event-bus/orders'];
    const pattern = { detail: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] } };
    expect(matchDetails(pattern, busArns.map((EventBusArn) => ({ EventBusArn })))).toEqual([true, false]);
    expect(matchDetails({ detail: { FileName: [{ wildcard: 'dir/*.png' }] } }, [{ FileName: 'dir/image.png' }, { FileName: 'other/image.png' }])).toEqual([true, false]);
    expect(matchDetails({ detail: { v: [{ wildcard: 'a\\*b' }] } }, [{ v: 'a*b' }, { v: 'axb' }])).toEqual([true, false]);
  });

  it('$or matching: c-count, d-count or x-limit', () => {
    const pattern = { detail: { $or: [{ 'c-count': [{ numeric: ['>', 0, '<=', 5] }] }, { 'd-count': [{ numeric: ['<', 10] }] }, { 'x-limit': [{ numeric: ['=', 3.018e2] }] }] } };
    expect(matchDetails(pattern, [{ 'c-count': 20, 'd-count': 3 }, { 'x-limit': 301.8 }, { 'c-count': 20, 'd-count': 30 }])).toEqual([true, true, false]);
  });

  it('$or at the top level combines with the other fields (AND)', () => {
    const pattern = { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }] };
    const base = { ...ec2Event, source: 'aws.cloudwatch' };
    expect(match(pattern, { ...base, metricName: 'ReadLatency' })).toBe(true);
    expect(match(pattern, { ...base, namespace: 'AWS/ES' })).toBe(true);
    expect(match(pattern, { ...base, metricName: 'Other' })).toBe(false);
    expect(match(pattern, { ...ec2Event, metricName: 'ReadLatency' })).toBe(false);
  });

  it('$or nested inside an alternative of another $or', () => {
    const pattern = { detail: { $or: [{ a: ['1'] }, { $or: [{ b: ['2'] }, { c: ['3'] }] }] } };
    expect(match(pattern, withDetail({ c: '3' }))).toBe(true);
    expect(match(pattern, withDetail({ d: '4' }))).toBe(false);
  });
});

describe('invalid patterns are refused with a reason (and the rule named)', () => {
  const invalid: [string, unknown][] = [
    ['not JSON', '{"source": '],
    ['not an object', ['aws.ec2']],
    ['an empty pattern', {}],
    ['a leaf that is not an array', { source: 'aws.ec2' }],
    ['an empty array', { source: [] }],
    ['an unknown operator', { source: [{ contains: 'ec2' }] }],
    ['two operators in one matcher', { source: [{ prefix: 'a', suffix: 'b' }] }],
    ['a numeric range without numbers', { detail: { n: [{ numeric: ['>', 'x'] }] } }],
    ['an inverted numeric range', { detail: { n: [{ numeric: ['>', 10, '<', 5] }] } }],
    ['an unknown numeric operator', { detail: { n: [{ numeric: ['!=', 1] }] } }],
    ['exists that is not a boolean', { detail: { n: [{ exists: 'yes' }] } }],
    ['a malformed CIDR', { detail: { ip: [{ cidr: '10.0.0.0/33' }] } }],
    ['consecutive wildcards', { detail: { f: [{ wildcard: 'a**b' }] } }],
    ['$or with one alternative', { $or: [{ source: ['a'] }] }],
    ['anything-but with mixed types', { source: [{ 'anything-but': ['a', 1] }] }],
    ['anything-but with an unknown operator', { source: [{ 'anything-but': { numeric: ['>', 1] } }] }],
    ['prefix that is not a string', { source: [{ prefix: 1 }] }],
  ];
  it.each(invalid)('refuses %s', (_, pattern) => {
    expect(() => compileEventPattern(pattern, 'Rule Stack/OrdersRule')).toThrow(InvalidEventPatternError);
    expect(() => compileEventPattern(pattern, 'Rule Stack/OrdersRule')).toThrow(/^Rule Stack\/OrdersRule: Event pattern is not valid\. Reason: /);
  });

  it('accepts a pattern given as JSON text', () => {
    expect(compileEventPattern('{"source":["aws.ec2"]}').matches(ec2Event)).toBe(true);
  });
});
