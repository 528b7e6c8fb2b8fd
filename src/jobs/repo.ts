import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.js';
import type { JobRunRow, JobRunStatus, JobScheduleRow } from './types.js';

type Db = Kysely<Database>;

/** Creates the schedule row, or reschedules it when the job's spec changed since it was stored. */
export async function upsertSchedule(db: Db, name: string, spec: string, nextRunAt: number, now: number): Promise<void> {
  await db
    .insertInto('job_schedules')
    .values({ name, spec, next_run_at: nextRunAt, lease_owner: null, lease_until: null, last_run_at: null, updated_at: now })
    .onConflict((oc) =>
      oc.column('name').doUpdateSet({ spec, next_run_at: nextRunAt, updated_at: now }).where('job_schedules.spec', '!=', spec),
    )
    .execute();
}

export async function listSchedules(db: Db, names: readonly string[]): Promise<JobScheduleRow[]> {
  if (names.length === 0) return [];
  return db.selectFrom('job_schedules').selectAll().where('name', 'in', names).orderBy('name').execute();
}

/**
 * Claims the occurrence `nextRunAt` of a job for `owner`. The conditional UPDATE is atomic on both
 * engines, so of several nodes racing for one occurrence exactly one sees a changed row. A lease
 * left by a crashed node counts as free once it has expired.
 */
export async function claimOccurrence(db: Db, name: string, nextRunAt: number, owner: string, now: number, leaseMs: number): Promise<boolean> {
  const result = await db
    .updateTable('job_schedules')
    .set({ lease_owner: owner, lease_until: now + leaseMs, updated_at: now })
    .where('name', '=', name)
    .where('next_run_at', '=', nextRunAt)
    .where('next_run_at', '<=', now)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function renewLease(db: Db, name: string, owner: string, until: number): Promise<boolean> {
  const result = await db
    .updateTable('job_schedules')
    .set({ lease_until: until })
    .where('name', '=', name)
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Releases the claim and moves the job to its next occurrence; only the lease holder may. A "run
 * now" made while the job ran (next_run_at no longer the occurrence that ran) is kept.
 */
export async function completeOccurrence(db: Db, name: string, owner: string, ranFor: number, nextRunAt: number, lastRunAt: number): Promise<void> {
  await db
    .updateTable('job_schedules')
    .set((eb) => ({
      next_run_at: eb.case().when('next_run_at', '=', ranFor).then(nextRunAt).else(eb.ref('next_run_at')).end(),
      last_run_at: lastRunAt,
      lease_owner: null,
      lease_until: null,
      updated_at: lastRunAt,
    }))
    .where('name', '=', name)
    .where('lease_owner', '=', owner)
    .execute();
}

export async function setNextRunAt(db: Db, name: string, nextRunAt: number, now: number): Promise<boolean> {
  const result = await db.updateTable('job_schedules').set({ next_run_at: nextRunAt, updated_at: now }).where('name', '=', name).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertRun(db: Db, row: JobRunRow): Promise<void> {
  await db.insertInto('job_runs').values(row).execute();
}

export async function finishRun(
  db: Db,
  id: string,
  patch: { status: JobRunStatus; finished_at: number; duration_ms: number; error: string | null; result: string | null },
): Promise<void> {
  await db.updateTable('job_runs').set(patch).where('id', '=', id).execute();
}

/** Runs of a job still marked running by a node whose lease lapsed: they will never finish. */
export async function abandonStaleRuns(db: Db, name: string, exceptId: string, now: number): Promise<void> {
  await db
    .updateTable('job_runs')
    .set({ status: 'abandoned', finished_at: now })
    .where('job_name', '=', name)
    .where('status', '=', 'running')
    .where('id', '!=', exceptId)
    .execute();
}

export async function listRuns(db: Db, name: string | null, limit: number, before?: string): Promise<JobRunRow[]> {
  let q = db.selectFrom('job_runs').selectAll();
  if (name !== null) q = q.where('job_name', '=', name);
  if (before !== undefined) q = q.where('id', '<', before);
  return q.orderBy('id', 'desc').limit(limit).execute();
}

export async function latestRuns(db: Db, names: readonly string[]): Promise<JobRunRow[]> {
  if (names.length === 0) return [];
  // One row per job: the newest run. Ids are time-ordered, so max(id) is the newest.
  return db
    .selectFrom('job_runs')
    .selectAll()
    .where('id', 'in', (eb) => eb.selectFrom('job_runs').select((e) => e.fn.max('id').as('id')).where('job_name', 'in', names).groupBy('job_name'))
    .execute();
}

export async function deleteRunsBefore(db: Db, before: number): Promise<number> {
  const result = await db.deleteFrom('job_runs').where('started_at', '<', before).where('status', '!=', 'running').executeTakeFirst();
  return Number(result.numDeletedRows);
}
