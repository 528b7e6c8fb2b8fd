import { promisify } from 'node:util';
import { inflateRaw } from 'node:zlib';
import { AnyMap } from '@jridgewell/trace-mapping';
import type { Kysely } from 'kysely';
import type { Database } from '../../storage/schema.js';
import type { LoadedMap, MinifiedSource } from './apply.js';
import { WeightedLru } from './cache.js';
import { artifactContent } from './repo.js';
import { lineStarts } from './scope.js';

const inflate = promisify(inflateRaw);

/** A parsed map as cached: shared by every lookup path that finds it. */
export type ParsedMap = Omit<LoadedMap, 'via' | 'minified'>;

type Cached = { kind: 'map'; map: ParsedMap } | { kind: 'minified'; source: MinifiedSource } | { kind: 'invalid' };

/** Parsed maps hold decoded mappings besides the JSON text; this approximates their memory per byte of map. */
const PARSED_WEIGHT_PER_BYTE = 3;
/** JavaScript strings are UTF-16, plus the line-start index. */
const SOURCE_WEIGHT_PER_BYTE = 2;

/**
 * Reads artifacts' content and keeps what was parsed from it (source maps, minified files with
 * their line index) in one LRU bounded by an estimate of memory. Concurrent events for the same
 * bundle share one read and parse. Artifacts are immutable (a new upload gets a new id), so
 * entries never go stale; a deleted one is dropped with `forget`.
 */
export class ArtifactLoader {
  private readonly cache: WeightedLru<string, Cached>;
  private readonly pending = new Map<string, Promise<Cached>>();

  constructor(
    private readonly db: Kysely<Database>,
    maxBytes: number,
  ) {
    this.cache = new WeightedLru(maxBytes);
  }

  /** The parsed source map, or null when the file is not a readable map. */
  async map(artifact: { id: string; name: string }): Promise<ParsedMap | null> {
    const cached = await this.load(artifact.id, (text) => this.parseMap(text, artifact.name));
    return cached.kind === 'map' ? cached.map : null;
  }

  async minified(id: string): Promise<MinifiedSource | null> {
    const cached = await this.load(id, (text) => ({ kind: 'minified', source: { text, starts: lineStarts(text), declarations: new Map() } }));
    return cached.kind === 'minified' ? cached.source : null;
  }

  forget(id: string): void {
    this.cache.delete(id);
  }

  private async load(id: string, parse: (text: string) => Cached): Promise<Cached> {
    const cached = this.cache.get(id);
    if (cached) return cached;
    let pending = this.pending.get(id);
    if (!pending) {
      pending = (async (): Promise<Cached> => {
        const content = await artifactContent(this.db, id);
        if (!content) return { kind: 'invalid' };
        const text = (await inflate(content)).toString('utf8');
        const value = parse(text);
        this.cache.set(id, value, value.kind === 'map' ? text.length * PARSED_WEIGHT_PER_BYTE : text.length * SOURCE_WEIGHT_PER_BYTE + 64);
        return value;
      })().finally(() => this.pending.delete(id));
      this.pending.set(id, pending);
    }
    return pending;
  }

  private parseMap(text: string, name: string): Cached {
    try {
      // `)]}'` guards some servers put in front of JSON.
      const map = new AnyMap(text.replace(/^\)\]\}'[^\n]*\n/, ''), name);
      const split: Array<string[] | null | undefined> = [];
      const lines = (index: number): string[] | null => {
        if (split[index] === undefined) {
          const source = map.sourcesContent?.[index];
          split[index] = typeof source === 'string' ? source.split(/\r\n|\r|\n/) : null;
        }
        return split[index] ?? null;
      };
      return { kind: 'map', map: { map, name, lines } };
    } catch {
      return { kind: 'invalid' };
    }
  }
}
