import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  chooseTool,
  compareRowCounts,
  createDatabase,
  dropDatabase,
  parseArchiveHeader,
  parseConnection,
  redactText,
  redactUrl,
  restoreArchive,
  withDatabase,
} from './postgres.js';

describe('parseConnection', () => {
  it('turns a URL into libpq environment variables for child processes', () => {
    const conn = parseConnection(
      'postgresql://app%40prod:p%40ss%2Fw0rd@db.example.com:6543/shop?sslmode=verify-full&sslrootcert=/etc/ssl/ca.pem&application_name=mine&pgbouncer=true',
    );
    expect(conn.env).toEqual({
      PGHOST: 'db.example.com',
      PGPORT: '6543',
      PGUSER: 'app@prod',
      PGPASSWORD: 'p@ss/w0rd',
      PGDATABASE: 'shop',
      PGSSLMODE: 'verify-full',
      PGSSLROOTCERT: '/etc/ssl/ca.pem',
      PGAPPNAME: 'watchpost-backup',
      PGCONNECT_TIMEOUT: '15',
    });
    expect(conn.ignoredParams).toEqual(['pgbouncer']);
  });

  it('reads Unix sockets, IPv6 hosts and query-parameter overrides', () => {
    expect(parseConnection('postgres:///app?host=/var/run/postgresql&user=backup').env).toMatchObject({ PGHOST: '/var/run/postgresql', PGUSER: 'backup', PGDATABASE: 'app' });
    expect(parseConnection('postgres://u@%2Ftmp%2Fpg/app').host).toBe('/tmp/pg');
    expect(parseConnection('postgres://u@[::1]:5433/app')).toMatchObject({ host: '::1', port: 5433 });
    expect(parseConnection('postgres://u@h/app?dbname=other&port=7000&connect_timeout=3&options=-c%20search_path%3Dx').env).toMatchObject({
      PGDATABASE: 'other',
      PGPORT: '7000',
      PGCONNECT_TIMEOUT: '3',
      PGOPTIONS: '-c search_path=x',
    });
  });

  it('defaults the database to the user and leaves out a missing password', () => {
    const conn = parseConnection('postgres://reporter@h');
    expect(conn.database).toBe('reporter');
    expect(conn.env).not.toHaveProperty('PGPASSWORD');
    expect(conn.sslMode).toBe('prefer');
  });

  it("maps node-pg's ssl=true and sslmode=no-verify to libpq's require", () => {
    expect(parseConnection('postgres://u@h/d?ssl=true').sslMode).toBe('require');
    expect(parseConnection('postgres://u@h/d?sslmode=no-verify').sslMode).toBe('require');
    expect(parseConnection('postgres://u@h/d?ssl=0').sslMode).toBe('disable');
  });

  it('rejects bad URLs without repeating the password', () => {
    expect(() => parseConnection('mysql://u:hunter22@h/d')).toThrow('Not a postgres:// URL: mysql://u:***@h/d');
    expect(() => parseConnection('postgres://u:hunter22@h:99999/d')).toThrow(/^Not a valid PostgreSQL URL: postgres:\/\/u:\*\*\*@h:99999\/d$/);
    expect(() => parseConnection('postgres://u:hunter22@h/d?sslmode=sometimes')).toThrow(/Unknown sslmode "sometimes"/);
  });
});

describe('redaction', () => {
  it('hides URL passwords and password parameters', () => {
    expect(redactUrl('postgres://u:p%40ss@h:5432/db?password=x&sslmode=require')).toBe('postgres://u:***@h:5432/db?password=***&sslmode=require');
    expect(redactUrl('postgres://u@h/db')).toBe('postgres://u@h/db');
  });

  it('hides known secrets and credential-shaped text in tool output', () => {
    const text = 'connection to "h" failed for hunter22; tried postgres://u:other@h/db and host=h password=abc123 user=u';
    expect(redactText(text, ['hunter22', undefined, 'ab'])).toBe('connection to "h" failed for ***; tried postgres://u:***@h/db and host=h password=*** user=u');
  });
});

describe('chooseTool', () => {
  const at = (major: number, path = `/usr/lib/postgresql/${major}/bin/pg_dump`) => ({ path, major });

  it('prefers the exact major, else the lowest newer one', () => {
    expect(chooseTool([at(17), at(15), at(16)], 16, 'pg_dump').major).toBe(16);
    expect(chooseTool([at(17), at(18), at(14)], 16, 'pg_dump').major).toBe(17);
    expect(chooseTool([at(15, '/opt/override/pg_dump'), at(15)], 15, 'pg_dump').path).toBe('/opt/override/pg_dump');
  });

  it('says which version is needed, what was found and how to install it', () => {
    expect(() => chooseTool([at(15, '/usr/bin/pg_dump')], 16, 'pg_dump')).toThrow(
      'PostgreSQL 16 needs pg_dump 16 or newer; found pg_dump 15 (/usr/bin/pg_dump). Install postgresql-client-16 (Debian/Ubuntu: apt-get install postgresql-client-16) or set WATCHPOST_PG_BIN_DIR.',
    );
    expect(() => chooseTool([], 17, 'pg_dumpall')).toThrow(/^PostgreSQL 17 needs pg_dumpall 17 or newer; found no pg_dumpall \(looked in WATCHPOST_PG_BIN_DIR/);
    expect(() => chooseTool([at(14, '/usr/bin/pg_restore'), at(15, '/usr/local/bin/pg_restore')], 16, 'pg_restore')).toThrow(
      'This archive was written by pg_dump 16 and needs pg_restore 16 or newer; found pg_restore 14 (/usr/bin/pg_restore), pg_restore 15 (/usr/local/bin/pg_restore). Install postgresql-client-16',
    );
  });
});

describe('compareRowCounts', () => {
  it('lists every table whose count differs, is missing or is new', () => {
    const atBackup = { 'public.orders': 1200, 'public.users': 10, 'billing.invoices': 3 };
    const restored = { 'public.orders': 1199, 'public.users': 10, 'public.extra': 4 };
    expect(compareRowCounts(atBackup, restored)).toEqual([
      'billing.invoices: 3 at backup, missing after restore',
      'public.extra: not in the backup, 4 restored',
      'public.orders: 1200 at backup, 1199 restored',
    ]);
    expect(compareRowCounts(atBackup, { ...atBackup })).toEqual([]);
  });
});

describe('withDatabase', () => {
  it('points the URL at another database and keeps everything else', () => {
    expect(withDatabase('postgres://u:pw@h:5433/app?sslmode=require&dbname=app', 'watchpost_verify_1')).toBe('postgres://u:pw@h:5433/watchpost_verify_1?sslmode=require');
  });
});

/** A custom-format archive header as pg_dump writes it (4-byte ints with a sign byte). */
function archiveHead(minor: number, pgDumpVersion: string, format = 1): Buffer {
  const int = (n: number): Buffer => {
    const b = Buffer.alloc(5);
    b[0] = n < 0 ? 1 : 0;
    b.writeUInt32LE(Math.abs(n), 1);
    return b;
  };
  const str = (s: string): Buffer => Buffer.concat([int(Buffer.byteLength(s)), Buffer.from(s)]);
  const compression = minor >= 15 ? Buffer.from([1]) : int(-1);
  const time = Array.from({ length: 7 }, () => int(1));
  return Buffer.concat([Buffer.from('PGDMP'), Buffer.from([1, minor, 0, 4, 8, format]), compression, ...time, str('shop'), str('16.2'), str(pgDumpVersion)]);
}

describe('parseArchiveHeader', () => {
  it('reads who wrote the archive, before and after the 1.15 header change', () => {
    expect(parseArchiveHeader(archiveHead(14, '15.4 (Debian 15.4-1)'))).toEqual({
      formatVersion: '1.14.0',
      database: 'shop',
      serverVersion: '16.2',
      pgDumpVersion: '15.4 (Debian 15.4-1)',
      dumpMajor: 15,
    });
    expect(parseArchiveHeader(archiveHead(16, '17.0')).dumpMajor).toBe(17);
  });

  it('explains input that is not a usable archive', () => {
    expect(() => parseArchiveHeader(Buffer.alloc(0))).toThrow('The archive is empty');
    expect(() => parseArchiveHeader(Buffer.from('--\n-- PostgreSQL database dump\n'))).toThrow(/not a pg_dump custom-format archive/);
    expect(() => parseArchiveHeader(archiveHead(14, '15.4').subarray(0, 40))).toThrow(/header is truncated/);
    expect(() => parseArchiveHeader(archiveHead(14, '15.4', 5))).toThrow(/Only pg_dump custom-format/);
  });
});

describe('guards that act before connecting', () => {
  // Port 1 refuses connections: reaching the server would give a different error.
  const server = 'postgres://u@127.0.0.1:1/postgres';

  it('refuses unsafe database names and system databases', async () => {
    await expect(createDatabase(server, 'Robert"); DROP TABLE students;--')).rejects.toThrow(/Invalid database name/);
    await expect(dropDatabase(server, 'template1')).rejects.toThrow('Refusing to drop the template1 database');
    await expect(dropDatabase(server, '1abc')).rejects.toThrow(/Invalid database name/);
  });

  it('refuses parallel jobs for a streamed archive and releases the stream', async () => {
    const input = Readable.from([Buffer.from('PGDMP')]);
    await expect(restoreArchive({ url: server, input, jobs: 4 })).rejects.toThrow(/--jobs needs a seekable archive file/);
    expect(input.destroyed).toBe(true);
  });
});
