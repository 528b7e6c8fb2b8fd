import type { Kysely } from 'kysely';
import { fail } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { Database } from '../storage/schema.js';
import * as repo from './repo.js';
import type { DeploysTable } from './types.js';

export interface NewDeploy {
  environment: string;
  name: string | null;
  url: string | null;
  dateStarted: number | null;
  dateFinished: number | null;
}

export interface Deploy {
  id: string;
  projectId: number;
  release: string;
  environment: string;
  name: string | null;
  url: string | null;
  dateStarted: number | null;
  dateFinished: number;
}

function toDeploy(row: DeploysTable): Deploy {
  return { id: row.id, projectId: row.project_id, release: row.release, environment: row.environment, name: row.name, url: row.url, dateStarted: row.date_started, dateFinished: row.date_finished };
}

/**
 * Releases created ahead of their first event and the deploys recorded against them (what
 * sentry-cli's `releases new` and `releases deploys … new` send). Deploy tracking builds on this.
 */
export class DeploysService {
  constructor(private readonly db: Kysely<Database>) {}

  /** Creates the release in each project (a no-op where it exists); returns when each was created. */
  async createRelease(projectIds: readonly number[], version: string): Promise<Array<{ projectId: number; createdAt: number }>> {
    await repo.ensureReleases(this.db, projectIds, version, Date.now());
    return repo.projectsWithRelease(this.db, projectIds, version);
  }

  /** The projects (of those given) that have this release; 404 when none has. */
  async releaseProjects(projectIds: readonly number[], version: string): Promise<Array<{ projectId: number; createdAt: number }>> {
    const found = await repo.projectsWithRelease(this.db, projectIds, version);
    if (found.length === 0) throw fail('WP_ERR_NOT_FOUND', `No release ${version.slice(0, 200)}`);
    return found;
  }

  /** Records a deploy of a release in each of the projects that have it. */
  async recordDeploy(projectIds: readonly number[], version: string, input: NewDeploy): Promise<Deploy[]> {
    const projects = await this.releaseProjects(projectIds, version);
    const now = Date.now();
    const rows: DeploysTable[] = projects.map((p) => ({
      id: newId(now),
      project_id: p.projectId,
      release: version,
      environment: input.environment,
      name: input.name,
      url: input.url,
      date_started: input.dateStarted,
      date_finished: input.dateFinished ?? now,
      created_at: now,
    }));
    await repo.insertDeploys(this.db, rows);
    return rows.map(toDeploy);
  }

  async deploys(projectIds: readonly number[], version: string): Promise<Deploy[]> {
    return (await repo.listDeploys(this.db, projectIds, version)).map(toDeploy);
  }
}
