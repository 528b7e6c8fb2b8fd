import type { Kysely } from 'kysely';
import type { Dialect } from '../db.js';
import { foundation } from './0001-foundation.js';
import { errorsPerformance } from './0002-errors-performance.js';
import { sourceMaps } from './0003-source-maps.js';
import { uptimeNotify } from './0004-uptime-notify.js';
import { statusPages } from './0005-status-pages.js';
import { backups } from './0006-backups.js';
import { perfPending } from './0007-perf-pending.js';
import { tagLookupIndex } from './0008-tag-lookup-index.js';

/** A schema change written once for both engines; `dialect` covers the few differences. */
export interface WatchpostMigration {
  readonly name: string;
  // Migrations see the database as it was at their time, not today's typed schema.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  up(db: Kysely<any>, dialect: Dialect): Promise<void>;
}

/** In order. Never edit a migration that has shipped; add a new one. */
export const migrations: readonly WatchpostMigration[] = [foundation, errorsPerformance, sourceMaps, uptimeNotify, statusPages, backups, perfPending, tagLookupIndex];
