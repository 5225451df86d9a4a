/**
 * Outage windows of the simulated gateway: spans of time during which it answers every call with
 * `PaymentGatewayUnavailable`, as a real remote gateway does during an outage. Configured through
 * `SIMULATED_GATEWAY_OUTAGES` as ISO 8601 time intervals (ISO 8601-1:2019, 5.5.2 "Time
 * interval", the `<start>/<end>` form).
 */
import { SIMULATED_GATEWAY_OUTAGES_ENV } from '../env.js';

/** One outage: the gateway is down from `start` (included) to `end` (excluded), epoch ms. */
export interface OutageWindow {
  readonly start: number;
  readonly end: number;
}

/** What a well-formed value looks like, quoted in every parse error. */
export const OUTAGE_WINDOWS_RULE =
  'a comma-separated list of ISO 8601 time intervals <start>/<end>, each a date-time with seconds optional and an explicit offset ' +
  '(Z, +hh:mm or -hh:mm), start before end, e.g. 2030-01-01T00:10:00Z/2030-01-01T00:40:00Z';

// An explicit offset is required: a zone-less time would mean the reader's local time, which
// differs between a laptop and a Lambda (UTC).
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;

/**
 * Parses an outage list such as `SIMULATED_GATEWAY_OUTAGES`. Unset or blank: no outage.
 * @param variable named in the error, so a misconfigured function says which setting is wrong
 * @throws Error naming `variable`, the offending entry and {@link OUTAGE_WINDOWS_RULE}
 */
export function parseOutageWindows(value: string | undefined, variable = SIMULATED_GATEWAY_OUTAGES_ENV): OutageWindow[] {
  if (value === undefined || value.trim() === '') return [];
  return value.split(',').map((raw) => {
    const entry = raw.trim();
    const fail = (why: string): never => {
      throw new Error(`${variable} must be ${OUTAGE_WINDOWS_RULE}; entry "${entry}" ${why}`);
    };
    const parts = entry.split('/');
    if (parts.length !== 2) return fail('is not <start>/<end>');
    const [start, end] = parts.map((part) => parseDateTime(part) ?? fail(`has "${part}", which is not an ISO 8601 date-time with an offset`));
    if (!(start! < end!)) fail('does not end after it starts');
    return { start: start!, end: end! };
  });
}

/** The window `at` falls in (`start <= at < end`), if any. */
export function outageAt(windows: readonly OutageWindow[], at: Date): OutageWindow | undefined {
  const time = at.getTime();
  return windows.find((window) => window.start <= time && time < window.end);
}

/** `<start>/<end>` of a window, in UTC: what the gateway's error names. */
export function formatOutageWindow(window: OutageWindow): string {
  return `${new Date(window.start).toISOString()}/${new Date(window.end).toISOString()}`;
}

/** Epoch ms of a strict ISO 8601 date-time, or undefined (Date.parse alone accepts Feb 30 and 24:00). */
function parseDateTime(text: string): number | undefined {
  const match = DATE_TIME.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second = '0', zone, offsetHours = '0', offsetMinutes = '0'] = match;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  const validDate = date.getUTCFullYear() === Number(year) && date.getUTCMonth() === Number(month) - 1 && date.getUTCDate() === Number(day);
  const validTime = Number(hour) < 24 && Number(minute) < 60 && Number(second) < 60;
  const validZone = zone === 'Z' || (Number(offsetHours) < 24 && Number(offsetMinutes) < 60);
  if (!validDate || !validTime || !validZone) return undefined;
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? undefined : parsed;
}
