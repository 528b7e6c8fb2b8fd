import { createHash } from 'node:crypto';
import type { ExceptionInfo, NormalizedEvent, StackFrame } from './event.js';
import { frameComponents } from './grouping-frames.js';
import { firstLine, truncate } from './json-values.js';

export interface Grouping {
  /** 32 lowercase hex characters. */
  hash: string;
  variant: 'fingerprint' | 'in-app-stacktrace' | 'stacktrace' | 'exception' | 'message' | 'fallback';
  title: string;
  culprit: string;
  type: string | null;
  value: string | null;
}

type DefaultVariant = Exclude<Grouping['variant'], 'fingerprint'>;

const TITLE_CHARS = 200;
const DEFAULT_ENTRY = /^\{\{\s*default\s*\}\}$/;

/**
 * Replaces the parts of a message that vary between occurrences of the same problem with placeholders:
 * URLs, emails, UUIDs, ISO dates and times, IP addresses, hex ids, quoted strings and numbers.
 * "User 123 not found" and "User 456 not found" both become "User <num> not found".
 */
export function normalizeMessageForGrouping(text: string): string {
  return text
    .replace(/(?<![a-z0-9+.-])[a-z][a-z0-9+.-]{0,31}:\/\/[^\s"'<>()]+/gi, '<url>')
    // Bounded, anchored by lookbehind: unbounded forms of these two went quadratic on "a.a.a…".
    .replace(/(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,10}/g, '<email>')
    .replace(/\b[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\b/gi, '<uuid>')
    .replace(/\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b/gi, '<date>')
    .replace(/\b\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\b/g, '<time>')
    .replace(/\b(?:\d{1,3}\.){3}\d{1,3}\b/g, '<ip>')
    // IPv6: at least two colons and a digit, not glued to a word (so `Foo::bar` stays).
    .replace(/(?<![\w:])(?=[0-9a-f:]*\d)(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![\w:])/gi, '<ip>')
    .replace(/\b0x[0-9a-f]+\b/gi, '<hex>')
    .replace(/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, '<hex>')
    // Quotes must open at a word start, so the apostrophe in "can't" opens nothing.
    .replace(/(?<!\w)'[^'\n]{0,500}'(?!\w)/g, "'<str>'")
    .replace(/(?<!\w)"[^"\n]{0,500}"(?!\w)/g, '"<str>"')
    .replace(/`[^`\n]{0,500}`/g, '`<str>`')
    .replace(/(?<![A-Za-z_\d])[-+]?\d+(?:\.\d+)*/g, '<num>')
    .replace(/\s+/g, ' ')
    .trim();
}

function hashOf(variant: string, components: readonly string[]): string {
  // JSON keeps the boundaries between components unambiguous: ["a b"] and ["a", "b"] differ.
  return createHash('sha1').update(JSON.stringify([variant, ...components])).digest('hex').slice(0, 32);
}

/** Frames for grouping: in-app ones when any frame of the event is in-app, otherwise all of them. */
function stackComponents(frames: readonly StackFrame[], inAppOnly: boolean): string[] {
  const out: string[] = [];
  let previous = '';
  for (const frame of frames) {
    if (inAppOnly && frame.inApp !== true) continue;
    const parts = frameComponents(frame);
    if (parts === null) continue;
    // Recursion: the same frame repeated n times must group with n + 1.
    const key = parts.join('\n');
    if (key === previous) continue;
    previous = key;
    out.push(...parts);
  }
  return out;
}

function valueComponent(exception: ExceptionInfo): string {
  return `value:${normalizeMessageForGrouping(exception.value ?? '')}`;
}

function defaultGrouping(event: NormalizedEvent): { variant: DefaultVariant; components: string[] } {
  const { exceptions, threadFrames } = event;
  if (exceptions.length > 0) {
    const inApp = exceptions.some((e) => e.frames.some((f) => f.inApp === true));
    const components: string[] = [];
    let usedFrames = false;
    for (const exception of exceptions) {
      const frames = stackComponents(exception.frames, inApp);
      components.push(`type:${exception.type ?? ''}`);
      if (frames.length > 0) {
        usedFrames = true;
        components.push(...frames);
      } else {
        components.push(valueComponent(exception));
      }
    }
    return { variant: usedFrames ? (inApp ? 'in-app-stacktrace' : 'stacktrace') : 'exception', components };
  }
  const inApp = threadFrames.some((f) => f.inApp === true);
  const frames = stackComponents(threadFrames, inApp);
  if (frames.length > 0) return { variant: inApp ? 'in-app-stacktrace' : 'stacktrace', components: frames };
  const text = event.messageTemplate ?? event.message;
  if (text !== null && text.trim() !== '') return { variant: 'message', components: [normalizeMessageForGrouping(text)] };
  return { variant: 'fallback', components: [event.level, event.logger ?? ''] };
}

function titleOf(event: NormalizedEvent, newest: ExceptionInfo | undefined): string {
  const type = newest?.type ?? null;
  const value = newest?.value ? firstLine(newest.value).trim() : '';
  if (type !== null && value !== '') return truncate(`${type}: ${value}`, TITLE_CHARS);
  if (type !== null || value !== '') return truncate(type ?? value, TITLE_CHARS);
  const message = event.message ? firstLine(event.message).trim() : '';
  return message === '' ? '<unlabeled event>' : truncate(message, TITLE_CHARS);
}

function culpritOf(event: NormalizedEvent, newest: ExceptionInfo | undefined): string {
  if (event.transaction !== null) return truncate(event.transaction, TITLE_CHARS);
  const frames = newest && newest.frames.length > 0 ? newest.frames : event.threadFrames;
  const frame = frames.findLast((f) => f.inApp === true) ?? frames.at(-1);
  if (!frame) return '';
  const path = frame.filename ?? frame.absPath;
  const location = frame.module ?? (path === null ? null : path.replace(/[?#].*$/, ''));
  const fn = frame.function ?? '?';
  return truncate(location === null ? fn : `${location} in ${fn}`, TITLE_CHARS);
}

/**
 * Groups an event as Sentry does: an explicit fingerprint wins (`{{ default }}` entries stand for the
 * default grouping); else the exceptions' stack frames (in-app only when any frame is in-app; module or
 * normalised file name + function, short in-app context lines; never line numbers) with each exception's
 * type; else exception type + normalised value; else the normalised message; else level + logger.
 */
export function computeGrouping(event: NormalizedEvent): Grouping {
  const fallback = defaultGrouping(event);
  let variant: Grouping['variant'] = fallback.variant;
  let hash = hashOf(fallback.variant, fallback.components);
  const fingerprint = event.fingerprint;
  // A fingerprint of only `{{ default }}` is the default grouping itself.
  if (fingerprint !== null && fingerprint.some((entry) => !DEFAULT_ENTRY.test(entry.trim()))) {
    const defaultHash = hash;
    variant = 'fingerprint';
    hash = hashOf('fingerprint', fingerprint.map((entry) => (DEFAULT_ENTRY.test(entry.trim()) ? `{{default:${defaultHash}}}` : `=${entry}`)));
  }
  const newest = event.exceptions.at(-1);
  const value = newest?.value ? truncate(firstLine(newest.value), TITLE_CHARS) : null;
  return { hash, variant, title: titleOf(event, newest), culprit: culpritOf(event, newest), type: newest?.type ?? null, value };
}
