import type { ArtifactKind } from './types.js';

/** What the release index keeps of an artifact: enough to pick one without loading content. */
export interface IndexedArtifact {
  id: string;
  name: string;
  kind: ArtifactKind;
  debugId: string | null;
  sourcemap: string | null;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
/** Stands in for `~` so the WHATWG URL parser can resolve references relative to `~/…` names. */
const TILDE_BASE = 'http://tilde.invalid';

function withoutFragment(url: string): string {
  const hash = url.indexOf('#');
  return hash === -1 ? url : url.slice(0, hash);
}

function withoutQuery(url: string): string {
  return url.replace(/[?#].*$/, '');
}

/** The file name part of a URL or path, without query: `https://x/js/app.js?v=2` → `app.js`. */
export function baseNameOf(url: string): string {
  return withoutQuery(url).split('/').pop() ?? '';
}

/**
 * Names an uploaded file may carry for the URL a frame was loaded from, most specific first (as
 * Sentry tries them): the full URL, without query, then `~/path` (any origin) with and without query.
 */
export function candidateNames(url: string): string[] {
  const full = withoutFragment(url.trim());
  const out = [full, withoutQuery(full)];
  let path: string | null = null;
  if (full.startsWith('~/')) path = full.slice(1);
  else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(full)) {
    const rest = full.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
    path = rest.startsWith('/') ? rest : `/${rest}`;
  } else if (full.startsWith('/')) path = full;
  if (path !== null) out.push(`~${path}`, `~${withoutQuery(path)}`);
  return [...new Set(out.filter((name) => name !== '' && name !== '~/'))];
}

/**
 * Resolves a `sourceMappingURL` against the name of the file that carries it: `main.js.map` next
 * to `~/static/main.js` is `~/static/main.js.map`; absolute URLs stay as they are.
 */
export function resolveReference(fileName: string, reference: string): string {
  if (SCHEME.test(reference)) return reference;
  try {
    if (fileName.startsWith('~/')) {
      const resolved = new URL(reference, TILDE_BASE + fileName.slice(1));
      return `~${resolved.pathname}${resolved.search}`;
    }
    if (SCHEME.test(fileName)) return new URL(reference, fileName).toString();
  } catch {
    // not a URL we can resolve against: fall through to a plain path join
  }
  if (reference.startsWith('/')) return reference;
  const dir = fileName.includes('/') ? fileName.slice(0, fileName.lastIndexOf('/') + 1) : '';
  return dir + reference;
}

/** The artifacts of one release (and dist), indexed by name and by file name for the fallback. */
export class ReleaseIndex {
  private readonly byName = new Map<string, IndexedArtifact[]>();
  private readonly byBaseName = new Map<string, IndexedArtifact[]>();

  constructor(readonly artifacts: readonly IndexedArtifact[]) {
    for (const artifact of artifacts) {
      push(this.byName, artifact.name, artifact);
      push(this.byBaseName, baseNameOf(artifact.name), artifact);
    }
  }

  /** The first artifact of `kind` whose name is one of `names`, in their order. */
  find(names: readonly string[], kind: ArtifactKind): IndexedArtifact | undefined {
    for (const name of names) {
      const found = this.byName.get(name)?.find((a) => a.kind === kind);
      if (found) return found;
    }
    return undefined;
  }

  /** Last resort: the only artifact of `kind` with this file name (ambiguous matches are refused). */
  findByBaseName(baseName: string, kind: ArtifactKind): IndexedArtifact | undefined {
    const matches = this.byBaseName.get(baseName)?.filter((a) => a.kind === kind) ?? [];
    return matches.length === 1 ? matches[0] : undefined;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** How a frame's file was matched to a map: through the minified file it names, or by convention. */
export type MapMatch = { map: IndexedArtifact; minified: IndexedArtifact | null } | { debugId: string; minified: IndexedArtifact };

/**
 * Finds the source map for the file a frame was loaded from within one release: the uploaded
 * minified file (exact URL, `~/path`, then unique file name) and the map its `sourceMappingURL`
 * names, else `<file>.map` next to it. A minified file with a debug id defers to the debug-id lookup.
 */
export function matchInRelease(index: ReleaseIndex, url: string): MapMatch | null {
  const names = candidateNames(url);
  const base = baseNameOf(url);
  const minified = index.find(names, 'source') ?? (base === '' ? undefined : index.findByBaseName(base, 'source'));
  if (minified?.sourcemap) {
    const reference = resolveReference(minified.name, minified.sourcemap);
    const map = index.find(candidateNames(reference), 'sourcemap') ?? index.findByBaseName(baseNameOf(reference), 'sourcemap');
    if (map) return { map, minified };
  }
  if (minified?.debugId) return { debugId: minified.debugId, minified };
  const conventional = (minified ? candidateNames(minified.name) : names).map((name) => `${withoutQuery(name)}.map`);
  const map = index.find(conventional, 'sourcemap') ?? (base === '' ? undefined : index.findByBaseName(`${base}.map`, 'sourcemap'));
  return map ? { map, minified: minified ?? null } : null;
}
