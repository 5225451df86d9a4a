/**
 * `new Date(ms).toISOString()`, without paying for a full date formatting on every call: the
 * engine stamps every state it enters (`$$.State.EnteredTime`), and `toISOString` costs about as
 * much as a whole Pass state otherwise does. The text up to the second is kept and reused while
 * calls stay in the same second (they nearly always do on a virtual clock or a busy engine).
 */
let cachedSecond = Number.NaN;
let cachedPrefix = '';

/** ISO 8601 text of an epoch-millisecond time, as `Date.prototype.toISOString` writes it. */
export function isoTime(ms: number): string {
  // Date drops fractions of a millisecond (TimeClip truncates); a jittered retry can produce one.
  const whole = Math.trunc(ms);
  const second = Math.floor(whole / 1000);
  if (second !== cachedSecond) {
    const text = new Date(second * 1000).toISOString();
    // Drop "000Z"; also right for six-digit years (`+010000-01-01T00:00:00.000Z`).
    cachedPrefix = text.slice(0, -4);
    cachedSecond = second;
  }
  const millis = whole - second * 1000;
  return `${cachedPrefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}
