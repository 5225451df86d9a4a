/**
 * What the console never shows: values under secret-looking keys and card numbers (PANs) in any
 * string. The runtime knows nothing of the app, so the rules are generic; they run only on what
 * a page asks for, never per execution.
 */

/** Keys whose values are replaced by {@link REDACTED}, whatever they hold. */
const SECRET_KEY = /(secret|password|passwd|credential|authorization|api[-_]?key|private[-_]?key|session[-_]?token|^cvc$|^cvv\d?$|card[-_]?number|^pan$)/i;

/** What a hidden value reads as. */
export const REDACTED = '[redacted]';

/** 13-19 digits, optionally grouped by single spaces or dashes (how card numbers are written). */
const DIGIT_RUN = /\d(?:[ -]?\d){12,18}/g;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * Masks every card-number-shaped run (13-19 digits, issuer digit 2-6, Luhn-valid) to its last
 * four digits: `4242424242424242` -> `************4242`.
 */
export function maskCardNumbers(text: string): string {
  if (!/\d{4}/.test(text)) return text;
  return text.replace(DIGIT_RUN, (run) => {
    const digits = run.replace(/[ -]/g, '');
    if (!/^[2-6]/.test(digits) || !luhn(digits)) return run;
    return `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
  });
}

/**
 * A JSON-safe copy of `value` without secrets or card numbers: secret keys hidden, strings
 * masked, Sets as arrays and bytes as base64 (as DynamoDB's JSON shows them).
 */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 64) return '[too deep]';
  if (typeof value === 'string') return maskCardNumbers(value);
  // A card number stored as a number is hidden whole (masking would change its type).
  if (typeof value === 'number' && value >= 1e12 && maskCardNumbers(String(value)) !== String(value)) return REDACTED;
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Set) return [...value].map((item) => redact(item, depth + 1));
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = SECRET_KEY.test(key) ? REDACTED : redact(item, depth + 1);
  return out;
}

/**
 * `text` is JSON (an execution's input, a state's output): redacts inside it and returns JSON
 * text again; text that is not JSON is only masked.
 */
export function redactJsonText(text: string): string {
  try {
    return JSON.stringify(redact(JSON.parse(text)));
  } catch {
    return maskCardNumbers(text);
  }
}

/** A history event with every JSON field of its details redacted (input, output, parameters, cause). */
export function redactHistoryEvent(event: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith('EventDetails') && value !== null && typeof value === 'object') {
      const details: Record<string, unknown> = {};
      for (const [field, inner] of Object.entries(value as Record<string, unknown>)) {
        details[field] = typeof inner === 'string' && ['input', 'output', 'parameters', 'cause'].includes(field) ? redactJsonText(inner) : redact(inner);
      }
      out[key] = details;
    } else {
      out[key] = value instanceof Date ? value.toISOString() : value;
    }
  }
  return out;
}
