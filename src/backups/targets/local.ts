import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fail, type WatchpostError } from '../../lib/errors.js';
import type { BackupTarget, LocalTargetConfig } from '../types.js';
import { abortError, keySegments, PARTIAL_SUFFIX } from './keys.js';

/** Errors that mean "this path does not exist", including a parent that is a file. */
const MISSING = new Set(['ENOENT', 'ENOTDIR']);

/** Filesystems that cannot fsync a directory say so with these; anything else is a real failure. */
const DIR_SYNC_UNSUPPORTED = new Set(['EINVAL', 'ENOTSUP', 'EISDIR', 'EPERM', 'EBADF']);

/**
 * Backups in a local directory. A file is written as `<key>.partial`, fsynced, then renamed into
 * place, so a file under its final name is always complete. Backups hold password hashes and
 * customer data: files are created 0600 and new directories 0700.
 */
export class LocalTarget implements BackupTarget {
  readonly kind = 'local' as const;
  readonly #root: string;

  constructor(config: LocalTargetConfig) {
    if (!path.isAbsolute(config.path)) throw fail('WP_ERR_VALIDATION', `The backup directory must be an absolute path, got ${JSON.stringify(config.path)}`);
    this.#root = path.resolve(config.path);
  }

  /** The directory, e.g. '/var/backups/watchpost'. */
  describe(): string {
    return this.#root;
  }

  /** Streams `body` to the file; `body` is consumed, and destroyed when the write fails. */
  async put(key: string, body: Readable, signal: AbortSignal): Promise<{ bytes: number }> {
    const file = this.#fileOf(key);
    if (signal.aborted) {
      body.destroy();
      throw abortError(signal);
    }
    const partial = file + PARTIAL_SUFFIX;
    let renamed = false;
    try {
      await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      // flush: the stream fsyncs the file before closing it, and reports a failed fsync as an error.
      const out = createWriteStream(partial, { flags: 'w', mode: 0o600, flush: true });
      // pipeline() honours the file's backpressure, waits for the close (after the fsync) and
      // destroys both streams on error or abort.
      await pipeline(body, out, { signal });
      if (signal.aborted) throw abortError(signal);
      await rename(partial, file);
      renamed = true;
      // The rename is only durable once the directory entry is on disk too.
      await syncDirectory(path.dirname(file));
      return { bytes: out.bytesWritten };
    } catch (error) {
      body.destroy();
      await rm(renamed ? file : partial, { force: true }).catch(() => undefined);
      throw signal.aborted ? abortError(signal) : error;
    }
  }

  /** Opens the file for reading; rejects with WP_ERR_NOT_FOUND when there is no such backup. */
  async get(key: string, signal?: AbortSignal): Promise<Readable> {
    const file = this.#fileOf(key);
    if (signal?.aborted) throw abortError(signal);
    // Open before returning, so a missing file is a rejection here rather than a stream error later.
    let handle: FileHandle;
    try {
      handle = await open(file, 'r');
    } catch (error) {
      if (MISSING.has(errorCode(error))) throw notFound(file);
      throw error;
    }
    const info = await handle.stat().catch(async (error: unknown) => {
      await handle.close();
      throw error;
    });
    if (!info.isFile()) {
      await handle.close();
      throw notFound(file);
    }
    return createReadStream(file, { fd: handle, signal });
  }

  /** Removes the file; a missing one is fine. */
  async delete(key: string): Promise<void> {
    const file = this.#fileOf(key);
    try {
      await unlink(file);
    } catch (error) {
      if (!MISSING.has(errorCode(error))) throw error;
    }
  }

  /** The file's size, or null when there is no such file. */
  async size(key: string): Promise<number | null> {
    const file = this.#fileOf(key);
    try {
      const info = await stat(file);
      return info.isFile() ? info.size : null;
    } catch (error) {
      if (MISSING.has(errorCode(error))) return null;
      throw error;
    }
  }

  #fileOf(key: string): string {
    const file = path.join(this.#root, ...keySegments(key));
    // keySegments() already refuses '..'; this guards the invariant if that rule ever changes.
    if (!file.startsWith(this.#root + path.sep)) throw fail('WP_ERR_VALIDATION', `Backup key ${JSON.stringify(key)} points outside ${this.#root}`);
    return file;
  }
}

function notFound(file: string): WatchpostError {
  return fail('WP_ERR_NOT_FOUND', `Backup file not found: ${file}`);
}

function errorCode(error: unknown): string {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : '';
}

async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    if (!DIR_SYNC_UNSUPPORTED.has(errorCode(error))) throw error;
  } finally {
    await handle?.close();
  }
}
