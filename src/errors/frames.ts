import type { StackFrame } from './event.js';
import { asBool, asInt, asString, isRecord, trimValue, type TrimLimits } from './json-values.js';

/**
 * Frames kept per stack trace. Frames run caller → callee, so the end holds the code that threw and
 * matters most; the start shows the entry point. Deep recursion in between is dropped, as Sentry does.
 */
export const FRAMES_KEPT_HEAD = 50;
export const FRAMES_KEPT_TAIL = 200;
const CONTEXT_LINE_CHARS = 1024;
const CONTEXT_LINES = 5;
const PATH_CHARS = 1024;
const NAME_CHARS = 256;
const VARS_LIMITS: TrimLimits = { depth: 5, stringChars: 1024, items: 50 };

/** One normalised stack: the typed frames plus their JSON for the stored event. */
export interface NormalizedStack {
  frames: StackFrame[];
  /** Sentry-shaped `stacktrace` object (snake_case), or null when there are no frames. */
  data: Record<string, unknown> | null;
}

function contextLines(value: unknown, keep: 'first' | 'last'): string[] {
  if (!Array.isArray(value)) return [];
  const slice = keep === 'last' ? value.slice(-CONTEXT_LINES) : value.slice(0, CONTEXT_LINES);
  // A missing line inside the window is still a line: keep its position as an empty string.
  return slice.map((line) => asString(line, CONTEXT_LINE_CHARS) ?? '');
}

function normalizeFrame(raw: Record<string, unknown>): StackFrame {
  return {
    filename: asString(raw.filename, PATH_CHARS),
    absPath: asString(raw.abs_path, PATH_CHARS),
    function: asString(raw.function, NAME_CHARS),
    module: asString(raw.module, NAME_CHARS),
    lineno: asInt(raw.lineno),
    colno: asInt(raw.colno),
    inApp: asBool(raw.in_app),
    contextLine: asString(raw.context_line, CONTEXT_LINE_CHARS),
    preContext: contextLines(raw.pre_context, 'last'),
    postContext: contextLines(raw.post_context, 'first'),
    platform: asString(raw.platform, 64),
  };
}

/** The stored JSON of a frame: Sentry's field names, nulls left out. */
function frameData(frame: StackFrame, vars: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const put = (key: string, value: unknown) => {
    if (value !== null && value !== undefined) out[key] = value;
  };
  put('filename', frame.filename);
  put('abs_path', frame.absPath);
  put('function', frame.function);
  put('module', frame.module);
  put('lineno', frame.lineno);
  put('colno', frame.colno);
  put('in_app', frame.inApp);
  put('platform', frame.platform);
  if (frame.preContext.length > 0) out.pre_context = frame.preContext;
  put('context_line', frame.contextLine);
  if (frame.postContext.length > 0) out.post_context = frame.postContext;
  if (isRecord(vars)) out.vars = trimValue(vars, VARS_LIMITS);
  return out;
}

/**
 * Normalises a Sentry `stacktrace` object (`{frames: [...]}`), keeping the first
 * {@link FRAMES_KEPT_HEAD} and last {@link FRAMES_KEPT_TAIL} frames of longer stacks. Frames that are
 * not objects are skipped.
 */
export function normalizeStacktrace(raw: unknown): NormalizedStack {
  const rawFrames: unknown[] = isRecord(raw) && Array.isArray(raw.frames) ? raw.frames : [];
  const limit = FRAMES_KEPT_HEAD + FRAMES_KEPT_TAIL;
  const omitted = rawFrames.length > limit ? [FRAMES_KEPT_HEAD, rawFrames.length - FRAMES_KEPT_TAIL] : null;
  const kept = omitted ? [...rawFrames.slice(0, FRAMES_KEPT_HEAD), ...rawFrames.slice(-FRAMES_KEPT_TAIL)] : rawFrames;
  const frames: StackFrame[] = [];
  const framesData: Record<string, unknown>[] = [];
  for (const item of kept) {
    if (!isRecord(item)) continue;
    const frame = normalizeFrame(item);
    frames.push(frame);
    framesData.push(frameData(frame, item.vars));
  }
  if (frames.length === 0) return { frames, data: null };
  const data: Record<string, unknown> = { frames: framesData };
  if (omitted) data.frames_omitted = omitted;
  return { frames, data };
}
