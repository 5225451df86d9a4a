/**
 * Schedule expressions of EventBridge rules and EventBridge Scheduler (Amazon EventBridge User
 * Guide, "Creating an Amazon EventBridge rule that runs on a schedule"; EventBridge Scheduler
 * User Guide, "Schedule types on EventBridge Scheduler"): `rate(value unit)`, AWS's 6-field
 * `cron(minutes hours day-of-month month day-of-week year)` with `? L W #`, and Scheduler's
 * one-time `at(yyyy-mm-ddThh:mm:ss)`; cron and at in an IANA time zone (UTC by default).
 */

/** A schedule expression EventBridge refuses (AWS: `ValidationException`). */
export class InvalidScheduleExpressionError extends Error {
  override readonly name = 'ValidationException';
}

/** A parsed schedule: the first fire time strictly after a given time. */
export interface Schedule {
  readonly expression: string;
  readonly kind: 'rate' | 'cron' | 'at';
  /**
   * The first fire time after `after` (epoch ms), or undefined when there is none (a past `at`,
   * a cron whose years are over). A rate counts from `start` (the schedule's creation).
   */
  next(after: number, start: number): number | undefined;
}

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/**
 * Parses a schedule expression.
 *
 * @param options.allowAt whether `at(...)` is allowed (Scheduler only)
 * @param options.timezone IANA zone of cron and at expressions @default 'UTC'
 * @throws InvalidScheduleExpressionError
 */
export function parseScheduleExpression(expression: string, options: { allowAt?: boolean; timezone?: string } = {}): Schedule {
  const timezone = options.timezone ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw new InvalidScheduleExpressionError(`Invalid time zone ${JSON.stringify(timezone)}`);
  }
  const rate = /^rate\((.*)\)$/.exec(expression.trim());
  if (rate) {
    const match = /^\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*$/.exec(rate[1]!);
    if (!match) throw new InvalidScheduleExpressionError(`Invalid rate expression ${JSON.stringify(expression)}: use rate(value unit), unit minute(s), hour(s) or day(s)`);
    const value = Number(match[1]);
    const unit = match[2]!;
    if (value < 1) throw new InvalidScheduleExpressionError(`Invalid rate expression ${JSON.stringify(expression)}: the value must be a positive integer`);
    if ((value === 1) !== !unit.endsWith('s')) throw new InvalidScheduleExpressionError(`Invalid rate expression ${JSON.stringify(expression)}: use the singular unit for 1 and the plural otherwise`);
    const period = value * UNIT_MS[unit.replace(/s$/, '')]!;
    return { expression, kind: 'rate', next: (after, start) => start + (Math.floor(Math.max(0, after - start) / period) + 1) * period };
  }
  const cron = /^cron\((.*)\)$/.exec(expression.trim());
  if (cron) {
    const spec = parseCron(cron[1]!, expression);
    return { expression, kind: 'cron', next: (after) => nextCron(spec, after, timezone) };
  }
  const at = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(expression.trim());
  if (at && options.allowAt) {
    const [y, mo, d, h, mi, s] = at.slice(1).map(Number) as [number, number, number, number, number, number];
    const check = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
    if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) throw new InvalidScheduleExpressionError(`Invalid at expression ${JSON.stringify(expression)}`);
    const when = zonedToEpoch(y, mo, d, h, mi, s, timezone);
    return { expression, kind: 'at', next: (after) => (when > after ? when : undefined) };
  }
  throw new InvalidScheduleExpressionError(
    `Invalid schedule expression ${JSON.stringify(expression)}: use rate(value unit), cron(minutes hours day-of-month month day-of-week year)${options.allowAt ? ' or at(yyyy-mm-ddThh:mm:ss)' : ''}`,
  );
}

// --- cron -------------------------------------------------------------------------------------

interface CronSpec {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly years: ReadonlySet<number>;
  /** Whether the day is allowed, given the local date. */
  readonly day: (year: number, month: number, date: number) => boolean;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

function parseCron(body: string, expression: string): CronSpec {
  const fail = (reason: string) => new InvalidScheduleExpressionError(`Invalid cron expression ${JSON.stringify(expression)}: ${reason}`);
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) throw fail('AWS cron has 6 fields: minutes hours day-of-month month day-of-week year');
  const [minutes, hours, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?')) throw fail('exactly one of day-of-month and day-of-week must be ?');
  const domDay = dom === '?' ? undefined : dayOfMonth(dom, fail);
  const dowDay = dow === '?' ? undefined : dayOfWeek(dow, fail);
  return {
    minutes: values(minutes, 0, 59, 'minutes', fail),
    hours: values(hours, 0, 23, 'hours', fail),
    months: values(month, 1, 12, 'month', fail, MONTHS, 1),
    years: values(year, 1970, 2199, 'year', fail),
    day: (domDay ?? dowDay)!,
  };
}

/** `*`, `a`, `a-b`, `a/n`, `*\/n`, `a-b/n`, comma lists; names (JAN, MON) where given. */
function values(field: string, min: number, max: number, name: string, fail: (r: string) => Error, names?: readonly string[], nameBase = 0): Set<number> {
  const out = new Set<number>();
  const num = (text: string): number => {
    const index = names?.indexOf(text.toUpperCase()) ?? -1;
    const value = index >= 0 ? index + nameBase : /^\d+$/.test(text) ? Number(text) : NaN;
    if (!(value >= min && value <= max)) throw fail(`${JSON.stringify(text)} is not a valid ${name} value (${min}-${max})`);
    return value;
  };
  for (const part of field.split(',')) {
    const [range, stepText] = part.split('/') as [string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw fail(`invalid increment in ${JSON.stringify(part)}`);
    let from: number;
    let to: number;
    if (range === '*') [from, to] = [min, max];
    else if (range.includes('-')) {
      const [a, b] = range.split('-') as [string, string];
      [from, to] = [num(a), num(b)];
    } else {
      from = num(range);
      to = stepText === undefined ? from : max;
    }
    if (from <= to) for (let v = from; v <= to; v += step) out.add(v);
    else {
      // A wrapping range (FRI-MON, NOV-FEB).
      const span = max - min + 1;
      for (let i = 0; i <= to - from + span; i += step) out.add(((from - min + i) % span) + min);
    }
  }
  return out;
}

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
const weekday = (year: number, month: number, date: number) => new Date(Date.UTC(year, month - 1, date)).getUTCDay();

function dayOfMonth(field: string, fail: (r: string) => Error): CronSpec['day'] {
  if (field === 'L') return (y, m, d) => d === daysIn(y, m);
  if (field === 'LW') {
    return (y, m, d) => {
      let last = daysIn(y, m);
      while (weekday(y, m, last) === 0 || weekday(y, m, last) === 6) last--;
      return d === last;
    };
  }
  const w = /^(\d{1,2})W$/.exec(field);
  if (w) {
    const target = Number(w[1]);
    if (target < 1 || target > 31) throw fail(`${field} is not a valid day-of-month`);
    return (y, m, d) => {
      const dim = daysIn(y, m);
      const t = Math.min(target, dim);
      const day = weekday(y, m, t);
      // Nearest weekday in the same month (AWS/Quartz semantics).
      let nearest = t;
      if (day === 6) nearest = t === 1 ? 3 : t - 1;
      else if (day === 0) nearest = t === dim ? t - 2 : t + 1;
      return d === nearest;
    };
  }
  const set = values(field, 1, 31, 'day-of-month', fail);
  return (_y, _m, d) => set.has(d);
}

function dayOfWeek(field: string, fail: (r: string) => Error): CronSpec['day'] {
  // AWS numbers days 1-7 from SUN; JS getUTCDay is 0-6 from Sunday.
  const dayNum = (text: string): number => {
    const index = DAYS.indexOf(text.toUpperCase());
    const value = index >= 0 ? index + 1 : /^\d$/.test(text) ? Number(text) : NaN;
    if (!(value >= 1 && value <= 7)) throw fail(`${JSON.stringify(text)} is not a valid day-of-week (1-7 or SUN-SAT)`);
    return value;
  };
  if (field === 'L') return (y, m, d) => weekday(y, m, d) === 6;
  const last = /^(\w+)L$/.exec(field);
  if (last) {
    const wanted = dayNum(last[1]!) - 1;
    return (y, m, d) => weekday(y, m, d) === wanted && d + 7 > daysIn(y, m);
  }
  const nth = /^(\w+)#(\d)$/.exec(field);
  if (nth) {
    const wanted = dayNum(nth[1]!) - 1;
    const n = Number(nth[2]);
    if (n < 1 || n > 5) throw fail(`${field}: the occurrence after # must be 1-5`);
    return (y, m, d) => weekday(y, m, d) === wanted && Math.ceil(d / 7) === n;
  }
  const set = values(field, 1, 7, 'day-of-week', fail, DAYS, 1);
  return (y, m, d) => set.has(weekday(y, m, d) + 1);
}

function nextCron(spec: CronSpec, after: number, timezone: string): number | undefined {
  const local = zonedParts(after, timezone);
  const minutes = [...spec.minutes].sort((a, b) => a - b);
  const hours = [...spec.hours].sort((a, b) => a - b);
  // Walk local calendar days (at most ~8 years: enough for any Feb 29 or #5 combination).
  const cursor = new Date(Date.UTC(local.year, local.month - 1, local.day));
  for (let i = 0; i < 366 * 8; i++, cursor.setUTCDate(cursor.getUTCDate() + 1)) {
    const y = cursor.getUTCFullYear();
    const m = cursor.getUTCMonth() + 1;
    const d = cursor.getUTCDate();
    if (y > 2199) return undefined;
    if (!spec.years.has(y) || !spec.months.has(m) || !spec.day(y, m, d)) continue;
    for (const h of hours) {
      for (const mi of minutes) {
        const when = zonedToEpoch(y, m, d, h, mi, 0, timezone);
        if (when > after) return when;
      }
    }
  }
  return undefined;
}

// --- time zones -------------------------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>();

function zonedParts(epoch: number, timezone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  let format = formatters.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timezone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(epoch)).map((p) => [p.type, p.value]));
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour) % 24, minute: Number(parts.minute), second: Number(parts.second) };
}

/** Epoch ms of a wall-clock time in `timezone` (a time skipped by DST moves forward). */
export function zonedToEpoch(year: number, month: number, day: number, hour: number, minute: number, second: number, timezone: string): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  if (timezone === 'UTC' || timezone === 'Etc/UTC') return wall;
  const offsetAt = (epoch: number) => {
    const p = zonedParts(epoch, timezone);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(epoch / 1000) * 1000;
  };
  let guess = wall - offsetAt(wall);
  const second_ = wall - offsetAt(guess);
  if (second_ !== guess) guess = Math.max(guess, second_);
  return guess;
}
