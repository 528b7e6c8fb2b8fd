export const JSON_OPERATORS = ['==', '!=', '>', '<', '>=', '<=', 'contains', 'exists'] as const;
export type JsonOperator = (typeof JSON_OPERATORS)[number];

export interface JsonAssertion {
  /** 'data.status', 'items[0].ok', 'headers["x-id"]'; a leading '$.' is allowed. */
  readonly path: string;
  readonly operator: JsonOperator;
  /** Required for every operator but 'exists'. */
  readonly expected?: string | undefined;
}

type Segment = string | number;

// One segment at a time: `.name` (or a bare first name), `[12]`, `["any key"]` / `['any key']`.
const SEGMENT = /^(?:\.?([^.[\]"']+)|\[(\d+)\]|\[(["'])(.*?)\3\])/;

/** Splits a simple dot/bracket path into keys and indexes; null when it is not one. */
export function parseJsonPath(path: string): Segment[] | null {
  let rest = path.trim().replace(/^\$(?=\.|\[|$)/, '');
  if (rest.startsWith('.')) rest = rest.slice(1);
  if (rest === '') return [];
  const segments: Segment[] = [];
  while (rest !== '') {
    const match = SEGMENT.exec(rest);
    if (!match) return null;
    // A name takes a leading dot exactly when it follows another segment: 'a.b', 'a[0].b', not 'a[0]b'.
    if (match[1] !== undefined && match[0].startsWith('.') !== segments.length > 0) return null;
    segments.push(match[1] ?? (match[2] !== undefined ? Number(match[2]) : (match[4] ?? '')));
    rest = rest.slice(match[0].length);
  }
  return segments;
}

function lookup(root: unknown, segments: readonly Segment[]): { found: boolean; value: unknown } {
  let value = root;
  for (const segment of segments) {
    if (typeof segment === 'number') {
      if (!Array.isArray(value) || segment >= value.length) return { found: false, value: undefined };
      value = value[segment] as unknown;
    } else {
      if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, segment)) {
        return { found: false, value: undefined };
      }
      value = (value as Record<string, unknown>)[segment];
    }
  }
  return { found: true, value };
}

/** A short JSON rendering of a value for messages. */
function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** Equality between a JSON value and the configured text: numbers numerically, true/false/null by name. */
function equalsExpected(actual: unknown, expected: string): boolean {
  if (typeof actual === 'string') return actual === expected;
  if (typeof actual === 'number') return toNumber(expected) === actual;
  if (typeof actual === 'boolean' || actual === null) return String(actual) === expected.trim().toLowerCase();
  return JSON.stringify(actual) === expected;
}

/**
 * Evaluates an assertion against parsed JSON. Returns null when it holds, else the failure sentence
 * ('JSON assertion failed: data.status is "degraded", expected == "ok"').
 */
export function checkJsonAssertion(document: unknown, assertion: JsonAssertion): string | null {
  const segments = parseJsonPath(assertion.path);
  if (segments === null) return `JSON assertion failed: invalid path ${assertion.path}`;
  const { found, value } = lookup(document, segments);
  if (!found) return `JSON assertion failed: ${assertion.path} not found`;
  if (assertion.operator === 'exists') return null;
  const expected = assertion.expected ?? '';
  const fail = (): string => `JSON assertion failed: ${assertion.path} is ${show(value)}, expected ${assertion.operator} ${show(expected)}`;
  switch (assertion.operator) {
    case '==':
      return equalsExpected(value, expected) ? null : fail();
    case '!=':
      return equalsExpected(value, expected) ? fail() : null;
    case 'contains':
      if (typeof value === 'string') return value.includes(expected) ? null : fail();
      if (Array.isArray(value)) return value.some((item) => equalsExpected(item, expected)) ? null : fail();
      return `JSON assertion failed: ${assertion.path} is ${show(value)}, not a string or an array`;
    default: {
      const actualNumber = toNumber(value);
      const expectedNumber = toNumber(expected);
      if (actualNumber === null) return `JSON assertion failed: ${assertion.path} is ${show(value)}, not a number`;
      if (expectedNumber === null) return `JSON assertion failed: expected value ${show(expected)} is not a number`;
      const holds =
        assertion.operator === '>' ? actualNumber > expectedNumber
        : assertion.operator === '<' ? actualNumber < expectedNumber
        : assertion.operator === '>=' ? actualNumber >= expectedNumber
        : actualNumber <= expectedNumber;
      return holds ? null : fail();
    }
  }
}
