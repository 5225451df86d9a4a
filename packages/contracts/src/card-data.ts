/**
 * Card-number (PAN) detection, so no identifier or token can carry card data into a table, a
 * log, an execution name or an event. A PAN here is 13-19 digits (single spaces or dashes allowed
 * between them) starting with an issuer digit 2-6 and passing the Luhn check. The issuer digit
 * keeps epoch-millisecond timestamps (13 digits starting with 1) from being mistaken for cards.
 */
const CANDIDATE = /(?:\d[ -]?){12,18}\d/g;

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

/** True when `text` contains something shaped like a real card number. */
export function containsCardNumber(text: string): boolean {
  for (const match of text.matchAll(CANDIDATE)) {
    const digits = match[0].replace(/[ -]/g, '');
    if (digits.length >= 13 && digits.length <= 19 && /^[2-6]/.test(digits) && luhnValid(digits)) return true;
  }
  return false;
}
