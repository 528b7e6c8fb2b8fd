/**
 * Turns span descriptions and transaction names into grouping keys: the same query or call with
 * different literals and ids must land in one group, or the slow-span and endpoint tables grow a
 * row per user id.
 */

export const MAX_DESCRIPTION_LENGTH = 300;

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const HEX = /^(?:0x)?[0-9a-f]{8,}$/i;
const NUMBER = /^[+-]?\d+(?:[.,]\d+)?$/;
const TOKEN = /^[A-Za-z0-9_-]{12,}$/;

/** True for path segments that are ids: numbers, UUIDs, hex ≥ 8, random tokens (nanoid, cuid). */
export function isIdSegment(segment: string): boolean {
  if (NUMBER.test(segment) || UUID.test(segment) || HEX.test(segment)) return true;
  if (!TOKEN.test(segment)) return false;
  const digits = segment.replace(/\D/g, '').length;
  // Random base62 ids mix cases and digits; route words are lowercase kebab or camelCase
  // with at most one digit ("oauth2-callback", "getUser2fa").
  const mixedCase = /[a-z]/.test(segment) && /[A-Z]/.test(segment);
  return (mixedCase && digits >= 2) || digits >= 4;
}

/** Cuts at `max` UTF-16 units without splitting a surrogate pair. */
export function truncate(text: string, max = MAX_DESCRIPTION_LENGTH): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/** Replaces id-like segments of a path (no query) with `placeholder`. */
function parametrisePath(path: string, placeholder: string): string {
  return path
    .split('/')
    .map((segment) => (segment !== '' && isIdSegment(decodeSafe(segment)) ? placeholder : segment))
    .join('/');
}

function decodeSafe(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** `https://user:pw@host/a/1?q#f` → `https://host/a/*`: no query, fragment or credentials. */
function parametriseUrl(url: string, placeholder: string): string {
  const withoutQuery = url.replace(/[?#].*$/s, '');
  const m = /^([a-z][a-z0-9+.-]*:\/\/)(?:[^/@]*@)?([^/]*)(.*)$/is.exec(withoutQuery);
  if (m) return `${m[1]}${m[2]}${parametrisePath(m[3] ?? '', placeholder)}`;
  return parametrisePath(withoutQuery, placeholder);
}

const looksLikeUrl = (token: string) => token.includes('/') && !token.includes('(');

/** Parametrises every path- or URL-looking whitespace-separated token, leaves the rest. */
function parametriseTokens(text: string, placeholder: string): string {
  return text
    .split(' ')
    .map((token) => (looksLikeUrl(token) ? parametriseUrl(token, placeholder) : token))
    .join(' ');
}

const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * A grouping key for a child span: SQL with literals replaced for `db*` ops, `METHOD URL` with ids
 * and query dropped for `http.client`, otherwise the description with numeric path segments
 * starred. Empty string when there is no description.
 */
export function normalizeSpanDescription(op: string, description: string | null): string {
  if (description === null || description.trim() === '') return '';
  if (/^db(?:\.|$)/.test(op)) return truncate(normalizeSql(description));
  const text = collapse(description);
  if (op === 'http.client' || op.startsWith('http.client.')) {
    const m = /^([A-Z]+) (\S+)$/.exec(text);
    if (m) return truncate(`${m[1]} ${parametriseUrl(m[2] ?? '', '*')}`);
  }
  return truncate(parametriseTokens(text, '*'));
}

/**
 * Parametrises raw URLs in a transaction name (`GET /users/123?tab=1` → `GET /users/:id`) so an SDK
 * that didn't report the route doesn't create one endpoint per id. Already-parametrised names
 * (`GET /users/:id`) and non-path names (`processJob`) are left alone apart from whitespace.
 */
export function normalizeEndpointName(name: string): string {
  const text = collapse(name);
  if (text === '') return '<unlabeled transaction>';
  return truncate(parametriseTokens(text, ':id'));
}

const MAX_SQL_SCAN = 20_000;
const PLACEHOLDER = String.raw`(?:\?|\$\d+|:[A-Za-z_]\w*|@[A-Za-z_]\w*|%s)`;
const IN_LIST = new RegExp(String.raw`\b(IN)\s*\(\s*${PLACEHOLDER}(?:\s*,\s*${PLACEHOLDER})*\s*\)`, 'gi');
const TUPLE = String.raw`\((?:[^()]|\([^()]*\))*\)`;
const VALUES_LIST = new RegExp(String.raw`\b(VALUES)\s*${TUPLE}(?:\s*,\s*${TUPLE})*`, 'gi');

/**
 * SQL grouping key: comments stripped; string, number, hex and boolean literals become `?`;
 * `IN (…)` lists and multi-row `VALUES` collapse; whitespace collapses; keyword case is kept.
 * Quoted identifiers ("col", `col`) and placeholders ($1, :name, ?) are kept.
 */
export function normalizeSql(rawSql: string): string {
  // Bounded work on megabyte queries; the key is cut to 300 characters anyway.
  const sql = rawSql.slice(0, MAX_SQL_SCAN);
  let out = '';
  let i = 0;
  const n = sql.length;
  const prevSignificant = () => out.slice(-64).trimEnd().slice(-1);
  while (i < n) {
    const c = sql.charAt(i);
    const next = sql.charAt(i + 1);
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? n : end;
      out += ' ';
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? n : end + 2;
      out += ' ';
    } else if (c === "'" || (/[NEXBnexb]/.test(c) && next === "'" && !/[\w$]/.test(sql.charAt(i - 1)))) {
      // Backslash escapes only in PostgreSQL E'…' strings; standard SQL only doubles quotes.
      i = c === "'" ? skipQuoted(sql, i, "'", false) : skipQuoted(sql, i + 1, "'", c === 'E' || c === 'e');
      out += '?';
    } else if (c === '"' || c === '`') {
      const end = skipQuoted(sql, i, c, false);
      out += sql.slice(i, end);
      i = end;
    } else if (c === '$' && /[A-Za-z_$]/.test(next) && dollarTag(sql, i) !== null) {
      const tag = dollarTag(sql, i)!;
      const end = sql.indexOf(tag, i + tag.length);
      i = end === -1 ? n : end + tag.length;
      out += '?';
    } else if (c === '$' && /\d/.test(next)) {
      const m = /^\$\d+/.exec(sql.slice(i, i + 12))!;
      out += m[0];
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][\w$]*/.exec(sql.slice(i, i + 256))!;
      out += /^(true|false)$/i.test(m[0]) ? '?' : m[0];
      i += m[0].length;
    } else if (/\d/.test(c) || (c === '.' && /\d/.test(next)) || ((c === '-' || c === '+') && /[\d.]/.test(next) && isOperandStart(prevSignificant()))) {
      const m = /^[+-]?(?:0x[0-9a-f]+|\d*\.?\d+(?:e[+-]?\d+)?)/i.exec(sql.slice(i, i + 64));
      if (m && m[0] !== '' && m[0] !== '-' && m[0] !== '+') {
        out += '?';
        i += m[0].length;
      } else {
        out += c;
        i += 1;
      }
    } else {
      out += c;
      i += 1;
    }
  }
  return collapse(out).replace(IN_LIST, '$1 (...)').replace(VALUES_LIST, '$1 (...)');
}

/** Index just past a quoted run starting at `start`; doubled quotes (and backslashes if asked) escape. */
function skipQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql.charAt(i);
    if (c === '\\' && backslashEscapes) i += 2;
    else if (c === quote && sql.charAt(i + 1) === quote) i += 2;
    else if (c === quote) return i + 1;
    else i += 1;
  }
  return sql.length;
}

/** `$$` or `$tag$` opening a PostgreSQL dollar-quoted string at `i`, else null. */
function dollarTag(sql: string, i: number): string | null {
  const m = /^\$(?:[A-Za-z_][\w]*)?\$/.exec(sql.slice(i, i + 66));
  return m ? m[0] : null;
}

/** A sign belongs to a number literal after an operator, an opening bracket, a comma or nothing. */
function isOperandStart(prev: string): boolean {
  return prev === '' || /[(,=<>!+\-*/%|&^~]/.test(prev);
}
