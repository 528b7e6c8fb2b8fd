import { asString, isRecord, truncate } from './json-values.js';

export const MESSAGE_CHARS = 8192;

/** The event's message: the text to show, and the template (without parameters) for grouping. */
export interface EventMessage {
  formatted: string | null;
  template: string | null;
  params: unknown[] | Record<string, unknown> | null;
}

function paramText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    // undefined (a hole in the list) reads as empty.
    return JSON.stringify(value) ?? '';
  } catch {
    return ''; // a BigInt or a cycle: not from JSON.parse, but never worth losing the event over
  }
}

/**
 * Substitutes printf-style placeholders as SDKs write them: `%s %d %i %f %r %o %O %j` take the next
 * positional parameter, `%(name)s` a named one, `{0}` (.NET, Java) an indexed one, `%%` is a percent.
 * Placeholders without a parameter are left as they are.
 */
export function substituteParams(template: string, params: unknown[] | Record<string, unknown>): string {
  // The result is cut to MESSAGE_CHARS anyway: parameters stop contributing once that much has been
  // produced, so "{0}" × 2,000 with a 200 KB parameter costs kilobytes, not half a gigabyte.
  let budget = MESSAGE_CHARS;
  const texts = new Map<unknown, string>();
  const take = (value: unknown): string => {
    if (budget <= 0) return '';
    let text = texts.get(value);
    if (text === undefined) texts.set(value, (text = paramText(value).slice(0, MESSAGE_CHARS)));
    const piece = text.length > budget ? text.slice(0, budget) : text;
    budget -= piece.length;
    return piece;
  };
  if (Array.isArray(params)) {
    let next = 0;
    // One pass, so a parameter's own text is never substituted again.
    return template.replace(/%%|%[sdifroOj]|\{(\d{1,3})\}/g, (token, index: string | undefined) => {
      if (token === '%%') return '%';
      if (index !== undefined) return Number(index) < params.length ? take(params[Number(index)]) : token;
      return next < params.length ? take(params[next++]) : token;
    });
  }
  return template.replace(/%%|%\(([^)]{1,100})\)[sdifr]/g, (token, name: string | undefined) => {
    if (name === undefined) return '%';
    return Object.hasOwn(params, name) ? take(params[name]) : token;
  });
}

function fromObject(raw: Record<string, unknown>): EventMessage {
  const template = asString(raw.message, MESSAGE_CHARS);
  const params = Array.isArray(raw.params) || isRecord(raw.params) ? raw.params : null;
  let formatted = asString(raw.formatted, MESSAGE_CHARS);
  if (formatted === null && template !== null) {
    formatted = params ? truncate(substituteParams(template, params), MESSAGE_CHARS) : template;
  }
  return { formatted, template, params };
}

/**
 * Reads `logentry` (Sentry's canonical name) or `message` (a plain string, or the same object shape
 * `{message, formatted, params}`). Plain strings have no template: they are already formatted.
 */
export function readMessage(event: Record<string, unknown>): EventMessage {
  for (const raw of [event.logentry, event.message]) {
    if (isRecord(raw)) {
      const message = fromObject(raw);
      if (message.formatted !== null) return message;
    } else {
      const formatted = asString(raw, MESSAGE_CHARS);
      if (formatted !== null) return { formatted, template: null, params: null };
    }
  }
  return { formatted: null, template: null, params: null };
}
