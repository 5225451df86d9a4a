import { describe, expect, it } from 'vitest';
import { OUTAGE_WINDOWS_RULE, formatOutageWindow, outageAt, parseOutageWindows } from '../../src/adapters/outage-windows.js';

const at = (iso: string) => new Date(iso);

describe('parseOutageWindows (SIMULATED_GATEWAY_OUTAGES)', () => {
  it('reads nothing from an unset or blank value: no outage', () => {
    expect(parseOutageWindows(undefined)).toEqual([]);
    expect(parseOutageWindows('')).toEqual([]);
    expect(parseOutageWindows('  ')).toEqual([]);
  });

  it('reads comma-separated <start>/<end> intervals, spaces around entries allowed', () => {
    expect(parseOutageWindows('2030-01-01T00:10:00Z/2030-01-01T00:40:00Z, 2030-01-02T00:00Z/2030-01-02T01:00:00.500Z')).toEqual([
      { start: Date.parse('2030-01-01T00:10:00Z'), end: Date.parse('2030-01-01T00:40:00Z') },
      { start: Date.parse('2030-01-02T00:00:00Z'), end: Date.parse('2030-01-02T01:00:00.500Z') },
    ]);
  });

  it('honours an explicit offset', () => {
    expect(parseOutageWindows('2030-01-01T02:00:00+02:00/2030-01-01T00:30:00-00:30')).toEqual([
      { start: Date.parse('2030-01-01T00:00:00Z'), end: Date.parse('2030-01-01T01:00:00Z') },
    ]);
  });

  it.each([
    ['not an interval', '2030-01-01T00:10:00Z', 'is not <start>/<end>'],
    ['three parts', '2030-01-01T00:10:00Z/2030-01-01T00:20:00Z/2030-01-01T00:30:00Z', 'is not <start>/<end>'],
    ['an empty entry (trailing comma)', '2030-01-01T00:10:00Z/2030-01-01T00:20:00Z,', 'entry "" is not <start>/<end>'],
    ['no offset (local time)', '2030-01-01T00:10:00/2030-01-01T00:20:00Z', 'has "2030-01-01T00:10:00"'],
    ['a date only', '2030-01-01/2030-01-02', 'has "2030-01-01"'],
    ['a duration end (not supported)', '2030-01-01T00:10:00Z/PT30M', 'has "PT30M"'],
    ['February 30th', '2030-02-30T00:00:00Z/2030-03-01T00:00:00Z', 'has "2030-02-30T00:00:00Z"'],
    ['hour 24', '2030-01-01T24:00:00Z/2030-01-02T01:00:00Z', 'has "2030-01-01T24:00:00Z"'],
    ['second 60', '2030-01-01T00:00:60Z/2030-01-02T01:00:00Z', 'has "2030-01-01T00:00:60Z"'],
    ['an empty window', '2030-01-01T00:10:00Z/2030-01-01T00:10:00Z', 'does not end after it starts'],
    ['an end before its start', '2030-01-01T00:40:00Z/2030-01-01T00:10:00Z', 'does not end after it starts'],
  ])('refuses %s, naming the variable, the entry and the rule', (_, value, why) => {
    const parse = () => parseOutageWindows(value);
    expect(parse).toThrow(`SIMULATED_GATEWAY_OUTAGES must be ${OUTAGE_WINDOWS_RULE}`);
    expect(parse).toThrow(why);
  });

  it('names the variable it was given', () => {
    expect(() => parseOutageWindows('soon', 'MY_OUTAGES')).toThrow(/^MY_OUTAGES must be /);
  });
});

describe('outageAt', () => {
  const windows = parseOutageWindows('2030-01-01T00:10:00Z/2030-01-01T00:40:00Z,2030-01-01T01:00:00Z/2030-01-01T01:05:00Z');

  it('finds the window a moment falls in: start included, end excluded', () => {
    expect(outageAt(windows, at('2030-01-01T00:10:00.000Z'))).toBe(windows[0]);
    expect(outageAt(windows, at('2030-01-01T00:25:00Z'))).toBe(windows[0]);
    expect(outageAt(windows, at('2030-01-01T00:39:59.999Z'))).toBe(windows[0]);
    expect(outageAt(windows, at('2030-01-01T01:04:00Z'))).toBe(windows[1]);
  });

  it('finds none before, between and after the windows', () => {
    expect(outageAt(windows, at('2030-01-01T00:09:59.999Z'))).toBeUndefined();
    expect(outageAt(windows, at('2030-01-01T00:40:00.000Z'))).toBeUndefined();
    expect(outageAt(windows, at('2030-01-01T00:50:00Z'))).toBeUndefined();
    expect(outageAt(windows, at('2030-01-01T01:05:00Z'))).toBeUndefined();
    expect(outageAt([], at('2030-01-01T00:25:00Z'))).toBeUndefined();
  });

  it('formats a window as its UTC interval', () => {
    expect(formatOutageWindow(windows[0]!)).toBe('2030-01-01T00:10:00.000Z/2030-01-01T00:40:00.000Z');
  });
});
