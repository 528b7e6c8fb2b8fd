import { CreateBucketCommand, HeadObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { buildApp } from 'fauxqs';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { S3TargetConfig } from '../types.js';
import { S3Target } from './s3.js';
import { generatedStream, hashStream } from './testing.js';

/**
 * Against fauxqs, an in-process S3-compatible server (a real HTTP server the real SDK talks to),
 * on 127.0.0.1 and a random port. Every request it answers is recorded, so the tests can see the
 * multipart traffic itself: parts uploaded, uploads completed or aborted.
 */

const MiB = 1024 * 1024;
const BUCKET = 'watchpost-backups';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzz-test-secret';

interface Recorded {
  readonly method: string;
  readonly url: URL;
  readonly status: number;
}

let server: ReturnType<typeof buildApp>;
let endpoint: string;
let admin: S3Client;
const requests: Recorded[] = [];

beforeAll(async () => {
  server = buildApp({ logger: false });
  server.addHook('onResponse', async (request, reply) => {
    requests.push({ method: request.method, url: new URL(request.url, 'http://s3.test'), status: reply.statusCode });
  });
  await server.listen({ host: '127.0.0.1', port: 0 });
  endpoint = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  admin = new S3Client({ region: 'eu-west-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: 'admin', secretAccessKey: 'admin' } });
  await admin.send(new CreateBucketCommand({ Bucket: BUCKET }));
});

afterAll(async () => {
  admin.destroy();
  await server.close();
});

function config(overrides: Partial<S3TargetConfig> = {}): S3TargetConfig {
  return { kind: 's3', bucket: BUCKET, prefix: 'wp/', region: 'eu-west-1', endpoint, forcePathStyle: true, accessKeyId: 'AKIATEST', secretAccessKey: SECRET, ...overrides };
}

/** Requests since the test started that touched `objectKey` (path-style: /bucket/key). */
function requestsFor(objectKey: string, since: number): Recorded[] {
  return requests.slice(since).filter((r) => r.url.pathname === `/${BUCKET}/${objectKey}`);
}

const isUploadPart = (r: Recorded): boolean => r.method === 'PUT' && r.url.searchParams.has('partNumber');
const isComplete = (r: Recorded): boolean => r.method === 'POST' && r.url.searchParams.has('uploadId');
const isAbort = (r: Recorded): boolean => r.method === 'DELETE' && r.url.searchParams.has('uploadId');

/** Whether the server still accepts parts for this multipart upload, i.e. it is still pending. */
async function uploadIsPending(objectKey: string, uploadId: string): Promise<boolean> {
  try {
    await admin.send(new UploadPartCommand({ Bucket: BUCKET, Key: objectKey, UploadId: uploadId, PartNumber: 9, Body: Buffer.from('x') }));
    return true;
  } catch (error) {
    if (error instanceof Error && error.name === 'NoSuchUpload') return false;
    throw error;
  }
}

/** Checks the upload of `objectKey` left nothing: no object, and its multipart upload was aborted. */
async function expectNothingLeft(objectKey: string, since: number): Promise<void> {
  await expect(admin.send(new HeadObjectCommand({ Bucket: BUCKET, Key: objectKey }))).rejects.toMatchObject({ name: 'NotFound' });
  const traffic = requestsFor(objectKey, since);
  expect(traffic.filter(isUploadPart).length).toBeGreaterThanOrEqual(1);
  expect(traffic.filter(isComplete)).toEqual([]);
  const aborts = traffic.filter(isAbort);
  expect(aborts.map((r) => r.status)).toEqual([204]);
  expect(await uploadIsPending(objectKey, aborts[0]!.url.searchParams.get('uploadId')!)).toBe(false);
}

describe('S3Target', () => {
  let target: S3Target;
  let since: number;

  beforeEach(() => {
    target = new S3Target(config());
    since = requests.length;
  });

  afterEach(() => {
    target.close();
  });

  it('round-trips a 20 MB stream as a multipart upload of 8 MiB parts', async () => {
    const size = 20 * MiB + 4321;
    const source = generatedStream(size);
    const result = await target.put('src-1/backup-1.dump.enc', source.stream, new AbortController().signal);

    expect(result).toEqual({ bytes: size });
    const traffic = requestsFor('wp/src-1/backup-1.dump.enc', since);
    expect(traffic.filter(isUploadPart).map((r) => r.url.searchParams.get('partNumber')).sort()).toEqual(['1', '2', '3']);
    expect(traffic.filter(isComplete).map((r) => r.status)).toEqual([200]);
    expect(traffic.filter(isAbort)).toEqual([]);

    expect(await target.size('src-1/backup-1.dump.enc')).toBe(size);
    expect(await hashStream(await target.get('src-1/backup-1.dump.enc'))).toEqual({ sha256: source.digest(), bytes: size });
  });

  it('leaves no object and no pending multipart upload when aborted midway', async () => {
    const controller = new AbortController();
    const source = generatedStream(20 * MiB, { atByte: 10 * MiB, onByte: () => controller.abort() });

    await expect(target.put('src-1/aborted.dump', source.stream, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });

    expect(source.emitted()).toBeLessThan(20 * MiB);
    expect(source.stream.destroyed).toBe(true);
    await expectNothingLeft('wp/src-1/aborted.dump', since);
    expect(await target.size('src-1/aborted.dump')).toBeNull();
  });

  it('leaves nothing and reports the source error when the source fails midway', async () => {
    const source = generatedStream(20 * MiB, { failAt: 12 * MiB });
    await expect(target.put('src-1/broken.dump', source.stream, new AbortController().signal)).rejects.toThrow('generated source failed');
    await expectNothingLeft('wp/src-1/broken.dump', since);
  });

  it('rejects without sending anything when the signal has already fired', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(target.put('early.dump', generatedStream(MiB).stream, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
    expect(requests.length).toBe(since);
  });

  it('gives a clear error when getting a missing object', async () => {
    await expect(target.get('src-1/missing.dump')).rejects.toMatchObject({
      code: 'WP_ERR_NOT_FOUND',
      message: `Backup file not found: s3://${BUCKET}/wp/src-1/missing.dump`,
    });
    expect(await target.size('src-1/missing.dump')).toBeNull();
  });

  it('stores a small backup with one PUT under the prefix, then deletes it; deleting again is fine', async () => {
    const source = generatedStream(100_000);
    expect(await target.put('small/one.dump', source.stream, new AbortController().signal)).toEqual({ bytes: 100_000 });
    const head = await admin.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'wp/small/one.dump' }));
    expect(head.ContentLength).toBe(100_000);
    expect(requestsFor('wp/small/one.dump', since).filter(isUploadPart)).toEqual([]);
    expect(await target.size('small/one.dump')).toBe(100_000);

    await target.delete('small/one.dump');
    expect(await target.size('small/one.dump')).toBeNull();
    await expect(target.delete('small/one.dump')).resolves.toBeUndefined();
  });

  it('never shows the secret key: describe(), inspection, JSON, errors', async () => {
    expect(target.describe()).toBe(`s3://${BUCKET}/wp/ (eu-west-1, ${endpoint})`);
    expect(new S3Target(config({ endpoint: undefined, prefix: '' })).describe()).toBe(`s3://${BUCKET}/ (eu-west-1)`);
    for (const shown of [target.describe(), inspect(target, { depth: 10 }), JSON.stringify(target)]) expect(shown).not.toContain(SECRET);

    const wrongBucket = new S3Target(config({ bucket: 'no-such-bucket' }));
    const error = await wrongBucket.put('x.dump', generatedStream(1000).stream, new AbortController().signal).catch((e: unknown) => e);
    wrongBucket.close();
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^Upload to s3:\/\/no-such-bucket\/wp\/x\.dump failed: NoSuchBucket/);
    expect((error as Error).message).not.toContain(SECRET);
  });

  it('keeps user info out of the described endpoint', () => {
    const withUser = new S3Target(config({ endpoint: 'https://user:pass@minio.internal:9000/ignored' }));
    expect(withUser.describe()).toBe(`s3://${BUCKET}/wp/ (eu-west-1, https://minio.internal:9000)`);
    withUser.close();
  });

  it('rejects keys that would leave the prefix, and bad prefixes', async () => {
    for (const key of ['../other.dump', 'a/../../b.dump', '/abs.dump', 'a//b.dump']) {
      await expect(target.put(key, generatedStream(10).stream, new AbortController().signal)).rejects.toMatchObject({ code: 'WP_ERR_VALIDATION' });
      await expect(target.get(key)).rejects.toMatchObject({ code: 'WP_ERR_VALIDATION' });
    }
    expect(requests.length).toBe(since);
    expect(() => new S3Target(config({ prefix: 'a/../b' }))).toThrow(/Invalid key prefix/);
    expect(() => new S3Target(config(), { partSize: MiB })).toThrow(/part size/);
  });
});
