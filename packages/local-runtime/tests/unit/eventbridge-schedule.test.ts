/**
 * Schedule expressions, with the examples of "Creating an Amazon EventBridge rule that runs on a
 * schedule" (EventBridge User Guide, eb-create-rule-schedule: rate and cron expressions, the
 * cron wildcards table) and "Schedule types on EventBridge Scheduler" (Scheduler User Guide,
 * schedule-types: rate-based, cron-based, one-time `at` schedules with a time zone).
 */
import { describe, expect, it } from 'vitest';
import { InvalidScheduleExpressionError, parseScheduleExpression } from '@order-flow/local/eventbridge';

const t = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString().replace('.000Z', 'Z'));
/** The next `count` fire times after `from`. */
function fires(expression: string, from: string, count: number, timezone?: string): (string | undefined)[] {
  const schedule = parseScheduleExpression(expression, { allowAt: true, ...(timezone !== undefined && { timezone }) });
  const out: (string | undefined)[] = [];
  let after = t(from);
  for (let i = 0; i < count; i++) {
    const next = schedule.next(after, t(from));
    out.push(iso(next));
    if (next === undefined) break;
    after = next;
  }
  return out;
}

describe('eb-create-rule-schedule: rate expressions', () => {
  it('rate(5 minutes) fires every 5 minutes from the start', () => {
    expect(fires('rate(5 minutes)', '2026-01-01T00:00:00Z', 3)).toEqual(['2026-01-01T00:05:00Z', '2026-01-01T00:10:00Z', '2026-01-01T00:15:00Z']);
  });
  it('rate(1 hour) and rate(7 days)', () => {
    expect(fires('rate(1 hour)', '2026-01-01T00:00:00Z', 1)).toEqual(['2026-01-01T01:00:00Z']);
    expect(fires('rate(7 days)', '2026-01-01T00:00:00Z', 1)).toEqual(['2026-01-08T00:00:00Z']);
  });
  it.each(['rate(1 minutes)', 'rate(5 minute)', 'rate(0 minutes)', 'rate(5 seconds)', 'rate(-1 days)', 'rate(five minutes)'])('refuses %s', (expression) => {
    expect(() => parseScheduleExpression(expression)).toThrow(InvalidScheduleExpressionError);
  });
});

describe('eb-create-rule-schedule: cron expressions (AWS 6 fields, UTC)', () => {
  // Each example fires `expected.length` times after `from`.
  it.each([
    { title: 'cron(0 10 * * ? *): 10:00 every day', expression: 'cron(0 10 * * ? *)', from: '2026-03-01T10:00:00Z', expected: ['2026-03-02T10:00:00Z', '2026-03-03T10:00:00Z'] },
    { title: 'cron(15 12 * * ? *): 12:15 every day', expression: 'cron(15 12 * * ? *)', from: '2026-03-01T00:00:00Z', expected: ['2026-03-01T12:15:00Z'] },
    { title: 'cron(0 12 * * ? *): noon every day', expression: 'cron(0 12 * * ? *)', from: '2026-03-01T12:00:00Z', expected: ['2026-03-02T12:00:00Z'] },
    // 2026-03-06 is a Friday.
    { title: 'cron(0 18 ? * MON-FRI *): 18:00 Monday to Friday', expression: 'cron(0 18 ? * MON-FRI *)', from: '2026-03-06T18:30:00Z', expected: ['2026-03-09T18:00:00Z', '2026-03-10T18:00:00Z'] },
    { title: 'cron(0 8 1 * ? *): 08:00 on the first day of the month', expression: 'cron(0 8 1 * ? *)', from: '2026-03-15T00:00:00Z', expected: ['2026-04-01T08:00:00Z', '2026-05-01T08:00:00Z'] },
    { title: 'cron(0/15 * * * ? *): every 15 minutes', expression: 'cron(0/15 * * * ? *)', from: '2026-03-01T00:07:00Z', expected: ['2026-03-01T00:15:00Z', '2026-03-01T00:30:00Z', '2026-03-01T00:45:00Z'] },
    // Saturday 2026-03-07 23:55 -> Monday 00:00.
    { title: 'cron(0/10 * ? * MON-FRI *): every 10 minutes Monday to Friday', expression: 'cron(0/10 * ? * MON-FRI *)', from: '2026-03-07T23:55:00Z', expected: ['2026-03-09T00:00:00Z'] },
    { title: 'cron(0/5 8-17 ? * MON-FRI *): every 5 minutes between 8:00 and 17:55 on weekdays', expression: 'cron(0/5 8-17 ? * MON-FRI *)', from: '2026-03-09T17:55:00Z', expected: ['2026-03-10T08:00:00Z'] },
    { title: 'cron(0 9 ? * 2#1 *): 9:00 on the first Monday of each month (# wildcard)', expression: 'cron(0 9 ? * 2#1 *)', from: '2026-03-01T00:00:00Z', expected: ['2026-03-02T09:00:00Z', '2026-04-06T09:00:00Z'] },
    { title: 'L in day-of-month: the last day of the month', expression: 'cron(0 0 L * ? *)', from: '2028-02-01T00:00:00Z', expected: ['2028-02-29T00:00:00Z', '2028-03-31T00:00:00Z'] },
    { title: 'L in day-of-week: 6L is the last Friday of the month', expression: 'cron(0 0 ? * 6L *)', from: '2026-03-01T00:00:00Z', expected: ['2026-03-27T00:00:00Z'] },
    { title: 'lists, month names and years: cron(0 0 1 JAN,JUL ? 2027-2028)', expression: 'cron(0 0 1 JAN,JUL ? 2027-2028)', from: '2026-03-01T00:00:00Z', expected: ['2027-01-01T00:00:00Z', '2027-07-01T00:00:00Z', '2028-01-01T00:00:00Z', '2028-07-01T00:00:00Z', undefined] },
  ])('$title', ({ expression, from, expected }) => {
    expect(fires(expression, from, expected.length)).toEqual(expected);
  });
  it('W in day-of-month: 3W is the weekday nearest the 3rd (and LW the last weekday)', () => {
    // 2026-01-03 is a Saturday: the nearest weekday is Friday the 2nd.
    expect(fires('cron(0 0 3W * ? *)', '2026-01-01T00:00:00Z', 1)).toEqual(['2026-01-02T00:00:00Z']);
    // 2026-05-31 is a Sunday: the last weekday of May is Friday the 29th.
    expect(fires('cron(0 0 LW * ? *)', '2026-05-01T00:00:00Z', 1)).toEqual(['2026-05-29T00:00:00Z']);
  });
  it.each([
    'cron(0 12 * * * *)', // both day fields set
    'cron(0 12 ? * ? *)', // neither
    'cron(0 12 * *)', // 4 fields
    'cron(60 12 * * ? *)',
    'cron(0 24 * * ? *)',
    'cron(0 12 ? * 8 *)',
    'cron(0 12 ? * 2#6 *)',
    'cron(0 12 * 13 ? *)',
  ])('refuses %s', (expression) => {
    expect(() => parseScheduleExpression(expression)).toThrow(InvalidScheduleExpressionError);
  });
});

describe('schedule-types: EventBridge Scheduler', () => {
  it('at(2026-11-20T13:00:00) fires once, in UTC by default', () => {
    expect(fires('at(2026-11-20T13:00:00)', '2026-11-01T00:00:00Z', 2)).toEqual(['2026-11-20T13:00:00Z', undefined]);
  });
  it('at() in ScheduleExpressionTimezone America/New_York (EST, UTC-5)', () => {
    expect(fires('at(2026-11-20T13:00:00)', '2026-11-01T00:00:00Z', 1, 'America/New_York')).toEqual(['2026-11-20T18:00:00Z']);
  });
  it('cron in a time zone follows daylight saving time', () => {
    // 08:00 in New York: 12:00Z in summer (EDT), 13:00Z in winter (EST); DST ends 2026-11-01.
    expect(fires('cron(0 8 * * ? *)', '2026-10-31T00:00:00Z', 2, 'America/New_York')).toEqual(['2026-10-31T12:00:00Z', '2026-11-01T13:00:00Z']);
  });
  it('at() is refused for EventBridge rules, and a bad zone is refused', () => {
    expect(() => parseScheduleExpression('at(2026-11-20T13:00:00)')).toThrow(InvalidScheduleExpressionError);
    expect(() => parseScheduleExpression('at(2026-02-30T13:00:00)', { allowAt: true })).toThrow(InvalidScheduleExpressionError);
    expect(() => parseScheduleExpression('rate(5 minutes)', { timezone: 'Mars/Olympus' })).toThrow(/time zone/);
  });
});
