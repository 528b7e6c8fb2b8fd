import type { StackFrame } from './event.js';

/**
 * Directory names where a project's own tree usually starts. A deployed path such as
 * `/srv/releases/20240101/app/src/x.js` is cut at the last of these, so a new release directory or
 * another machine's home directory doesn't split the group.
 */
const ROOT_MARKERS = new Set(['src', 'lib', 'dist', 'build', 'out', 'app']);
/** Context lines longer than this are likely minified or generated, so they don't make stable grouping input. */
const MAX_CONTEXT_LINE = 120;

const hasDigit = (text: string) => /\d/.test(text);

/** True when `token` reads like words: CamelCase, lower, UPPER runs and trailing numbers (`UserSettings`, `index2`). */
function wordShaped(token: string): boolean {
  const runs = token.match(/[A-Z]+|[a-z]+|\d+/g) ?? [];
  for (let i = 0; i < runs.length; i++) {
    const run = runs[i] ?? '';
    const next = runs[i + 1];
    if (/^[a-z]/.test(run) && run.length < 2) return false;
    if (/^[A-Z]$/.test(run) && (next === undefined || !/^[a-z]{2}/.test(next))) return false;
    if (/^\d/.test(run) && next !== undefined) return false;
  }
  return true;
}

/** A build hash: hex with a digit (webpack `3f9a1c`), long hex (`deadbeef`), or base64-ish that isn't word-shaped (vite `BfX8aK2p`). */
function looksLikeHash(token: string): boolean {
  if (/^[0-9a-f]{5,}$/i.test(token)) return hasDigit(token) || token.length >= 8;
  return /^[A-Za-z0-9]{8,64}$/.test(token) && !wordShaped(token);
}

/** A directory name that changes between builds or deploys: numbers, versions, hashes. */
function volatileSegment(segment: string): string | null {
  if (/^\d{4,}$/.test(segment)) return '<n>';
  if (/^v?\d+\.\d+(\.\d+)?([-+][\w.]+)?$/.test(segment)) return '<version>';
  if (segment.length >= 16 && /^[\w-]+$/.test(segment) && hasDigit(segment)) return '<hash>';
  if (looksLikeHash(segment)) return '<hash>';
  return null;
}

/** Removes hash parts of a file name: `main.3f9a1c.js` → `main.js`, `index-BfX8aK2p.js` → `index.js`. */
function stripNameHashes(name: string): string {
  const parts = name.split('.');
  const ext = parts.length > 1 ? parts.pop() : undefined;
  const kept = parts.filter((part, i) => i === 0 || !looksLikeHash(part));
  let base = kept.join('.');
  // Chunk suffixes: `chunk-vendors-3f9a1c2e`, `_app-3f9a1c2e4b5d6a7f`.
  base = base.replace(/[-_~]([A-Za-z0-9]{5,})$/, (whole, token: string) => (looksLikeHash(token) ? '' : whole));
  if (looksLikeHash(base) && kept.length === 1) base = '<hash>';
  return ext === undefined ? base : `${base}.${ext}`;
}

/**
 * A file path reduced to what stays the same across builds and machines: no URL origin, query or
 * fragment; no build hashes; `node_modules/pkg@1.2.3/x.js` → `pkg/x.js`; absolute paths cut at the
 * project's root-ish directory (src, lib, dist, build, out, app).
 */
export function normalizeFilename(path: string): string {
  let p = path.trim().replace(/\\/g, '/');
  p = p.replace(/[?#].*$/, '');
  // A URL's path is the same on every machine; a file system path starts at some machine's root.
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.exec(p);
  const onDisk = url === null || url[0].toLowerCase() === 'file://';
  p = p.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, ''); // https://host, webpack://name, app://, file://
  p = p.replace(/^\/?[a-z]:\//i, '/'); // Windows drive, also file:///C:/
  const absolute = onDisk && p.startsWith('/');
  const nm = p.lastIndexOf('node_modules/');
  if (nm !== -1) p = p.slice(nm + 'node_modules/'.length);
  // pkg@1.2.3 (pnpm, CDNs): a version glued to a name; `@scope` at a segment start is a name.
  p = p.replace(/(?<=[^/])@v?\d[\w.+-]*/g, '');
  const segments = p.split('/').filter((s) => s !== '' && s !== '.');
  const file = segments.pop() ?? '';
  let dirs = segments.map((s) => volatileSegment(s) ?? s);
  if (nm === -1 && absolute) {
    const root = dirs.findLastIndex((s) => ROOT_MARKERS.has(s));
    if (root !== -1) dirs = dirs.slice(root);
  }
  return [...dirs, stripNameHashes(file)].join('/');
}

/**
 * A function name without what varies or says nothing: `async `/`new ` prefixes, V8's `[as alias]`,
 * `(index 0)`. Anonymous spellings (`<anonymous>`, `?`, `Object.<anonymous>`, `anonymous`) become null.
 */
export function normalizeFunction(name: string | null): string | null {
  if (name === null) return null;
  let fn = name.trim();
  fn = fn.replace(/^(?:(?:async|new)\s+|\*\s*)+/, '');
  fn = fn.replace(/\s*\[as [^\]]*\]$/, '');
  fn = fn.replace(/\s*\(index \d+\)$/, '');
  // Java/Kotlin lambdas and proxies carry counters that change with unrelated code.
  fn = fn.replace(/\$\$Lambda\$\d+(\/0x[0-9a-f]+)?/gi, '$$$$Lambda$$').replace(/(lambda\$[\w$]*?\$)\d+$/, '$1');
  if (/^(?:\?|<anonymous>|anonymous|<unknown>|Object\.<anonymous>|<object>\.<anonymous>)?$/.test(fn)) return null;
  return fn;
}

/** The grouping components of one frame; null when the frame says nothing usable (no file, module or function). */
export function frameComponents(frame: StackFrame): string[] | null {
  const path = frame.filename ?? frame.absPath;
  const location = frame.module ?? (path === null ? null : normalizeFilename(path));
  const fn = normalizeFunction(frame.function);
  // Whitespace collapsed, as Sentry does: re-indenting code must not split the group.
  const line = frame.contextLine?.trim().replace(/\s+/g, ' ') ?? '';
  const context = frame.inApp === true && line !== '' && line.length < MAX_CONTEXT_LINE ? line : null;
  if ((location === null || location === '') && fn === null && context === null) return null;
  const parts = [`at:${location ?? ''}`, `fn:${fn ?? ''}`];
  if (context !== null) parts.push(`line:${context}`);
  return parts;
}
