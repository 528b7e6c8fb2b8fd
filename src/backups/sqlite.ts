import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import SQLite from 'better-sqlite3';

/**
 * Backing up Watchpost's own SQLite database. SQLite has no dump stream with a consistent
 * snapshot like pg_dump's, so the one exception to "no temporary copy": `VACUUM INTO` writes a
 * consistent, compacted copy in one read transaction (WAL readers don't block ingest, and ingest
 * doesn't disturb the copy), which is then streamed through the usual pipeline and deleted.
 */
export function snapshotSqlite(file: string, into: string): { tableCounts: Record<string, number>; version: string } {
  const db = new SQLite(file, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 10000');
    db.prepare('VACUUM INTO ?').run(into);
    const version = (db.prepare('select sqlite_version() as v').get() as { v: string }).v;
    return { tableCounts: sqliteRowCounts(into), version: `SQLite ${version}` };
  } finally {
    db.close();
  }
}

/** Rows per table of a SQLite file (SQLite's own tables left out). */
export function sqliteRowCounts(file: string): Record<string, number> {
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>;
    const counts: Record<string, number> = {};
    for (const { name } of tables) counts[name] = (db.prepare(`SELECT count(*) AS n FROM "${name.replaceAll('"', '""')}"`).get() as { n: number }).n;
    return counts;
  } finally {
    db.close();
  }
}

/** `PRAGMA integrity_check` of a restored copy: null when it is sound, else SQLite's first complaints. */
export function sqliteIntegrity(file: string): string | null {
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
    const problems = rows.map((r) => r.integrity_check).filter((r) => r !== 'ok');
    return problems.length === 0 ? null : problems.slice(0, 3).join('; ');
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    db.close();
  }
}

export function fileStream(file: string): Readable {
  return createReadStream(file);
}

/** Writes a stream to `file` (replacing it), removing the partial file on failure. */
export async function writeFile(input: Readable, file: string): Promise<void> {
  try {
    await pipeline(input, createWriteStream(file, { flags: 'w', mode: 0o600 }));
  } catch (error) {
    await rm(file, { force: true });
    throw error;
  }
}
