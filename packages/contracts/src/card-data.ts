/**
 * Card-number (PAN) detection: the one normalisation the API guard, the step validators and the
 * PAN scan of tables, logs, events and histories all use, so no identifier, token or log line
 * carries card data.
 *
 * How a value is read:
 * 1. every Unicode decimal digit (fullwidth `４`, Arabic-Indic `٤`, ...) counts as its ASCII digit;
 * 2. digits separated by single separators (`-`, `_`, `.`, `/`, `:`, or a space) form one
 *    sequence of groups: `4242_4242_4242_4242`, `4242-4242-4242-4242-1` and
 *    `tok_4242 4242 4242 4242` all hold a 16-digit run; letters and other characters end a
 *    sequence. Separate groups count together only in the groupings cards are written in
 *    (4-4-4-4..., Amex 4-6-5), so numbers side by side in a log line (`took 4940 9259 34294 ms`)
 *    or the all-digit parts of a UUID (`...-4782-8968-848019...`) are not read as one;
 * 3. any window of consecutive groups whose digits, leading zeros stripped, are 13-19 digits,
 *    start with an issuer digit 2-6 and pass the Luhn check is a card number. The issuer digit
 *    keeps epoch-millisecond timestamps (13 digits starting with 1) from counting as cards.
 *    Windows, not every substring: a substring scan would find a Luhn-valid run in most long
 *    numbers (each window passes Luhn one time in ten) and refuse ordinary ids; so digits glued
 *    to a card without a separator (`94242424242424242`) are not recognised.
 */
const SEPARATOR = /^[ \-_./:]$/;

/** Luhn checksum (ISO/IEC 7812): true when `digits` is a well-formed card number. */
export function luhnValid(digits: string): boolean {
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

/** True when `text` contains a card number (see the module's rules). */
export function containsCardNumber(text: string): boolean {
  return findCardNumbers(text).length > 0;
}

/**
 * Every card number in `text`, as ASCII digits without leading zeros: each window of consecutive
 * digit groups of a sequence is read as one number (so a card followed by `-1`, or written in
 * any grouping, is still found).
 */
export function findCardNumbers(text: string): string[] {
  const found: string[] = [];
  for (const { groups } of digitSequences(text)) {
    for (let start = 0; start < groups.length; start++) {
      let digits = '';
      for (let end = start; end < groups.length; end++) {
        digits += groups[end];
        const significant = digits.replace(/^0+/, '');
        if (significant.length > 19) break;
        const window = groups.slice(start, end + 1);
        if (window.length > 1 && !cardGrouping(window)) continue;
        if (significant.length >= 13 && /^[2-6]/.test(significant) && luhnValid(significant)) found.push(significant);
      }
    }
  }
  return found;
}

/**
 * How cards are written when split: groups of four (the last may be shorter), or Amex's 4-6-5 /
 * 4-6-4; leading zeros of the first group do not count (`0004242-4242-4242-4242`).
 */
function cardGrouping(groups: readonly string[]): boolean {
  const trimmed = [groups[0]!.replace(/^0+/, ''), ...groups.slice(1)];
  const lengths = trimmed.map((group) => group.length).join('-');
  if (lengths === '4-6-5' || lengths === '4-6-4') return true;
  return trimmed.slice(0, -1).every((group) => group.length === 4) && trimmed.at(-1)!.length <= 4;
}

/** The digit sequences of `text`: runs of digits split by single separators. */
function digitSequences(text: string): { groups: string[] }[] {
  const sequences: { groups: string[] }[] = [];
  let groups: string[] = [];
  let group = '';
  let pending: string | undefined;
  const close = () => {
    if (group !== '') groups.push(group);
    if (groups.length > 0) sequences.push({ groups });
    groups = [];
    group = '';
    pending = undefined;
  };
  for (const char of text) {
    const digit = asciiDigit(char);
    if (digit !== undefined) {
      if (pending !== undefined) {
        groups.push(group);
        group = '';
        pending = undefined;
      }
      group += digit;
    } else if (SEPARATOR.test(char) && group !== '' && pending === undefined) {
      pending = char;
    } else {
      close();
    }
  }
  close();
  return sequences;
}

const DECIMAL_DIGIT = /^\p{Nd}$/u;

/** The ASCII digit a Unicode decimal digit stands for (runs of \p{Nd} come in blocks of ten). */
function asciiDigit(char: string): string | undefined {
  if (char >= '0' && char <= '9') return char;
  if (!DECIMAL_DIGIT.test(char)) return undefined;
  const code = char.codePointAt(0)!;
  let zero = code;
  while (DECIMAL_DIGIT.test(String.fromCodePoint(zero - 1))) zero--;
  return String((code - zero) % 10);
}
