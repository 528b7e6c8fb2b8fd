import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalTarget } from './local.js';
import { generatedStream, hashStream } from './testing.js';

const MiB = 1024 * 1024;

/** Every file under `dir`, relative, so a test can say exactly what was left behind. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

describe('LocalTarget', () => {
  let root: string;
  let target: LocalTarget;

  beforeEach(async () => {
    root = path.join(await mkdtemp(path.join(tmpdir(), 'wp-local-target-')), 'backups');
    target = new LocalTarget({ kind: 'local', path: root });
  });

  afterEach(async () => {
    await rm(path.dirname(root), { recursive: true, force: true });
  });

  it('round-trips a 20 MB stream into a subdirectory it creates, and reports size', async () => {
    const source = generatedStream(20 * MiB + 12345);
    const result = await target.put('src-1/backup-1.dump.enc', source.stream, new AbortController().signal);

    expect(result.bytes).toBe(20 * MiB + 12345);
    expect(await filesUnder(root)).toEqual(['src-1/backup-1.dump.enc']);
    expect(await target.size('src-1/backup-1.dump.enc')).toBe(20 * MiB + 12345);
    expect((await stat(path.join(root, 'src-1/backup-1.dump.enc'))).mode & 0o777).toBe(0o600);

    const read = await hashStream(await target.get('src-1/backup-1.dump.enc'));
    expect(read).toEqual({ sha256: source.digest(), bytes: 20 * MiB + 12345 });
  });

  it('leaves neither the file nor a .partial when aborted midway, and destroys the source', async () => {
    const controller = new AbortController();
    const source = generatedStream(20 * MiB, { atByte: 5 * MiB, onByte: () => controller.abort() });

    await expect(target.put('src-1/aborted.dump', source.stream, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });

    expect(source.emitted()).toBeLessThan(20 * MiB);
    expect(source.stream.destroyed).toBe(true);
    expect(await filesUnder(root)).toEqual([]);
    expect(await target.size('src-1/aborted.dump')).toBeNull();
  });

  it('rejects without writing when the signal has already fired', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(target.put('early.dump', generatedStream(MiB).stream, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
    await expect(stat(root)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('removes the .partial and rejects with the source error when the source fails', async () => {
    const source = generatedStream(10 * MiB, { failAt: 3 * MiB });
    await expect(target.put('src-1/broken.dump', source.stream, new AbortController().signal)).rejects.toThrow('generated source failed');
    expect(await filesUnder(root)).toEqual([]);
  });

  it('keeps the previous backup intact when a replacement fails', async () => {
    const first = generatedStream(MiB);
    await target.put('same.dump', first.stream, new AbortController().signal);
    await expect(target.put('same.dump', generatedStream(4 * MiB, { failAt: 2 * MiB }).stream, new AbortController().signal)).rejects.toThrow();
    expect(await hashStream(await target.get('same.dump'))).toEqual({ sha256: first.digest(), bytes: MiB });
  });

  it('gives a clear error for a missing file, and null size', async () => {
    await expect(target.get('src-1/nope.dump')).rejects.toMatchObject({
      code: 'WP_ERR_NOT_FOUND',
      message: `Backup file not found: ${path.join(root, 'src-1/nope.dump')}`,
    });
    expect(await target.size('src-1/nope.dump')).toBeNull();
  });

  it('treats a directory as no backup', async () => {
    await target.put('dir/inner.dump', generatedStream(10).stream, new AbortController().signal);
    await expect(target.get('dir')).rejects.toMatchObject({ code: 'WP_ERR_NOT_FOUND' });
    expect(await target.size('dir')).toBeNull();
  });

  it('deletes a file, and deleting a missing one is not an error', async () => {
    await target.put('a/b.dump', generatedStream(1000).stream, new AbortController().signal);
    await target.delete('a/b.dump');
    expect(await target.size('a/b.dump')).toBeNull();
    await expect(target.delete('a/b.dump')).resolves.toBeUndefined();
    await expect(target.delete('never/was.dump')).resolves.toBeUndefined();
  });

  it.each([
    ['../escape.dump'],
    ['a/../../escape.dump'],
    ['/etc/passwd'],
    ['C:/windows.dump'],
    ['a//b.dump'],
    ['./a.dump'],
    ['a\\..\\b.dump'],
    ['nul\u0000byte.dump'],
    ['looks-like.partial'],
    [''],
  ])('rejects the key %j before touching the disk', async (key) => {
    // A file just outside the root that a traversal would reach.
    await writeFile(path.join(path.dirname(root), 'escape.dump'), 'do not touch');
    const source = generatedStream(10);
    await expect(target.put(key, source.stream, new AbortController().signal)).rejects.toMatchObject({ code: 'WP_ERR_VALIDATION' });
    await expect(target.get(key)).rejects.toMatchObject({ code: 'WP_ERR_VALIDATION' });
    await expect(target.delete(key)).rejects.toMatchObject({ code: 'WP_ERR_VALIDATION' });
    await expect(target.size(key)).rejects.toMatchObject({ code: 'WP_ERR_VALIDATION' });
    expect(await filesUnder(path.dirname(root))).toEqual(['escape.dump']);
  });

  it('refuses a relative directory and describes itself by its path', () => {
    expect(() => new LocalTarget({ kind: 'local', path: 'relative/dir' })).toThrow(/absolute path/);
    expect(target.describe()).toBe(root);
  });
});
