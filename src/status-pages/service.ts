import type { Kysely } from 'kysely';
import type { AuditService } from '../audit/service.js';
import type { AuditActor } from '../audit/types.js';
import { isUniqueViolation } from '../lib/db-errors.js';
import { fail } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { hashPassword } from '../lib/password.js';
import type { Database } from '../storage/schema.js';
import type { UptimeService } from '../uptime/service.js';
import { PublicSite } from './public-site.js';
import * as repo from './repo.js';
import {
  FINAL_STATUS,
  INCIDENT_STATUSES,
  MAINTENANCE_STATUSES,
  type Component,
  type Impact,
  type Incident,
  type IncidentKind,
  type IncidentStatus,
  type StatusIncidentsTable,
  type StatusPage,
  type StatusPageComponentsTable,
  type StatusPagesTable,
} from './types.js';

type Db = Kysely<Database>;

export interface PageInput {
  slug: string;
  title: string;
  description?: string | null;
  customDomain?: string | null;
  showUptimeBars?: boolean;
  password?: string | null;
}

export interface ComponentInput {
  /** Keep an existing component (its id stays in badge URLs and incidents); omit for a new one. */
  id?: string;
  name: string;
  description?: string | null;
  group?: string | null;
  monitorIds: string[];
}

export interface IncidentInput {
  title: string;
  kind: IncidentKind;
  impact: Impact;
  status?: IncidentStatus;
  body: string;
  componentIds: string[];
  scheduledFor?: number | null;
  scheduledUntil?: number | null;
}

export interface StatusPagesOptions {
  readonly publicUrl: string;
  readonly secretKey: string;
}

function parseIds(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

function statusesOf(kind: IncidentKind): readonly IncidentStatus[] {
  return kind === 'incident' ? INCIDENT_STATUSES : MAINTENANCE_STATUSES;
}

/**
 * Public status pages of a project: the pages, their components (each made of monitors of the
 * project), incidents and maintenance with their updates. `site` is what visitors see (views,
 * caches, access cookies); every change here drops its cached views. Monitors are read only
 * through UptimeService.
 */
export class StatusPagesService {
  /** What visitors see: public views, their cache, custom domains and access cookies. */
  readonly site: PublicSite;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly uptime: UptimeService,
    private readonly options: StatusPagesOptions,
  ) {
    this.site = new PublicSite(db, uptime, (page) => this.urlOf(page), options.secretKey);
  }

  /** The page's canonical address: its custom domain when it has one. */
  urlOf(page: Pick<StatusPagesTable, 'slug' | 'custom_domain'>): string {
    if (page.custom_domain !== null) return `${new URL(this.options.publicUrl).protocol}//${page.custom_domain}`;
    return `${this.options.publicUrl}/status/${page.slug}`;
  }

  #toPage(row: repo.PageRow, components: repo.ComponentRow[]): StatusPage {
    return {
      id: row.id,
      projectId: row.project_id,
      slug: row.slug,
      title: row.title,
      description: row.description,
      customDomain: row.custom_domain,
      passwordProtected: row.password_hash !== null,
      showUptimeBars: row.show_uptime_bars === 1,
      url: this.urlOf(row),
      components: components.filter((c) => c.page_id === row.id).map((c) => this.#toComponent(c)),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  #toComponent(c: repo.ComponentRow): Component {
    return { id: c.id, name: c.name, description: c.description, group: c.group_name, monitorIds: parseIds(c.monitor_ids) };
  }

  async list(projectId: number): Promise<StatusPage[]> {
    const rows = await repo.listPages(this.db, projectId);
    const components = await repo.componentsOf(this.db, rows.map((r) => r.id));
    return rows.map((r) => this.#toPage(r, components));
  }

  async get(id: string): Promise<StatusPage> {
    const row = await repo.getPage(this.db, id);
    if (!row) throw fail('WP_ERR_NOT_FOUND', 'No such status page');
    return this.#toPage(row, await repo.componentsOf(this.db, [id]));
  }

  pageProject(id: string): Promise<number | undefined> {
    return repo.pageProject(this.db, id);
  }

  incidentProject(id: string): Promise<number | undefined> {
    return repo.incidentProject(this.db, id);
  }

  #checkDomain(domain: string | null | undefined): void {
    if (domain === null || domain === undefined) return;
    if (domain === new URL(this.options.publicUrl).hostname) throw fail('WP_ERR_VALIDATION', "A custom domain cannot be Watchpost's own host name");
  }

  /** Slug and custom domain are unique across the instance: say which one is taken. */
  async #checkUnique(patch: { slug?: string; customDomain?: string | null }, except: string | null): Promise<void> {
    if (patch.slug !== undefined) {
      const other = await repo.pageBySlug(this.db, patch.slug);
      if (other && other.id !== except) throw fail('WP_ERR_CONFLICT', `The address /status/${patch.slug} is taken; choose another slug`);
    }
    if (patch.customDomain) {
      const taken = (await repo.customDomains(this.db)).find((d) => d.custom_domain === patch.customDomain);
      if (taken && taken.id !== except) {
        throw fail('WP_ERR_CONFLICT', `Another status page already uses ${patch.customDomain}`);
      }
    }
  }

  async create(projectId: number, orgId: string, input: PageInput, actor: AuditActor): Promise<StatusPage> {
    this.#checkDomain(input.customDomain);
    await this.#checkUnique({ slug: input.slug, customDomain: input.customDomain }, null);
    const now = Date.now();
    const row: StatusPagesTable = {
      id: newId(now),
      project_id: projectId,
      slug: input.slug,
      title: input.title,
      description: input.description ?? null,
      custom_domain: input.customDomain ?? null,
      password_hash: input.password ? await hashPassword(input.password) : null,
      show_uptime_bars: input.showUptimeBars === false ? 0 : 1,
      created_at: now,
      updated_at: now,
    };
    await this.#write(async (tx) => {
      await repo.insertPage(tx, row);
      await this.audit.record({ orgId, actor, action: 'status_page.created', target: { type: 'status_page', id: row.id }, details: { slug: row.slug, title: row.title, projectId } }, tx);
    });
    this.#forget(row.slug);
    return this.#toPage(row, []);
  }

  async update(id: string, orgId: string, patch: Partial<Omit<PageInput, 'password'>>, actor: AuditActor): Promise<StatusPage> {
    const row = await repo.getPage(this.db, id);
    if (!row) throw fail('WP_ERR_NOT_FOUND', 'No such status page');
    this.#checkDomain(patch.customDomain);
    await this.#checkUnique({ slug: patch.slug, customDomain: patch.customDomain }, id);
    const changes: Partial<StatusPagesTable> = { updated_at: Date.now() };
    if (patch.slug !== undefined) changes.slug = patch.slug;
    if (patch.title !== undefined) changes.title = patch.title;
    if (patch.description !== undefined) changes.description = patch.description;
    if (patch.customDomain !== undefined) changes.custom_domain = patch.customDomain;
    if (patch.showUptimeBars !== undefined) changes.show_uptime_bars = patch.showUptimeBars ? 1 : 0;
    await this.#write(async (tx) => {
      await repo.updatePage(tx, id, changes);
      const fields = Object.keys(patch).filter((k) => patch[k as keyof typeof patch] !== undefined);
      await this.audit.record({ orgId, actor, action: 'status_page.updated', target: { type: 'status_page', id }, details: { fields } }, tx);
    });
    this.#forget(row.slug, changes.slug);
    return this.get(id);
  }

  async delete(id: string, orgId: string, actor: AuditActor): Promise<void> {
    const row = await repo.getPage(this.db, id);
    if (!row) throw fail('WP_ERR_NOT_FOUND', 'No such status page');
    await this.db.transaction().execute(async (tx) => {
      await repo.deletePage(tx, id);
      await this.audit.record({ orgId, actor, action: 'status_page.deleted', target: { type: 'status_page', id }, details: { slug: row.slug, title: row.title } }, tx);
    });
    this.#forget(row.slug);
  }

  /** Protects the page with a password (null: makes it public again). Visitors let in before must enter the new one. */
  async setPassword(id: string, orgId: string, password: string | null, actor: AuditActor): Promise<void> {
    const row = await repo.getPage(this.db, id);
    if (!row) throw fail('WP_ERR_NOT_FOUND', 'No such status page');
    const hash = password === null ? null : await hashPassword(password);
    await this.db.transaction().execute(async (tx) => {
      await repo.updatePage(tx, id, { password_hash: hash, updated_at: Date.now() });
      await this.audit.record({ orgId, actor, action: hash === null ? 'status_page.password_cleared' : 'status_page.password_set', target: { type: 'status_page', id } }, tx);
    });
    this.#forget(row.slug);
  }

  /** Sets the page's components, in order, in one go; every monitor must belong to the page's project. */
  async setComponents(id: string, orgId: string, input: ComponentInput[], actor: AuditActor): Promise<Component[]> {
    const row = await repo.getPage(this.db, id);
    if (!row) throw fail('WP_ERR_NOT_FOUND', 'No such status page');
    const existing = new Set((await repo.componentsOf(this.db, [id])).map((c) => c.id));
    const wanted = [...new Set(input.flatMap((c) => c.monitorIds))];
    const found = new Set((await this.uptime.summaries(row.project_id, wanted)).map((m) => m.id));
    const foreign = wanted.filter((m) => !found.has(m));
    if (foreign.length > 0) throw fail('WP_ERR_VALIDATION', `No such monitor in this project: ${foreign.join(', ')}`);
    const seen = new Set<string>();
    const rows: StatusPageComponentsTable[] = input.map((c, position) => {
      if (c.id !== undefined && (!existing.has(c.id) || seen.has(c.id))) throw fail('WP_ERR_VALIDATION', `No such component on this page (or listed twice): ${c.id}`);
      const componentId = c.id ?? newId();
      seen.add(componentId);
      return { id: componentId, page_id: id, name: c.name, description: c.description ?? null, position, monitor_ids: JSON.stringify([...new Set(c.monitorIds)]), group_name: c.group ?? null };
    });
    await this.db.transaction().execute(async (tx) => {
      await repo.replaceComponents(tx, id, rows);
      await repo.updatePage(tx, id, { updated_at: Date.now() });
      await this.audit.record({ orgId, actor, action: 'status_page.components_set', target: { type: 'status_page', id }, details: { components: rows.length } }, tx);
    });
    this.#forget(row.slug);
    return rows.map((c) => this.#toComponent(c));
  }

  #toIncident(row: repo.IncidentRow, updates: repo.UpdateRow[]): Incident {
    return {
      id: row.id,
      statusPageId: row.page_id,
      title: row.title,
      impact: row.impact,
      kind: row.kind,
      status: row.status,
      componentIds: parseIds(row.component_ids),
      scheduledFor: row.scheduled_for,
      scheduledUntil: row.scheduled_until,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      resolvedAt: row.resolved_at,
      createdBy: row.created_by,
      updates: updates.filter((u) => u.incident_id === row.id).map((u) => ({ id: u.id, status: u.status, body: u.body, createdAt: u.created_at, authorId: u.author_id })),
    };
  }

  async listIncidents(pageId: string, query: repo.IncidentQuery): Promise<Incident[]> {
    const rows = await repo.listIncidents(this.db, pageId, query);
    const updates = await repo.updatesOf(this.db, rows.map((r) => r.id));
    return rows.map((r) => this.#toIncident(r, updates));
  }

  async getIncident(id: string): Promise<Incident> {
    const row = await repo.getIncident(this.db, id);
    if (!row) throw fail('WP_ERR_NOT_FOUND', 'No such incident');
    return this.#toIncident(row, await repo.updatesOf(this.db, [id]));
  }

  async #checkComponents(pageId: string, componentIds: readonly string[]): Promise<void> {
    const own = new Set((await repo.componentsOf(this.db, [pageId])).map((c) => c.id));
    const foreign = componentIds.filter((c) => !own.has(c));
    if (foreign.length > 0) throw fail('WP_ERR_VALIDATION', `No such component on this status page: ${foreign.join(', ')}`);
  }

  #checkWindow(kind: IncidentKind, from: number | null, until: number | null): void {
    if (kind === 'incident') {
      if (from !== null || until !== null) throw fail('WP_ERR_VALIDATION', 'Only maintenance has scheduledFor/scheduledUntil');
      return;
    }
    if (from === null || until === null || until <= from) throw fail('WP_ERR_VALIDATION', 'Maintenance needs scheduledFor before scheduledUntil');
  }

  #checkStatus(kind: IncidentKind, status: IncidentStatus): void {
    if (!statusesOf(kind).includes(status)) throw fail('WP_ERR_VALIDATION', `A${kind === 'incident' ? 'n incident' : ' maintenance'} status is one of: ${statusesOf(kind).join(', ')}`);
  }

  /** Opens an incident (or schedules maintenance) with its first update. */
  async createIncident(pageId: string, orgId: string, input: IncidentInput, actor: AuditActor): Promise<Incident> {
    const page = await repo.getPage(this.db, pageId);
    if (!page) throw fail('WP_ERR_NOT_FOUND', 'No such status page');
    const status = input.status ?? statusesOf(input.kind)[0] ?? 'investigating';
    this.#checkStatus(input.kind, status);
    this.#checkWindow(input.kind, input.scheduledFor ?? null, input.scheduledUntil ?? null);
    await this.#checkComponents(pageId, input.componentIds);
    const now = Date.now();
    const row: StatusIncidentsTable = {
      id: newId(now),
      page_id: pageId,
      title: input.title,
      impact: input.impact,
      kind: input.kind,
      status,
      component_ids: JSON.stringify([...new Set(input.componentIds)]),
      scheduled_for: input.scheduledFor ?? null,
      scheduled_until: input.scheduledUntil ?? null,
      created_at: now,
      updated_at: now,
      resolved_at: status === FINAL_STATUS[input.kind] ? now : null,
      created_by: actor.userId,
    };
    await this.db.transaction().execute(async (tx) => {
      await repo.insertIncident(tx, row);
      await repo.insertUpdate(tx, { id: newId(now), incident_id: row.id, status, body: input.body, created_at: now, author_id: actor.userId });
      await this.audit.record({ orgId, actor, action: 'status_incident.created', target: { type: 'status_incident', id: row.id }, details: { title: row.title, kind: row.kind, impact: row.impact, statusPageId: pageId } }, tx);
    });
    this.#forget(page.slug);
    return this.getIncident(row.id);
  }

  /** Posts an update: a new status and a message; the final status resolves it, any other reopens it. */
  async addUpdate(id: string, orgId: string, input: { status: IncidentStatus; body: string; impact?: Impact }, actor: AuditActor): Promise<Incident> {
    const row = await repo.getIncident(this.db, id);
    if (!row) throw fail('WP_ERR_NOT_FOUND', 'No such incident');
    this.#checkStatus(row.kind, input.status);
    // Strictly after everything before it, so the timeline's order never depends on clock ties.
    const now = Math.max(Date.now(), row.updated_at + 1);
    const final = input.status === FINAL_STATUS[row.kind];
    await this.db.transaction().execute(async (tx) => {
      await repo.insertUpdate(tx, { id: newId(now), incident_id: id, status: input.status, body: input.body, created_at: now, author_id: actor.userId });
      await repo.updateIncident(tx, id, { status: input.status, updated_at: now, resolved_at: final ? (row.resolved_at ?? now) : null, ...(input.impact ? { impact: input.impact } : {}) });
      await this.audit.record({ orgId, actor, action: 'status_incident.update_posted', target: { type: 'status_incident', id }, details: { status: input.status } }, tx);
    });
    await this.#forgetPage(row.page_id);
    return this.getIncident(id);
  }

  /** Changes an incident's title, impact, affected components or maintenance window. */
  async updateIncident(id: string, orgId: string, patch: { title?: string; impact?: Impact; componentIds?: string[]; scheduledFor?: number; scheduledUntil?: number }, actor: AuditActor): Promise<Incident> {
    const row = await repo.getIncident(this.db, id);
    if (!row) throw fail('WP_ERR_NOT_FOUND', 'No such incident');
    if (patch.componentIds) await this.#checkComponents(row.page_id, patch.componentIds);
    if (patch.scheduledFor !== undefined || patch.scheduledUntil !== undefined) {
      this.#checkWindow(row.kind, patch.scheduledFor ?? row.scheduled_for, patch.scheduledUntil ?? row.scheduled_until);
    }
    const changes: Partial<StatusIncidentsTable> = { updated_at: Date.now() };
    if (patch.title !== undefined) changes.title = patch.title;
    if (patch.impact !== undefined) changes.impact = patch.impact;
    if (patch.componentIds !== undefined) changes.component_ids = JSON.stringify([...new Set(patch.componentIds)]);
    if (patch.scheduledFor !== undefined) changes.scheduled_for = patch.scheduledFor;
    if (patch.scheduledUntil !== undefined) changes.scheduled_until = patch.scheduledUntil;
    await this.db.transaction().execute(async (tx) => {
      await repo.updateIncident(tx, id, changes);
      const fields = Object.keys(patch).filter((k) => patch[k as keyof typeof patch] !== undefined);
      await this.audit.record({ orgId, actor, action: 'status_incident.updated', target: { type: 'status_incident', id }, details: { fields } }, tx);
    });
    await this.#forgetPage(row.page_id);
    return this.getIncident(id);
  }

  async deleteIncident(id: string, orgId: string, actor: AuditActor): Promise<void> {
    const row = await repo.getIncident(this.db, id);
    if (!row) throw fail('WP_ERR_NOT_FOUND', 'No such incident');
    await this.db.transaction().execute(async (tx) => {
      await repo.deleteIncident(tx, id);
      await this.audit.record({ orgId, actor, action: 'status_incident.deleted', target: { type: 'status_incident', id }, details: { title: row.title, statusPageId: row.page_id } }, tx);
    });
    await this.#forgetPage(row.page_id);
  }

  /** Runs a page write; a slug or domain taken by a concurrent write is a conflict, not a 500. */
  async #write(work: (tx: Db) => Promise<void>): Promise<void> {
    try {
      await this.db.transaction().execute(work);
    } catch (error) {
      if (isUniqueViolation(error)) throw fail('WP_ERR_CONFLICT', 'The slug or custom domain is already used by another status page');
      throw error;
    }
  }

  /** Drops cached public views after a change on this node (other nodes catch up within seconds). */
  #forget(...slugs: Array<string | undefined>): void {
    this.site.forget(...slugs);
  }

  async #forgetPage(pageId: string): Promise<void> {
    const page = await repo.getPage(this.db, pageId);
    if (page) this.#forget(page.slug);
  }
}
