import { describe, expect, it } from 'vitest';
import { createTarget, LocalTarget, S3Target, TARGET_SECRET_FIELDS, targetConfigSchema } from './index.js';

const s3 = { kind: 's3', bucket: 'backups', region: 'eu-west-1', accessKeyId: 'AKIA1', secretAccessKey: 'shh' } as const;

function issues(input: unknown): string[] {
  const result = targetConfigSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('targetConfigSchema', () => {
  it('accepts both kinds and fills S3 defaults', () => {
    expect(targetConfigSchema.parse({ kind: 'local', path: '/var/backups/watchpost' })).toEqual({ kind: 'local', path: '/var/backups/watchpost' });
    expect(targetConfigSchema.parse({ kind: 's3', bucket: 'b-1', accessKeyId: 'a', secretAccessKey: 's' })).toEqual({
      kind: 's3',
      bucket: 'b-1',
      prefix: '',
      region: 'us-east-1',
      accessKeyId: 'a',
      secretAccessKey: 's',
    });
    expect(targetConfigSchema.parse({ ...s3, endpoint: 'https://acc.r2.cloudflarestorage.com', forcePathStyle: true, prefix: 'wp/prod' })).toMatchObject({
      endpoint: 'https://acc.r2.cloudflarestorage.com',
      forcePathStyle: true,
      prefix: 'wp/prod',
    });
  });

  it.each([
    [{ kind: 'ftp', path: '/x' }, /kind/],
    [{ kind: 'local', path: 'relative/dir' }, /path: .*absolute/],
    [{ kind: 'local', path: '/x', extra: 1 }, /extra|Unrecognized/],
    [{ ...s3, bucket: 'a/b' }, /bucket/],
    [{ ...s3, prefix: '/leading' }, /prefix: .*slash/],
    [{ ...s3, prefix: 'a/../b' }, /prefix: .*'\.\.'/],
    [{ ...s3, endpoint: 'ftp://minio:9000' }, /endpoint: .*http/],
    [{ ...s3, endpoint: 'https://user:pass@minio:9000' }, /endpoint: .*credentials/],
    [{ ...s3, secretAccessKey: '' }, /secretAccessKey/],
    [{ ...s3, forcePathStyle: 'yes' }, /forcePathStyle/],
  ])('rejects %j with a clear issue', (input, expected) => {
    expect(issues(input).join('\n')).toMatch(expected);
  });
});

describe('createTarget', () => {
  it('builds the target of each kind', () => {
    const local = createTarget({ kind: 'local', path: '/var/backups/watchpost' });
    expect(local).toBeInstanceOf(LocalTarget);
    expect(local.kind).toBe('local');
    const remote = createTarget({ ...s3, prefix: 'wp' });
    expect(remote).toBeInstanceOf(S3Target);
    expect(remote.describe()).toBe('s3://backups/wp/ (eu-west-1)');
    (remote as S3Target).close();
  });

  it('names the secret fields for the API layer', () => {
    expect(TARGET_SECRET_FIELDS).toEqual(['secretAccessKey']);
  });
});
