import { createHash } from 'node:crypto';
import type { ArtifactInput, ArtifactKind } from './types.js';

/** The largest file we store (a source map of a big bundle can reach tens of MB). */
export const MAX_ARTIFACT_BYTES = 50 * 1024 * 1024;
/** Only the end of a file is searched for its `//# sourceMappingURL=` and `//# debugId=` comments. */
const TAIL_BYTES = 8 * 1024;

/** A file ready to store: kind decided, debug id and map reference read from it. */
export interface PreparedArtifact {
  name: string;
  kind: ArtifactKind;
  debugId: string | null;
  sourcemap: string | null;
  sha1: string;
  content: Buffer;
}

/**
 * A debug id in its canonical form (lowercase UUID with dashes), or null. sentry-cli and the
 * bundler plugins write UUIDs; some tools drop the dashes or add an appendix, which we ignore.
 */
export function normalizeDebugId(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const hex = value.trim().toLowerCase().replace(/-/g, '').slice(0, 32);
  if (!/^[0-9a-f]{32}$/.test(hex)) return null;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The `//# sourceMappingURL=` and `//# debugId=` comments at the end of a minified file (the last of each wins, as in browsers). */
export function readTrailingComments(content: Buffer): { sourcemap: string | null; debugId: string | null } {
  const tail = content.subarray(Math.max(0, content.length - TAIL_BYTES)).toString('utf8');
  let sourcemap: string | null = null;
  let debugId: string | null = null;
  for (const match of tail.matchAll(/^\s*\/\/[#@]\s*(sourceMappingURL|debugId)=(\S+)\s*$/gm)) {
    if (match[1] === 'sourceMappingURL') sourcemap = match[2] ?? null;
    else debugId = normalizeDebugId(match[2]);
  }
  return { sourcemap, debugId };
}

/** A parsed source map, or null when the text is not one (plain or sectioned v3 map). */
export function parseSourceMap(text: string): Record<string, unknown> | null {
  try {
    const parsed = JSON.parse(text.replace(/^\)\]\}'[^\n]*\n/, '')) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
    const map = parsed as Record<string, unknown>;
    return typeof map.mappings === 'string' || Array.isArray(map.sections) ? map : null;
  } catch {
    return null;
  }
}

function sha1(content: Buffer): string {
  return createHash('sha1').update(content).digest('hex');
}

function inferKind(input: ArtifactInput): ArtifactKind {
  if (input.kind) return input.kind;
  if (/\.map(?:[?#].*)?$/i.test(input.name)) return 'sourcemap';
  // A map uploaded under a name without `.map` still starts like a JSON object with "version".
  const head = input.content.subarray(0, 64).toString('utf8').trimStart();
  return head.startsWith('{') && /"(?:version|mappings|sections)"/.test(head) ? 'sourcemap' : 'source';
}

/** Decodes a `data:application/json;base64,...` map reference, as bundlers inline maps. */
function inlineMap(reference: string): Buffer | null {
  const match = /^data:application\/json[^,]*?(;base64)?,(.*)$/is.exec(reference);
  if (!match) return null;
  try {
    return match[1] ? Buffer.from(match[2] ?? '', 'base64') : Buffer.from(decodeURIComponent(match[2] ?? ''), 'utf8');
  } catch {
    return null;
  }
}

function baseName(name: string): string {
  return name.replace(/[?#].*$/, '').split('/').pop() ?? name;
}

/**
 * Decides what each uploaded file is and reads what symbolication needs from it: a map's
 * `debug_id`, a minified file's `//# debugId=` and `//# sourceMappingURL=`. An inline (data URL)
 * map becomes its own artifact `<name>.map`. Files that are not usable are returned as skipped.
 */
export function prepareArtifacts(inputs: readonly ArtifactInput[]): { prepared: PreparedArtifact[]; skipped: Array<{ name: string; reason: string }> } {
  const byName = new Map<string, PreparedArtifact>();
  const skipped: Array<{ name: string; reason: string }> = [];
  const add = (artifact: PreparedArtifact) => byName.set(`${artifact.kind}\n${artifact.name}`, artifact);
  for (const input of inputs) {
    const name = input.name.trim();
    if (name === '' || name.length > 1024) {
      skipped.push({ name: input.name.slice(0, 200), reason: 'the name must be 1 to 1024 characters' });
      continue;
    }
    if (input.content.length > MAX_ARTIFACT_BYTES) {
      skipped.push({ name, reason: `larger than ${MAX_ARTIFACT_BYTES} bytes` });
      continue;
    }
    const kind = inferKind(input);
    if (kind === 'sourcemap') {
      const map = parseSourceMap(input.content.toString('utf8'));
      if (!map) {
        skipped.push({ name, reason: 'not a valid source map (JSON with "mappings" or "sections")' });
        continue;
      }
      const debugId = normalizeDebugId(input.debugId) ?? normalizeDebugId(map.debug_id) ?? normalizeDebugId(map.debugId);
      add({ name, kind, debugId, sourcemap: null, sha1: sha1(input.content), content: input.content });
      continue;
    }
    const comments = readTrailingComments(input.content);
    let sourcemap = input.sourcemap?.trim() || comments.sourcemap;
    const debugId = normalizeDebugId(input.debugId) ?? comments.debugId;
    const inline = sourcemap ? inlineMap(sourcemap) : null;
    if (sourcemap?.startsWith('data:')) {
      sourcemap = null;
      if (inline && parseSourceMap(inline.toString('utf8'))) {
        // Stored beside the file it came from, and referenced by its name, like an external map.
        sourcemap = `${baseName(name)}.map`;
        add({ name: `${name.replace(/[?#].*$/, '')}.map`, kind: 'sourcemap', debugId, sourcemap: null, sha1: sha1(inline), content: inline });
      }
    }
    add({ name, kind, debugId, sourcemap: sourcemap ?? null, sha1: sha1(input.content), content: input.content });
  }
  return { prepared: [...byName.values()], skipped };
}
