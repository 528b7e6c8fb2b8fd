import { describe, expect, it } from 'vitest';
import { chunkRows, insertValues } from './batch.js';

describe('insertValues', () => {
  it('numbers PostgreSQL placeholders across rows and binds every value in order', () => {
    const q = insertValues('postgres', 'issue_hours', ['issue_id', 'hour', 'count'], [['a', 1, 2], ['b', 3, 4]], 'on conflict do nothing');
    expect(q.sql).toBe('insert into "issue_hours" ("issue_id", "hour", "count") values ($1, $2, $3), ($4, $5, $6) on conflict do nothing');
    expect(q.parameters).toEqual(['a', 1, 2, 'b', 3, 4]);
  });

  it('uses ? placeholders on SQLite, and no trailing space without a suffix', () => {
    const q = insertValues('sqlite', 'issue_users', ['issue_id', 'user_key'], [['a', null]]);
    expect(q.sql).toBe('insert into "issue_users" ("issue_id", "user_key") values (?, ?)');
    expect(q.parameters).toEqual(['a', null]);
  });
});

describe('chunkRows', () => {
  it('keeps every chunk under the parameter limit', () => {
    const chunks = chunkRows(Array.from({ length: 25 }, (_, i) => i), 4, 40);
    expect(chunks.map((c) => c.length)).toEqual([10, 10, 5]);
  });
});
