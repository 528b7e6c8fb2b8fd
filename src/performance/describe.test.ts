import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_DESCRIPTION_LENGTH, isIdSegment, normalizeEndpointName, normalizeSpanDescription, normalizeSql } from './describe.js';

describe('normalizeSql', () => {
  it.each([
    ["SELECT * FROM users WHERE id = 42 AND name = 'O''Brien'", 'SELECT * FROM users WHERE id = ? AND name = ?'],
    ['select a from t where x = -5 and y = 3.14e-2 and z = .5', 'select a from t where x = ? and y = ? and z = ?'],
    ['SELECT * FROM t WHERE flag = TRUE OR other = false', 'SELECT * FROM t WHERE flag = ? OR other = ?'],
    ['UPDATE blobs SET h = 0xDEADBEEF, b = X\'0A0B\'', 'UPDATE blobs SET h = ?, b = ?'],
    ['SELECT * FROM t WHERE id IN (1, 2, 3, 4)', 'SELECT * FROM t WHERE id IN (...)'],
    ['SELECT * FROM t WHERE id in ($1,$2) AND k IN ( ? )', 'SELECT * FROM t WHERE id in (...) AND k IN (...)'],
    ["INSERT INTO t (a, b) VALUES ('x', 1), ('y', 2), (now(), 3) RETURNING id", 'INSERT INTO t (a, b) VALUES (...) RETURNING id'],
    ['SELECT 1 -- who\n  FROM   dual /* hint */ WHERE a=2', 'SELECT ? FROM dual WHERE a=?'],
    ['SELECT "User"."id2" FROM "User" WHERE "email" = $1 LIMIT 10', 'SELECT "User"."id2" FROM "User" WHERE "email" = $1 LIMIT ?'],
    ["SELECT `order` FROM t1 WHERE c = :name AND d = @p1 AND e = E'it\\'s'", 'SELECT `order` FROM t1 WHERE c = :name AND d = @p1 AND e = ?'],
    ['SELECT $$a b$$, $tag$x $$ y$tag$, col_2 FROM t', 'SELECT ?, ?, col_2 FROM t'],
    ["SELECT 'C:\\' AS p, 2", 'SELECT ? AS p, ?'],
    ['SELECT a-1, a - 1 FROM t', 'SELECT a-?, a - ? FROM t'],
    ["SELECT 'unterminated", 'SELECT ?'],
    ['SELECT MIN(x) FROM t WHERE join_in = 1', 'SELECT MIN(x) FROM t WHERE join_in = ?'],
  ])('%s', (input, want) => {
    expect(normalizeSql(input)).toBe(want);
  });

  it('groups the same query with any literals', () => {
    fc.assert(
      fc.property(fc.integer(), fc.string(), fc.array(fc.nat(), { minLength: 1, maxLength: 20 }), (n, s, ids) => {
        const sql = `SELECT * FROM t WHERE a = ${n} AND b = '${s.replace(/'/g, "''")}' AND c IN (${ids.join(', ')})`;
        expect(normalizeSql(sql)).toBe('SELECT * FROM t WHERE a = ? AND b = ? AND c IN (...)');
      }),
    );
  });
});

describe('normalizeSpanDescription', () => {
  it.each([
    ['db', "SELECT * FROM users WHERE id = 42", 'SELECT * FROM users WHERE id = ?'],
    ['db.sql.query', 'DELETE FROM s WHERE id IN (1,2)', 'DELETE FROM s WHERE id IN (...)'],
    ['db.redis', 'GET session:9911', 'GET session:?'],
    ['http.client', 'GET https://api.x.com/users/123/orders?x=1', 'GET https://api.x.com/users/*/orders'],
    ['http.client', 'POST https://user:secret@api.x.com/v1/files/550e8400-e29b-41d4-a716-446655440000#frag', 'POST https://api.x.com/v1/files/*'],
    ['http.client', 'GET /internal/builds/3f9a8b7c0d1e', 'GET /internal/builds/*'],
    ['http.client', 'PUT   https://s3.example.com/bucket/V1StGXR8_Z5jdHi6BmyT ', 'PUT https://s3.example.com/bucket/*'],
    ['resource.script', 'https://cdn.x.com/app.js?v=12', 'https://cdn.x.com/app.js'],
    ['function', '  handler /api/users/42  took 500 ', 'handler /api/users/* took 500'],
    ['ui.render', 'Render <UserCard id=7>', 'Render <UserCard id=7>'],
    ['dbx.custom', 'value = 5', 'value = 5'],
    ['db', null, ''],
    ['http.client', '   ', ''],
  ])('%s %j', (op, input, want) => {
    expect(normalizeSpanDescription(op, input)).toBe(want);
  });

  it('never returns more than 300 characters and never splits a surrogate pair', () => {
    fc.assert(
      fc.property(fc.constantFrom('db', 'http.client', 'cache.get'), fc.string({ unit: 'grapheme', maxLength: 2000 }), (op, text) => {
        const out = normalizeSpanDescription(op, text);
        expect(out.length).toBeLessThanOrEqual(MAX_DESCRIPTION_LENGTH);
        expect(out).not.toMatch(/[\uD800-\uDBFF]$/);
      }),
    );
    expect(normalizeSpanDescription('db', `SELECT ${'x, '.repeat(500)}y FROM t`)).toHaveLength(300);
  });
});

describe('normalizeEndpointName', () => {
  it.each([
    ['GET /users/123', 'GET /users/:id'],
    ['GET /users/:id', 'GET /users/:id'],
    ['GET /users/123/orders/550e8400-e29b-41d4-a716-446655440000?tab=1#x', 'GET /users/:id/orders/:id'],
    ['/commits/3f9a8b7c0d1e2f30', '/commits/:id'],
    ['/share/V1StGXR8_Z5jdHi6B-myT', '/share/:id'],
    ['/api/v2/oauth2-callback', '/api/v2/oauth2-callback'],
    ['/blog/2024/05/hello-world', '/blog/:id/:id/hello-world'],
    ['https://shop.example.com/p/991', 'https://shop.example.com/p/:id'],
    ['processJob', 'processJob'],
    ['  GET   /health  ', 'GET /health'],
    ['', '<unlabeled transaction>'],
  ])('%j → %j', (input, want) => {
    expect(normalizeEndpointName(input)).toBe(want);
  });

  it('maps any numeric id in a route to one name', () => {
    fc.assert(
      fc.property(fc.nat(), fc.uuid(), (id, uuid) => {
        expect(normalizeEndpointName(`GET /users/${id}/files/${uuid}`)).toBe('GET /users/:id/files/:id');
      }),
    );
  });
});

describe('isIdSegment', () => {
  it.each([
    ['123', true],
    ['deadbeef', true],
    ['550e8400e29b41d4a716446655440000', true],
    ['cjld2cjxh0000qzrmn831i7rn', true],
    ['users', false],
    ['v1', false],
    ['getUser2FactorStatus', false],
    ['oauth2-authorization', false],
    ['decade', false],
  ])('%s → %s', (segment, want) => {
    expect(isIdSegment(segment)).toBe(want);
  });
});
