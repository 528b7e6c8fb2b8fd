import type { Kysely } from 'kysely';
import type { AuditService } from '../audit/service.js';
import type { AuditActor } from '../audit/types.js';
import { fail } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { Database } from '../storage/schema.js';
import { MINUTE } from '../lib/periods.js';
import * as repo from './repo.js';
import { inMaintenance, validateCron } from './schedule.js';

/** Maintenance windows of a project: one-off or recurring (cron + duration in a time zone). */
export class MaintenanceWindows {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditService,
  ) {}

  async list(projectId: number) {
    return (await repo.listWindows(this.db, projectId)).map((w) => this.#toWindow(w));
  }

  #toWindow(w: repo.WindowRow) {
    const now = Date.now();
    const ids = repo.parseStored<string[]>(w.monitor_ids);
    return {
      id: w.id,
      title: w.title,
      monitorIds: ids,
      startsAt: w.starts_at,
      endsAt: w.ends_at,
      cron: w.cron,
      durationMinutes: w.duration_ms === null ? null : Math.round(w.duration_ms / MINUTE),
      timezone: w.timezone,
      activeNow: inMaintenance({ ...w, monitor_ids: null }, '', now),
      createdAt: w.created_at,
    };
  }

  async create(
    projectId: number,
    orgId: string,
    input: { title: string; monitorIds: string[] | null; startsAt: number | null; endsAt: number | null; cron: string | null; durationMinutes: number | null; timezone: string },
    actor: AuditActor,
  ) {
    if (input.cron !== null) {
      if (input.durationMinutes === null) throw fail('WP_ERR_VALIDATION', 'A recurring window needs durationMinutes');
      try {
        validateCron(input.cron, input.timezone);
      } catch (error) {
        throw fail('WP_ERR_VALIDATION', error instanceof Error ? error.message : String(error));
      }
    } else if (input.startsAt === null || input.endsAt === null || input.endsAt <= input.startsAt) {
      throw fail('WP_ERR_VALIDATION', 'A one-off window needs startsAt before endsAt (or give a cron expression and durationMinutes)');
    }
    if (input.monitorIds !== null) {
      for (const monitorId of input.monitorIds) {
        if ((await repo.monitorProject(this.db, monitorId)) !== projectId) throw fail('WP_ERR_VALIDATION', `No such monitor in this project: ${monitorId}`);
      }
    }
    const now = Date.now();
    const row = {
      id: newId(now),
      project_id: projectId,
      title: input.title,
      monitor_ids: input.monitorIds === null ? null : JSON.stringify(input.monitorIds),
      starts_at: input.cron === null ? input.startsAt : null,
      ends_at: input.cron === null ? input.endsAt : null,
      cron: input.cron,
      duration_ms: input.cron !== null && input.durationMinutes !== null ? input.durationMinutes * MINUTE : null,
      timezone: input.timezone,
      created_at: now,
      updated_at: now,
    };
    await this.db.transaction().execute(async (tx) => {
      await repo.insertWindow(tx, row);
      await this.audit.record({ orgId, actor, action: 'maintenance.created', target: { type: 'maintenance', id: row.id }, details: { title: input.title, projectId } }, tx);
    });
    return this.#toWindow(row);
  }

  async delete(id: string, orgId: string, actor: AuditActor): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await repo.deleteWindow(tx, id);
      await this.audit.record({ orgId, actor, action: 'maintenance.deleted', target: { type: 'maintenance', id } }, tx);
    });
  }
}
