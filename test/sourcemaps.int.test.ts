import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Organization } from '../src/orgs/types.js';
import { createTestApp, type Caller, type TestApp } from './helpers/app.js';
import { createTestDatabase, testDialects, type TestDatabase } from './helpers/dialects.js';
import { buildCheckoutApp, type JsBuild, type SentryFrame } from './helpers/js-bundle.js';
import { randomHex } from '../src/lib/ids.js';

const run = promisify(execFile);
const dialects = await testDialects();
const CLI = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
const SENTRY_CLI = join(import.meta.dirname, '..', 'node_modules', '.bin', 'sentry-cli');
const SECRET = 'sourcemaps-test-secret-key-0123456789abcdef';
if (!existsSync(CLI)) throw new Error('dist/cli/main.js is missing: run `npm run build:server` (npm test builds it)');

let app: JsBuild;
beforeAll(async () => {
  app = await buildCheckoutApp();
});
afterAll(() => app.cleanup());

const sha1 = (data: Buffer | string) => createHash('sha1').update(data).digest('hex');

type StoredFrame = { filename?: string; abs_path?: string; function?: string; lineno?: number; context_line?: string; pre_context?: string[]; in_app?: boolean; data?: { resolved_with?: string; minified?: { abs_path?: string } } };
interface StoredEvent {
  issueId: string;
  data: { exception: { values: Array<{ stacktrace: { frames: StoredFrame[] } }> }; errors?: Array<{ type: string; url?: string }> };
}

describe.each(dialects)('source maps [%s]', (dialect) => {
  let database: TestDatabase;
  let t: TestApp;
  let org: Organization;
  let owner: Caller;
  let projectId: number;
  let publicKey: string;
  let writeToken: string;
  let readToken: string;
  let env: Record<string, string>;
  /** A copy of the build with debug ids injected by sentry-cli, and its debug id. */
  let injected: { dir: string; debugId: string };

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    t = await createTestApp(dialect, { WATCHPOST_SECRET_KEY: SECRET }, database);
    const signed = await t.signUp('owner@example.com', { orgName: 'Web Shop' });
    if (!signed.org) throw new Error('no org');
    org = signed.org;
    owner = signed.call;
    const created = await t.ctx.services.projects.create(org.id, { name: 'Storefront', platform: 'browser' }, null);
    projectId = created.project.id;
    publicKey = created.key.publicKey;
    const token = (scope: 'read' | 'write') => t.ctx.services.tokens.create({ orgId: org.id, userId: signed.user.id, name: scope, scope }, null).then((r) => r.token);
    writeToken = await token('write');
    readToken = await token('read');
    env = { DATABASE_URL: database.url, WATCHPOST_SECRET_KEY: SECRET, WATCHPOST_DATA_DIR: mkdtempSync(join(tmpdir(), 'wp-sm-cli-')), WATCHPOST_LOG_LEVEL: 'warn' };
    await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await t.close();
    await database.destroy();
    rmSync(env.WATCHPOST_DATA_DIR ?? '', { recursive: true, force: true });
  });

  const base = () => {
    const address = t.app.server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  };

  /** Sends a browser-like error event with these frames; returns the stored event. */
  async function sendEvent(frames: SentryFrame[], extra: Record<string, unknown>): Promise<StoredEvent> {
    const event = { event_id: randomHex(16), platform: 'javascript', exception: { values: [{ type: 'Error', value: 'Card declined for 550', stacktrace: { frames } }] }, ...extra };
    const response = await t.app.inject({ method: 'POST', url: `/api/${projectId}/store/?sentry_key=${publicKey}`, payload: JSON.stringify(event), headers: { 'content-type': 'text/plain' } });
    expect(response.statusCode).toBe(200);
    const row = await t.db.storage.db.selectFrom('events').select('issue_id').where('event_id', '=', event.event_id).executeTakeFirstOrThrow();
    const stored = await owner({ url: `/api/issues/${row.issue_id}/events/${event.event_id}` });
    return { issueId: row.issue_id, data: stored.json<{ data: StoredEvent['data'] }>().data };
  }

  const topFrames = (event: StoredEvent) => event.data.exception.values[0]?.stacktrace.frames ?? [];

  function expectSymbolicated(event: StoredEvent, via: 'release' | 'debug-id'): void {
    const frames = topFrames(event);
    expect(frames.at(-1)).toMatchObject({ filename: 'src/checkout.ts', function: 'chargeCard', lineno: 8, in_app: true, data: { resolved_with: via } });
    expect(frames.at(-1)?.context_line).toContain('throw new Error(`Card declined');
    expect(frames.at(-1)?.pre_context).toHaveLength(5);
    expect(frames.at(-2)).toMatchObject({ filename: 'src/checkout.ts', function: 'placeOrder', lineno: 3 });
    expect(frames[0]).toMatchObject({ filename: 'src/main.ts', function: 'onPay', lineno: 4 });
    expect(event.data.errors).toBeUndefined();
  }

  it('takes files through the API, applies them to events and groups by original frames', async () => {
    const url = `/api/projects/${projectId}/releases/shop@1.0.0/files`;
    const js = await owner({ method: 'POST', url, payload: { name: '~/static/main.js', content: app.code } });
    expect(js.statusCode).toBe(201);
    expect(js.json()).toMatchObject({ kind: 'source', release: 'shop@1.0.0', sourcemap: 'main.js.map', size: Buffer.byteLength(app.code) });
    const map = await t.asToken(writeToken)({ method: 'POST', url, payload: { name: '~/static/main.js.map', content: Buffer.from(app.map).toString('base64'), encoding: 'base64' } });
    expect(map.statusCode).toBe(201);
    expect(map.json()).toMatchObject({ kind: 'sourcemap', sha1: sha1(app.map) });

    // Bad input: not a map, unknown fields, a read token, no credentials.
    expect((await owner({ method: 'POST', url, payload: { name: '~/bad.js.map', content: '{"version":3' } })).json()).toMatchObject({ error: { code: 'WP_ERR_SOURCEMAP_INVALID' } });
    expect((await owner({ method: 'POST', url, payload: { name: 'x.js', content: 'x', extra: 1 } })).statusCode).toBe(400);
    expect((await owner({ method: 'POST', url: `/api/projects/${projectId}/releases/a%2Fb/files`, payload: { name: 'x.js', content: 'x' } })).statusCode).toBe(400);
    expect((await t.asToken(readToken)({ method: 'POST', url, payload: { name: 'x.js', content: 'x' } })).json()).toMatchObject({ error: { code: 'WP_ERR_TOKEN_SCOPE' } });
    expect((await t.app.inject({ method: 'POST', url, payload: { name: 'x.js', content: 'x' } })).statusCode).toBe(401);

    const listed = (await t.asToken(readToken)({ url })).json<{ items: Array<{ name: string }> }>();
    expect(listed.items.map((i) => i.name)).toEqual(['~/static/main.js', '~/static/main.js.map']);

    const event = await sendEvent(app.framesFrom('https://shop.test/static/main.js?v=7'), { release: 'shop@1.0.0' });
    expectSymbolicated(event, 'release');
    expect(topFrames(event).at(-1)?.data?.minified?.abs_path).toBe('https://shop.test/static/main.js?v=7');
    const issue = (await owner({ url: `/api/issues/${event.issueId}` })).json<{ culprit: string; title: string }>();
    expect(issue).toMatchObject({ culprit: 'src/checkout.ts in chargeCard', title: 'Error: Card declined for 550' });

    // The same error from another host groups into the same issue.
    expect((await sendEvent(app.framesFrom('https://cdn.shop.test/static/main.js'), { release: 'shop@1.0.0' })).issueId).toBe(event.issueId);

    // A release without files: the event is kept, minified, with the reason recorded.
    const unmapped = await sendEvent(app.framesFrom('https://shop.test/static/main.js'), { release: 'shop@0.9.0' });
    expect(topFrames(unmapped).at(-1)).toMatchObject({ filename: 'https://shop.test/static/main.js', lineno: 1 });
    expect(unmapped.data.errors).toEqual([{ type: 'js_no_source', url: 'https://shop.test/static/main.js' }]);

    const id = (listed.items as Array<{ id?: string; name: string }>).find((i) => i.name.endsWith('.map'))?.id;
    expect((await owner({ method: 'DELETE', url: `${url}/${id}` })).statusCode).toBe(200);
    expect((await owner({ method: 'DELETE', url: `${url}/${id}` })).statusCode).toBe(404);
    expect((await owner({ url })).json<{ items: unknown[] }>().items).toHaveLength(1);
  });

  it('uploads a build with `watchpost sourcemaps upload`, matching by debug id or by release', async () => {
    const dir = app.copy();
    // sentry-cli's own injection writes `//# debugId=` into the bundle and `debug_id` into the map.
    await run(SENTRY_CLI, ['sourcemaps', 'inject', dir], { env: { PATH: process.env.PATH, HOME: dir, SENTRY_LOG_LEVEL: 'error' } });
    const debugId = /\/\/# debugId=([0-9a-f-]+)/.exec(readFileSync(join(dir, 'main.js'), 'utf8'))?.[1] ?? '';
    expect(debugId).toMatch(/^[0-9a-f]{8}-/);
    injected = { dir, debugId };

    const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 30_000 });
    const upload = cli(['sourcemaps', 'upload', '--release', 'shop@2.0.0', '--url-prefix', '~/assets', '--project', 'storefront', '--json', dir]);
    expect(upload.stderr).toBe('');
    expect(upload.status).toBe(0);
    const result = JSON.parse(upload.stdout) as { projectId: number; files: Array<{ name: string; kind: string; debugId: string | null }>; unmatched: string[] };
    expect(result.projectId).toBe(projectId);
    expect(result.files.map((f) => [f.name, f.kind, f.debugId])).toEqual([
      ['~/assets/main.js', 'source', debugId],
      ['~/assets/main.js.map', 'sourcemap', debugId],
    ]);
    expect(result.unmatched).toEqual([]);

    // The SDK reports the debug id of each loaded file in debug_meta; no release needed.
    const frames = app.framesFrom('https://cdn.test/assets/main.js', dir);
    expectSymbolicated(await sendEvent(frames, { debug_meta: { images: [{ type: 'sourcemap', code_file: 'https://cdn.test/assets/main.js', debug_id: debugId }] } }), 'debug-id');
    // Without debug_meta the release and the ~/assets/ name find the same map.
    expectSymbolicated(await sendEvent(app.framesFrom('https://shop.test/assets/main.js', dir), { release: 'shop@2.0.0' }), 'release');

    const text = cli(['sourcemaps', 'upload', '--release', 'shop@2.0.1', '--project', String(projectId), app.outDir]);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('Uploaded 2 file(s) to project storefront');
    expect(text.stdout).toContain('~/main.js  (minified, map main.js.map');

    const missing = cli(['sourcemaps', 'upload', '--release', 'x', join(dir, 'nope')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('is not a directory');
    expect(cli(['sourcemaps', 'upload', '--release', 'bad/release', dir]).stderr).toContain('without slashes');
    expect(cli(['sourcemaps', 'upload', '--help']).stdout).toMatch(/^Usage: watchpost sourcemaps upload/);
  });

  it('works with sentry-cli: releases, sourcemaps upload (chunks + artifact bundle) and deploys', async () => {
    const sentryCli = (args: string[]) =>
      run(SENTRY_CLI, ['--url', base(), '--auth-token', writeToken, '--log-level', 'warn', ...args], { env: { PATH: process.env.PATH, HOME: app.outDir, SENTRY_DISABLE_TELEMETRY: '1' }, timeout: 60_000 });
    const ids = ['--org', 'web-shop', '--project', 'storefront'];
    await sentryCli(['releases', 'new', 'shop@3.0.0', ...ids]);
    const uploaded = await sentryCli(['sourcemaps', 'upload', ...ids, '--release', 'shop@3.0.0', '--url-prefix', '~/static', app.outDir]);
    expect(uploaded.stdout).toContain('~/static/main.js');
    await sentryCli(['releases', 'finalize', 'shop@3.0.0', ...ids]);
    const deploy = await sentryCli(['releases', 'deploys', 'shop@3.0.0', 'new', '-e', 'production', '-n', 'blue', ...ids]);
    expect(deploy.stdout).toContain('production');

    const files = (await owner({ url: `/api/projects/${projectId}/releases/shop@3.0.0/files` })).json<{ items: Array<{ name: string; kind: string; sourcemap: string | null }> }>();
    expect(files.items.map((f) => [f.name, f.kind, f.sourcemap])).toEqual([
      ['~/static/main.js', 'source', 'main.js.map'],
      ['~/static/main.js.map', 'sourcemap', null],
    ]);
    expectSymbolicated(await sendEvent(app.framesFrom('https://shop.test/static/main.js'), { release: 'shop@3.0.0' }), 'release');
    const deploys = await t.db.storage.db.selectFrom('deploys').select(['release', 'environment', 'name']).where('project_id', '=', projectId).execute();
    expect(deploys).toEqual([{ release: 'shop@3.0.0', environment: 'production', name: 'blue' }]);
    const releases = (await owner({ url: `/api/projects/${projectId}/releases` })).json<{ items: Array<{ version: string }> }>();
    expect(releases.items.map((r) => r.version)).toContain('shop@3.0.0');

    // A bundle with debug ids and no release (what the bundler plugins send) replaces the files with those ids.
    await sentryCli(['sourcemaps', 'upload', ...ids, injected.dir]);
    const byId = (await owner({ url: `/api/projects/${projectId}/artifacts?debugId=${injected.debugId}` })).json<{ items: Array<{ name: string; release: string | null }> }>();
    expect(byId.items).toEqual([expect.objectContaining({ name: '~/main.js', release: null }), expect.objectContaining({ name: '~/main.js.map', release: null })]);
    const frames = app.framesFrom('https://cdn.test/main.js', injected.dir);
    expectSymbolicated(await sendEvent(frames, { debug_meta: { images: [{ type: 'sourcemap', code_file: 'https://cdn.test/main.js', debug_id: injected.debugId }] } }), 'debug-id');
    // Assembled chunks are not kept.
    expect(await t.db.storage.db.selectFrom('upload_chunks').select('sha1').execute()).toEqual([]);
  });

  it('refuses bad chunks, bundles and callers on the sentry-cli endpoints', async () => {
    const api = `${base()}/api/0/organizations/web-shop`;
    const auth = (token = writeToken) => ({ authorization: `Bearer ${token}` });
    const options = await fetch(`${api}/chunk-upload/`, { headers: auth() });
    expect(await options.json()).toMatchObject({ url: '/api/0/organizations/web-shop/chunk-upload/', hashAlgorithm: 'sha1', compression: ['gzip'], accept: expect.arrayContaining(['artifact_bundles']) });
    expect((await fetch(`${api}/chunk-upload/`)).status).toBe(401);
    expect((await fetch(`${api}/chunk-upload/`, { headers: auth(readToken) })).status).toBe(403);
    const foreign = await fetch(`${base()}/api/0/organizations/someone-else/chunk-upload/`, { headers: auth() });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ detail: expect.stringContaining('not a member') });

    const postChunk = (field: string, name: string, data: Buffer) => {
      const form = new FormData();
      form.append(field, new Blob([data]), name);
      return fetch(`${api}/chunk-upload/`, { method: 'POST', headers: auth(), body: form });
    };
    const chunk = Buffer.from('definitely not a zip file');
    const wrongName = await postChunk('file_gzip', sha1('other'), gzipSync(chunk));
    expect(wrongName.status).toBe(400);
    expect(await wrongName.json()).toMatchObject({ error: { code: 'WP_ERR_SOURCEMAP_CHUNK' }, detail: expect.stringContaining('does not match') });
    expect((await postChunk('file_gzip', sha1(chunk), chunk)).status).toBe(400);
    const ok = await postChunk('file_gzip', sha1(chunk), gzipSync(chunk));
    expect(await ok.json()).toEqual({ chunks: [sha1(chunk)] });

    const assemble = (body: Record<string, unknown>) => fetch(`${api}/artifactbundle/assemble/`, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));
    const missing = sha1('missing');
    expect(await assemble({ checksum: sha1(chunk), chunks: [sha1(chunk), missing], projects: ['storefront'] })).toEqual({ status: 200, body: { state: 'not_found', missingChunks: [missing], detail: null } });
    expect((await assemble({ checksum: sha1(chunk), chunks: [sha1(chunk)], projects: ['storefront'] })).body).toMatchObject({ state: 'error', detail: expect.stringContaining('not a readable ZIP') });
    expect((await assemble({ checksum: sha1('x'), chunks: [sha1(chunk)], projects: ['storefront'] })).body).toMatchObject({ state: 'error', detail: expect.stringContaining('checksum') });
    expect(await assemble({ checksum: sha1(chunk), chunks: [sha1(chunk)], projects: ['nope'] })).toMatchObject({ status: 404, body: { detail: expect.stringContaining('"nope"') } });

    const release = (body: Record<string, unknown>, path = '/releases/') => fetch(`${api}${path}`, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await release({ version: 'shop@4.0.0', projects: ['nope'] })).status).toBe(404);
    expect((await release({ environment: 'production' }, '/releases/never-created/deploys/')).status).toBe(404);
  });
});
