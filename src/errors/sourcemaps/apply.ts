import { isIgnored, traceSegment, type TraceMap } from '@jridgewell/trace-mapping';
import { fitToBudget, type EventError } from '../event-data.js';
import type { NormalizedEvent, StackFrame } from '../event.js';
import { isRecord } from '../json-values.js';
import { bareFunctionName, enclosingDeclaration, positionAt } from './scope.js';

const CONTEXT_LINES = 5;
const LINE_CHARS = 1024;
/** Frames no uploaded file can describe: engine internals and code without a URL. */
const NOT_A_FILE = /^(?:node:|internal\/|native\b|\[native code\]|<anonymous>|\[?eval\b)/;
/**
 * Names a call site can show that never name the function called: `fn.apply(…)` in a wrapper
 * (the SDK wraps event handlers this way), keywords, and bundler plumbing.
 */
const USELESS_CALL_NAMES = new Set(['apply', 'call', 'bind', 'new', 'function', 'return', 'await', 'void', 'typeof', 'Reflect', 'Function', '__webpack_require__', 'require']);

/** A parsed source map and its artifact name (its sources resolve against it). */
export interface LoadedMap {
  readonly map: TraceMap;
  readonly name: string;
  /** The debug id or release the map was found by, for the frame's `data`. */
  readonly via: 'debug-id' | 'release';
  /** The lines of an original source from `sourcesContent`, or null when the map has none. */
  lines(sourceIndex: number): string[] | null;
  /** The minified file the map belongs to, when it was uploaded too: it tells which function a frame is in. */
  readonly minified: MinifiedSource | null;
}

export interface MinifiedSource {
  readonly text: string;
  /** Offsets of line starts (see scope.ts lineStarts). */
  readonly starts: readonly number[];
  /** Declarations found so far by position and name: the same errors come back again and again. */
  readonly declarations: Map<string, number | null>;
}

const MAX_REMEMBERED_DECLARATIONS = 10_000;

/** A Sentry processing error, as stored in the event's `errors` (e.g. `{type: 'js_no_source', url}`). */
export interface SourceMapError {
  type: 'js_no_source' | 'js_invalid_sourcemap' | 'js_invalid_sourcemap_location' | 'js_missing_sources_content';
  url: string;
  [key: string]: unknown;
}

function isMapError(value: object): value is SourceMapError {
  return typeof (value as { type?: unknown }).type === 'string';
}

/** Finds and parses the map for the file a frame was loaded from; a SourceMapError when it can't. */
export type MapLoader = (url: string) => Promise<LoadedMap | SourceMapError>;

interface Position {
  url: string | null;
  lineno: number | null;
  colno: number | null;
  function: string | null;
}

interface Mapped {
  map: LoadedMap;
  absPath: string;
  filename: string;
  lineno: number;
  colno: number;
  /** The identifier at this position, which names the function this frame calls (the next frame's). */
  callName: string | null;
  /** The original name of the function this frame runs in, from its declaration in the minified file. */
  declaredName: string | null;
  context: { pre: string[]; line: string | null; post: string[] } | null;
  vendor: boolean;
}

/** True when the event has frames with line and column, the only ones a source map can map. */
export function hasMappableFrames(event: NormalizedEvent): boolean {
  const mappable = (frames: readonly StackFrame[]) => frames.some((f) => f.lineno !== null && f.colno !== null && (f.absPath ?? f.filename) !== null);
  return event.exceptions.some((e) => mappable(e.frames)) || mappable(event.threadFrames);
}

/** `webpack://app/./src/x.ts`, `https://host/src/x.ts`, `~/src/x.ts` → `src/x.ts`: the path people know. */
export function prettySource(source: string): string {
  return source
    .replace(/^webpack:\/\/[^/]*\//i, '')
    .replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '')
    .replace(/^~(?=\/)/, '')
    .replace(/^(?:\.?\/)+/, '');
}

/** Library and bundler code: never the app's own, so never in-app (grouping skips it). */
function isVendor(source: string, map: TraceMap): boolean {
  return /(?:^|\/)node_modules\//.test(source) || /^webpack:\/\/[^/]*\/(?:webpack|\(webpack\))\//i.test(source) || /^webpack\//.test(prettySource(source)) || isIgnored(map, source);
}

function clip(line: string, column: number | null): string {
  if (line.length <= LINE_CHARS) return line;
  // A long line (generated code kept in a source) is cut around the column that matters.
  const start = column === null ? 0 : Math.max(0, Math.min(column - LINE_CHARS / 2, line.length - LINE_CHARS));
  return line.slice(start, start + LINE_CHARS);
}

function identifierAt(line: string | undefined, column: number): string | null {
  const match = /^(?:new\s+)?([A-Za-z_$][\w$]*)/.exec(line?.slice(column) ?? '');
  const name = match?.[1] ?? null;
  return name !== null && !USELESS_CALL_NAMES.has(name) ? name : null;
}

/** The original name of the function a frame runs in, read at its declaration in the minified file. */
function declaredName(loaded: LoadedMap, line: number, column: number, fn: string | null): string | null {
  const minified = loaded.minified;
  const name = bareFunctionName(fn);
  const lineStart = minified?.starts[line];
  if (!minified || name === null || lineStart === undefined) return null;
  const key = `${lineStart + column}\n${name}`;
  let at = minified.declarations.get(key);
  if (at === undefined) {
    if (minified.declarations.size >= MAX_REMEMBERED_DECLARATIONS) minified.declarations.clear();
    minified.declarations.set(key, (at = enclosingDeclaration(minified.text, lineStart + column, name)));
  }
  if (at === null) return null;
  const position = positionAt(minified.starts, at);
  const segment = traceSegment(loaded.map, position.line, position.column);
  if (!segment || segment.length === 1) return null;
  const recorded = segment.length === 5 ? loaded.map.names[segment[4]] : undefined;
  if (segment[0] === position.column && recorded !== undefined) return recorded;
  // Nothing recorded (the minifier kept the name): read it in the original, also past a `function` keyword.
  const original = loaded.lines(segment[1])?.[segment[2]]?.slice(segment[3]) ?? '';
  const match = /^(?:async\s+)?(?:function\s*\*?\s*)?([A-Za-z_$][\w$]*)/.exec(original);
  return match?.[1] !== undefined && !USELESS_CALL_NAMES.has(match[1]) ? match[1] : null;
}

function mapPosition(loaded: LoadedMap, position: Position): Mapped | SourceMapError {
  const url = position.url ?? '';
  const line = (position.lineno ?? 0) - 1;
  const column = (position.colno ?? 0) - 1;
  const segment = line >= 0 && column >= 0 ? traceSegment(loaded.map, line, column) : null;
  if (!segment || segment.length === 1) return { type: 'js_invalid_sourcemap_location', url, row: position.lineno, column: position.colno, sourcemap: loaded.name };
  const [generatedColumn, sourceIndex, sourceLine, sourceColumn] = segment;
  const source = loaded.map.resolvedSources[sourceIndex] ?? loaded.map.sources[sourceIndex] ?? '';
  const lines = loaded.lines(sourceIndex);
  // The name recorded at this exact spot is the original identifier; mid-segment, the token there is some other one.
  const exact = generatedColumn === column;
  const recorded = segment.length === 5 ? loaded.map.names[segment[4]] : undefined;
  const callName = !exact ? null : recorded !== undefined && !USELESS_CALL_NAMES.has(recorded) ? recorded : identifierAt(lines?.[sourceLine], sourceColumn);
  return {
    map: loaded,
    absPath: source,
    filename: prettySource(source) || source,
    lineno: sourceLine + 1,
    colno: sourceColumn + 1,
    callName,
    declaredName: declaredName(loaded, line, column, position.function),
    context: lines
      ? {
          pre: lines.slice(Math.max(0, sourceLine - CONTEXT_LINES), sourceLine).map((l) => clip(l, null)),
          line: lines[sourceLine] === undefined ? null : clip(lines[sourceLine], sourceColumn),
          post: lines.slice(sourceLine + 1, sourceLine + 1 + CONTEXT_LINES).map((l) => clip(l, null)),
        }
      : null,
    vendor: isVendor(source, loaded.map),
  };
}

/** One stack's frames in two shapes: the typed frames (grouping) and the stored JSON frames. */
interface StackPair {
  typed: StackFrame[] | null;
  data: Record<string, unknown>[] | null;
}

function positionOf(typed: StackFrame | undefined, data: Record<string, unknown> | undefined): Position {
  if (typed) return { url: typed.absPath ?? typed.filename, lineno: typed.lineno, colno: typed.colno, function: typed.function };
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  return { url: str(data?.abs_path) ?? str(data?.filename), lineno: num(data?.lineno), colno: num(data?.colno), function: str(data?.function) };
}

/** Library code is never in-app; otherwise the SDK's say (its in-app rules) stands, defaulting to in-app. */
function inApp(mapped: Mapped, sent: boolean | null): boolean {
  return mapped.vendor ? false : (sent ?? true);
}

function rewriteTyped(frame: StackFrame, mapped: Mapped, fn: string | null): void {
  Object.assign(frame, { absPath: mapped.absPath, filename: mapped.filename, lineno: mapped.lineno, colno: mapped.colno, inApp: inApp(mapped, frame.inApp) });
  if (fn !== null) frame.function = fn;
  // Grouping may use the context line: never the minified one.
  Object.assign(frame, { contextLine: mapped.context?.line ?? null, preContext: mapped.context?.pre ?? [], postContext: mapped.context?.post ?? [] });
}

function rewriteData(frame: Record<string, unknown>, mapped: Mapped, fn: string | null): void {
  const minified: Record<string, unknown> = {};
  for (const key of ['abs_path', 'filename', 'function', 'lineno', 'colno', 'context_line']) if (frame[key] !== undefined) minified[key] = frame[key];
  const sent = typeof frame.in_app === 'boolean' ? frame.in_app : null;
  Object.assign(frame, { abs_path: mapped.absPath, filename: mapped.filename, lineno: mapped.lineno, colno: mapped.colno, in_app: inApp(mapped, sent) });
  if (fn !== null) frame.function = fn;
  // Minified context describes the bundle, not the source: replace it, or drop it when the map has none.
  delete frame.pre_context;
  delete frame.context_line;
  delete frame.post_context;
  if (mapped.context) {
    if (mapped.context.pre.length > 0) frame.pre_context = mapped.context.pre;
    if (mapped.context.line !== null) frame.context_line = mapped.context.line;
    if (mapped.context.post.length > 0) frame.post_context = mapped.context.post;
  }
  frame.data = { ...(isRecord(frame.data) ? frame.data : {}), sourcemap: mapped.map.name, resolved_with: mapped.map.via, minified };
}

async function symbolicateStack(stack: StackPair, load: MapLoader, report: (error: SourceMapError) => void): Promise<void> {
  const count = stack.typed?.length ?? stack.data?.length ?? 0;
  const results: Array<Mapped | null> = [];
  for (let i = 0; i < count; i++) {
    const position = positionOf(stack.typed?.[i], stack.data?.[i]);
    if (position.url === null || position.lineno === null || position.colno === null || NOT_A_FILE.test(position.url)) {
      results.push(null);
      continue;
    }
    const loaded = await load(position.url);
    const mapped = isMapError(loaded) ? loaded : mapPosition(loaded, position);
    if (isMapError(mapped)) {
      report(mapped);
      results.push(null);
      continue;
    }
    if (!mapped.context) report({ type: 'js_missing_sources_content', url: position.url, source: mapped.absPath, sourcemap: mapped.map.name });
    results.push(mapped);
  }
  for (let i = 0; i < count; i++) {
    const mapped = results[i];
    if (!mapped) continue;
    // The declaration the frame runs in names it best; else the caller's call site (frames run
    // caller → callee); else the minified name stays.
    const fn = mapped.declaredName ?? results[i - 1]?.callName ?? null;
    const typed = stack.typed?.[i];
    const data = stack.data?.[i];
    if (typed) rewriteTyped(typed, mapped, fn);
    if (data) rewriteData(data, mapped, fn);
  }
}

function dataFrames(stacktrace: unknown): Record<string, unknown>[] | null {
  return isRecord(stacktrace) && Array.isArray(stacktrace.frames) ? stacktrace.frames.filter(isRecord) : null;
}

/** Pairs typed and stored stacks; a pair whose lengths differ is mapped as two stacks. */
function pair(typed: StackFrame[] | null, data: Record<string, unknown>[] | null): StackPair[] {
  if (typed && data && typed.length !== data.length) return [{ typed, data: null }, { typed: null, data }];
  return [{ typed, data }];
}

function stacksOf(event: NormalizedEvent): StackPair[] {
  const stacks: StackPair[] = [];
  const exception: unknown[] = isRecord(event.data.exception) && Array.isArray(event.data.exception.values) ? event.data.exception.values : [];
  // The stored list may have lost its oldest exceptions to the size budget: align from the end.
  const offset = event.exceptions.length - exception.length;
  event.exceptions.forEach((info, i) => {
    const value = exception[i - offset];
    stacks.push(...pair(info.frames, isRecord(value) ? dataFrames(value.stacktrace) : null));
  });
  const top = dataFrames(event.data.stacktrace);
  if (top) stacks.push(...pair(event.threadFrames, top));
  else if (event.threadFrames.length > 0) stacks.push({ typed: event.threadFrames, data: null });
  const threads: unknown[] = isRecord(event.data.threads) && Array.isArray(event.data.threads.values) ? event.data.threads.values : [];
  for (const thread of threads) if (isRecord(thread)) stacks.push({ typed: null, data: dataFrames(thread.stacktrace) });
  return stacks.filter((s) => (s.typed?.length ?? 0) > 0 || (s.data?.length ?? 0) > 0);
}

/**
 * Rewrites every JavaScript frame of the event that a source map covers to its original file,
 * line, column, function and source context, in both the typed frames (so grouping uses the
 * original code) and the stored event. The minified values stay in each frame's `data.minified`.
 * Problems (no map, bad map) are recorded in the event's `errors` as Sentry does; they never fail
 * the event. Each file's map is looked up once per event.
 */
export async function symbolicateEvent(event: NormalizedEvent, load: MapLoader): Promise<void> {
  const loads = new Map<string, Promise<LoadedMap | SourceMapError>>();
  const memoLoad: MapLoader = (url) => {
    let pending = loads.get(url);
    if (!pending) loads.set(url, (pending = load(url)));
    return pending;
  };
  const seen = new Set<string>();
  const errors: Array<SourceMapError | EventError> = [];
  const report = (error: SourceMapError) => {
    const key = `${error.type}\n${error.url}`;
    if (seen.has(key) || seen.size >= 50) return;
    seen.add(key);
    errors.push(error);
  };
  for (const stack of stacksOf(event)) await symbolicateStack(stack, memoLoad, report);
  // Original source context can be larger than the minified one was: keep the stored event in budget.
  const budget: EventError[] = [];
  fitToBudget(event.data, budget);
  errors.push(...budget);
  if (errors.length > 0) event.data.errors = [...(Array.isArray(event.data.errors) ? (event.data.errors as unknown[]) : []), ...errors];
}
