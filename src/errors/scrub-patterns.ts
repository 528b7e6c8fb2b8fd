/** What a scrubbed value is replaced with, as Sentry writes it. */
export const FILTERED = '[Filtered]';

/** Luhn checksum, as every payment card number carries. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** ISO 13616 check: move the country code and check digits to the end, letters to numbers, mod 97 = 1. */
export function ibanValid(compact: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(compact)) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    // Letters become two digits (A = 10); fold them in one at a time to stay within safe integers.
    remainder = code >= 65 ? (remainder * 100 + code - 55) % 97 : (remainder * 10 + code - 48) % 97;
  }
  return remainder === 1;
}

/**
 * The length of the longest prefix of `match` that is a valid number, trying the whole match first and
 * then cutting at separators (so "4111 1111 1111 1111 12" still finds the card). 0 when none is.
 */
function validPrefixLength(match: string, separators: string, valid: (compact: string) => boolean): number {
  const compact = (text: string) => [...text].filter((ch) => !separators.includes(ch)).join('');
  if (valid(compact(match))) return match.length;
  for (let end = match.length - 1; end > 0; end--) {
    if (separators.includes(match.charAt(end)) && valid(compact(match.slice(0, end)))) return end;
  }
  return 0;
}

// Issuer prefixes start with 2-6 (Mastercard 2/5, Amex/Diners/JCB 3, Visa 4, Discover/UnionPay 6), which
// keeps epoch-millisecond timestamps (1…) and most other long numbers from being taken for cards.
const CARD = /(?<![\w.-])[2-6]\d{3}(?:[ -]?\d){9,15}(?!\w)/g;
const IBAN = /(?<!\w)[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?!\w)/g;
const BEARER = /\b(bearer)(\s+)([\w\-.~+/]+=*)/gi;
// The lookbehind (not \b) and the bounded scheme keep this linear: with \b, "a.a.a.a…" made every
// letter a start and the scan quadratic (seconds for 80 KB).
const URL_PASSWORD = /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]{0,31}:\/\/)([^\s:@/?#]{0,256}):([^\s@/?#]{1,256})@/gi;
const ASSIGNMENT = /(^|[?&;\s])([\w.\-[\]]+)=([^&#;\s]+)/g;
/** One quick test every secret pattern below needs to pass; most strings fail it and cost nothing more. */
const MAYBE_SECRET = /[=@]|earer|EARER|PRIVATE KEY|\d\d/;
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g;

/** Longest string the patterns scan; longer ones are cut first (normalisation keeps less anyway). */
const MAX_SCANNED = 64 * 1024;

function filterValid(text: string, pattern: RegExp, separators: string, valid: (compact: string) => boolean): string {
  return text.replace(pattern, (match) => {
    const length = validPrefixLength(match, separators, valid);
    return length === 0 ? match : FILTERED + match.slice(length);
  });
}

const cardValid = (digits: string) => digits.length >= 13 && digits.length <= 19 && luhnValid(digits);

function countDigits(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

/**
 * Replaces secrets inside a string: card numbers (Luhn-valid), IBANs (mod-97-valid), `Bearer` tokens,
 * passwords in URLs (`https://user:pass@`), `name=value` pairs whose name is sensitive (query strings,
 * form bodies, log lines) and PEM private keys. Cheap checks run first so ordinary strings cost little.
 */
export function scrubString(text: string, isSensitiveKey: (key: string) => boolean): string {
  if (text.length < 6 || !MAYBE_SECRET.test(text)) return text;
  // Normalisation keeps at most 16 KiB of any string; scanning megabytes first would only cost time.
  let out = text.length > MAX_SCANNED ? text.slice(0, MAX_SCANNED) : text;
  if (out.includes('PRIVATE KEY')) out = out.replace(PRIVATE_KEY, FILTERED);
  if (out.includes('://') && out.includes('@')) out = out.replace(URL_PASSWORD, `$1$2:${FILTERED}@`);
  if (out.includes('=')) {
    out = out.replace(ASSIGNMENT, (whole, lead: string, name: string) => (isSensitiveKey(name) ? `${lead}${name}=${FILTERED}` : whole));
  }
  if (out.includes('earer') || out.includes('EARER')) {
    out = out.replace(BEARER, (whole, word: string, space: string, token: string) => {
      // "Bearer <anything>" is an Authorization value; lower-case "bearer of bad news" is prose unless the
      // next word looks like a token.
      const tokenLike = word === 'Bearer' || word === 'BEARER' || /[\d\-.~+/=A-Z_]/.test(token) || token.length >= 16;
      return tokenLike ? `${word}${space}${FILTERED}` : whole;
    });
  }
  const digits = /\d\d/.test(out) ? countDigits(out) : 0;
  if (digits >= 4 && /[A-Z]{2}\d{2}/.test(out)) out = filterValid(out, IBAN, ' ', ibanValid);
  if (digits >= 13) out = filterValid(out, CARD, ' -', cardValid);
  return out;
}

/** A card number sent as a JSON number (up to 16 digits survive as exact integers). */
export function isCardNumber(value: number): boolean {
  if (!Number.isSafeInteger(value) || value < 2e12) return false;
  const digits = String(value);
  return /^[2-6]/.test(digits) && cardValid(digits);
}
