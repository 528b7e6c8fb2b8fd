import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Kysely } from 'kysely';
import { verifyAgainstDummy, verifyPassword } from '../lib/password.js';
import type { Database } from '../storage/schema.js';
import type { UptimeService } from '../uptime/service.js';
import { DAY } from '../lib/periods.js';
import { PageAccess } from './access.js';
import * as repo from './repo.js';
import type { PublicView, StatusPagesTable } from './types.js';
import { buildView, monitorIdsOf, PAST_DAYS } from './view.js';

type Db = Kysely<Database>;

/** How long a page's public view and its rendered outputs are reused. */
const PUBLIC_TTL_MS = 10_000;
const PUBLIC_CACHE_PAGES = 1000;

export interface RenderedOutput {
  readonly body: string;
  readonly etag: string;
  gzipped(): Buffer;
}

/** A page's public view plus what the public routes need to guard and cache it. */
export interface PublicEntry {
  readonly view: PublicView;
  readonly pageId: string;
  readonly passwordHash: string | null;
  /** A rendered output of this view (page, feed, badge…), rendered (and gzipped) once per cache period. */
  output(key: string, render: () => string): RenderedOutput;
}

/** A weak validator from the content: equal bodies, equal tags, whichever node rendered them. */
export function etagOf(body: string): string {
  return `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/**
 * The side of status pages that visitors see: each page's public view, built from the database
 * and UptimeService at most every few seconds per page and node (a status page is read hardest
 * exactly when things break), the custom-domain map, and the access cookies of protected pages.
 */
export class PublicSite {
  readonly access: PageAccess;
  readonly #cache = new Map<string, { expires: number; entry: Promise<PublicEntry | undefined> }>();
  #domains: { expires: number; map: Promise<Map<string, string>> } | undefined;

  constructor(
    private readonly db: Db,
    private readonly uptime: UptimeService,
    private readonly urlOf: (page: Pick<StatusPagesTable, 'slug' | 'custom_domain'>) => string,
    secretKey: string,
  ) {
    this.access = new PageAccess(secretKey);
  }

  /** The public view of the page at /status/<slug>, built at most every few seconds per page and node. */
  page(slug: string, now = Date.now()): Promise<PublicEntry | undefined> {
    const cached = this.#cache.get(slug);
    if (cached && cached.expires > now) return cached.entry;
    const entry = this.#buildEntry(slug, now);
    this.#cache.delete(slug);
    if (this.#cache.size >= PUBLIC_CACHE_PAGES) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
    this.#cache.set(slug, { expires: now + PUBLIC_TTL_MS, entry });
    // A failed build is not kept: the next request tries again. Unknown slugs aren't kept either.
    entry.then(
      (found) => {
        if (!found && this.#cache.get(slug)?.entry === entry) this.#cache.delete(slug);
      },
      () => {
        if (this.#cache.get(slug)?.entry === entry) this.#cache.delete(slug);
      },
    );
    return entry;
  }

  async #buildEntry(slug: string, now: number): Promise<PublicEntry | undefined> {
    const page = await repo.pageBySlug(this.db, slug);
    if (!page) return undefined;
    const since = Math.floor(now / DAY) * DAY - PAST_DAYS * DAY;
    const [components, current, recent] = await Promise.all([
      repo.componentsOf(this.db, [page.id]),
      repo.incidentsForView(this.db, page.id, since, 200),
      repo.listIncidents(this.db, page.id, { limit: 25 }),
    ]);
    const incidents = [...new Map([...current, ...recent].map((i) => [i.id, i])).values()];
    const [monitors, updates] = await Promise.all([this.uptime.summaries(page.project_id, monitorIdsOf(components), now), repo.updatesOf(this.db, incidents.map((i) => i.id))]);
    const view = buildView({ page, url: this.urlOf(page), components, monitors, incidents, updates, now });
    const outputs = new Map<string, RenderedOutput>();
    return {
      view,
      pageId: page.id,
      passwordHash: page.password_hash,
      output(key, render) {
        let out = outputs.get(key);
        if (!out) {
          const body = render();
          let gzipped: Buffer | undefined;
          outputs.set(key, (out = { body, etag: etagOf(body), gzipped: () => (gzipped ??= gzipSync(body)) }));
        }
        return out;
      },
    };
  }

  /** Checks a visitor's password for a protected page (constant work whether or not the page exists). */
  async checkPassword(entry: PublicEntry | undefined, password: string): Promise<boolean> {
    if (!entry?.passwordHash) return verifyAgainstDummy(password);
    return verifyPassword(password, entry.passwordHash);
  }

  /** The slug of the page served at `/` on this host name, if any (custom domains, cached briefly). */
  async slugForDomain(host: string, now = Date.now()): Promise<string | undefined> {
    if (!this.#domains || this.#domains.expires <= now) {
      const map = repo.customDomains(this.db).then((rows) => new Map(rows.map((r) => [r.custom_domain ?? '', r.slug])));
      this.#domains = { expires: now + PUBLIC_TTL_MS, map };
      map.catch(() => {
        if (this.#domains?.map === map) this.#domains = undefined;
      });
    }
    return (await this.#domains.map).get(host);
  }

  /** Drops cached views of these pages and the domain map (after a change on this node). */
  forget(...slugs: Array<string | undefined>): void {
    for (const slug of slugs) if (slug !== undefined) this.#cache.delete(slug);
    this.#domains = undefined;
  }
}
