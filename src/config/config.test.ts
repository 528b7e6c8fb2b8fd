import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './index.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'wp-config-'));

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('defaults to SQLite under the data dir on port 8080 and freezes the result', () => {
    const dir = tmp();
    const config = loadConfig({ WATCHPOST_DATA_DIR: dir });
    expect(config.port).toBe(8080);
    expect(config.database).toEqual({ dialect: 'sqlite', file: join(dir, 'watchpost.db') });
    expect(config.publicUrl).toBe('http://localhost:8080');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('refuses link-local egress unless WATCHPOST_EGRESS_ALLOW_LINK_LOCAL says otherwise', () => {
    const dir = tmp();
    expect(loadConfig({ WATCHPOST_DATA_DIR: dir }).egress).toEqual({ allowLinkLocal: false });
    expect(loadConfig({ WATCHPOST_DATA_DIR: dir, WATCHPOST_EGRESS_ALLOW_LINK_LOCAL: 'true' }).egress).toEqual({ allowLinkLocal: true });
    expect(problemsOf({ WATCHPOST_DATA_DIR: dir, WATCHPOST_EGRESS_ALLOW_LINK_LOCAL: 'sometimes' }).join('\n')).toMatch(/^WATCHPOST_EGRESS_ALLOW_LINK_LOCAL: /);
  });

  it('processes ingest on up to four worker threads, leaving one core to the main thread', () => {
    const dir = tmp();
    expect(loadConfig({ WATCHPOST_DATA_DIR: dir }).ingest.workers).toBe(Math.max(0, Math.min(4, availableParallelism() - 1)));
    expect(loadConfig({ WATCHPOST_DATA_DIR: dir, WATCHPOST_INGEST_WORKERS: '0' }).ingest.workers).toBe(0);
    expect(loadConfig({ WATCHPOST_DATA_DIR: dir, WATCHPOST_INGEST_WORKERS: '6' }).ingest.workers).toBe(6);
    for (const bad of ['-1', '33', '1.5', 'many']) {
      expect(problemsOf({ WATCHPOST_DATA_DIR: dir, WATCHPOST_INGEST_WORKERS: bad }).join('\n')).toMatch(/^WATCHPOST_INGEST_WORKERS: /);
    }
  });

  it('generates the secret key once on SQLite and keeps it in the data dir with mode 0600', () => {
    const dir = tmp();
    const first = loadConfig({ WATCHPOST_DATA_DIR: dir });
    const second = loadConfig({ WATCHPOST_DATA_DIR: dir });
    expect(first.secretKey.length).toBeGreaterThanOrEqual(32);
    expect(second.secretKey).toBe(first.secretKey);
    expect(first.secretKeySource).toBe('generated');
    expect(readFileSync(join(dir, 'secret.key'), 'utf8').trim()).toBe(first.secretKey);
    expect(statSync(join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
  });

  it('requires the secret key on PostgreSQL', () => {
    expect(problemsOf({ DATABASE_URL: 'postgres://u@h/db', WATCHPOST_DATA_DIR: tmp() })).toEqual([
      expect.stringMatching(/^WATCHPOST_SECRET_KEY: required when DATABASE_URL points at PostgreSQL/),
    ]);
  });

  it('lists every problem at once, each naming its variable', () => {
    const problems = problemsOf({
      WATCHPOST_PORT: 'eighty',
      WATCHPOST_PUBLIC_URL: 'not a url',
      WATCHPOST_LOG_LEVEL: 'loud',
      WATCHPOST_TRUST_PROXY: 'maybe',
      WATCHPOST_ADMIN_EMAIL: 'admin@example.com',
      DATABASE_URL: 'postgres://u@h/db',
    });
    const names = problems.map((p) => p.split(':')[0]);
    expect(names).toEqual(
      expect.arrayContaining([
        'WATCHPOST_PORT',
        'WATCHPOST_PUBLIC_URL',
        'WATCHPOST_LOG_LEVEL',
        'WATCHPOST_TRUST_PROXY',
        'WATCHPOST_ADMIN_EMAIL/WATCHPOST_ADMIN_PASSWORD',
        'WATCHPOST_SECRET_KEY',
      ]),
    );
    expect(problems.find((p) => p.startsWith('WATCHPOST_PORT'))).toContain('"eighty"');
  });

  it('never echoes secret values in problems', () => {
    const problems = problemsOf({ WATCHPOST_SECRET_KEY: 'short-secret', WATCHPOST_DATA_DIR: tmp() });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^WATCHPOST_SECRET_KEY: must be at least 32 characters/);
    expect(problems[0]).not.toContain('short-secret');
  });

  it('reads secrets from NAME_FILE and rejects setting both', () => {
    const dir = tmp();
    const file = join(dir, 'key');
    writeFileSync(file, 'k'.repeat(40) + '\n');
    const config = loadConfig({ WATCHPOST_SECRET_KEY_FILE: file, WATCHPOST_DATA_DIR: dir });
    expect(config.secretKey).toBe('k'.repeat(40));
    expect(config.secretKeySource).toBe('file');
    expect(problemsOf({ WATCHPOST_SECRET_KEY_FILE: file, WATCHPOST_SECRET_KEY: 'x'.repeat(40), WATCHPOST_DATA_DIR: dir })).toEqual([
      'WATCHPOST_SECRET_KEY_FILE: both WATCHPOST_SECRET_KEY and WATCHPOST_SECRET_KEY_FILE are set; set only one',
    ]);
    expect(problemsOf({ WATCHPOST_ADMIN_PASSWORD_FILE: join(dir, 'missing'), WATCHPOST_ADMIN_EMAIL: 'a@b.co', WATCHPOST_DATA_DIR: dir })[0]).toMatch(
      /^WATCHPOST_ADMIN_PASSWORD_FILE: cannot read .*missing \(ENOENT\)/,
    );
  });

  it('treats empty variables as unset and strips a trailing slash from the public URL', () => {
    const config = loadConfig({ WATCHPOST_PORT: '', WATCHPOST_PUBLIC_URL: 'https://ops.example.com/', WATCHPOST_DATA_DIR: tmp() });
    expect(config.port).toBe(8080);
    expect(config.publicUrl).toBe('https://ops.example.com');
  });

  it('accepts a sqlite: DATABASE_URL and postgres URLs', () => {
    const dir = tmp();
    expect(loadConfig({ DATABASE_URL: `sqlite:${dir}/x.db`, WATCHPOST_DATA_DIR: dir }).database).toEqual({ dialect: 'sqlite', file: `${dir}/x.db` });
    const pg = loadConfig({ DATABASE_URL: 'postgresql://u:p@h:5432/db', WATCHPOST_SECRET_KEY: 's'.repeat(32), WATCHPOST_DATA_DIR: dir });
    expect(pg.database).toEqual({ dialect: 'postgres', url: 'postgresql://u:p@h:5432/db', poolSize: 10 });
    expect(problemsOf({ DATABASE_URL: 'mysql://x', WATCHPOST_DATA_DIR: dir })[0]).toMatch(/^DATABASE_URL: must start with postgres/);
  });
});

describe('WATCHPOST_TRUST_PROXY', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wp-config-'));
  it('trusts one hop for true, n hops for a number, or listed proxies', () => {
    expect(loadConfig({ WATCHPOST_DATA_DIR: dir }).trustProxy).toBe(false);
    expect(loadConfig({ WATCHPOST_DATA_DIR: dir, WATCHPOST_TRUST_PROXY: 'true' }).trustProxy).toBe(1);
    expect(loadConfig({ WATCHPOST_DATA_DIR: dir, WATCHPOST_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ WATCHPOST_DATA_DIR: dir, WATCHPOST_TRUST_PROXY: '10.0.0.0/8, loopback' }).trustProxy).toEqual(['10.0.0.0/8', 'loopback']);
  });
});

describe('a damaged generated secret key', () => {
  it('refuses to start with an empty or truncated secret.key instead of using it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wp-config-'));
    writeFileSync(join(dir, 'secret.key'), '\n');
    expect(problemsOf({ WATCHPOST_DATA_DIR: dir })[0]).toMatch(/^WATCHPOST_SECRET_KEY: .*secret\.key is empty or truncated \(0 characters\)/);
  });
});
