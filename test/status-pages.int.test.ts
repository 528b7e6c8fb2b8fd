import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../src/server/app.js';
import type { MonitorInput } from '../src/uptime/service.js';
import { createTestApp, PUBLIC_URL, type Caller, type TestApp } from './helpers/app.js';
import { testDialects } from './helpers/dialects.js';
import { startHttpReceiver, type HttpReceiver } from './helpers/http-receiver.js';

const dialects = await testDialects();

interface Page {
  id: string;
  slug: string;
  url: string;
  passwordProtected: boolean;
  customDomain: string | null;
  components: Array<{ id: string; name: string; description: string | null; group: string | null; monitorIds: string[] }>;
}
interface Incident {
  id: string;
  status: string;
  resolvedAt: number | null;
  updates: Array<{ status: string; body: string }>;
}
interface Summary {
  page: { name: string; url: string; updatedAt: string };
  status: { indicator: string; description: string };
  components: Array<{ id: string; name: string; status: string; uptime90d: number | null }>;
  incidents: Array<{ name: string; status: string; impact: string; updates: Array<{ status: string; body: string }> }>;
  scheduled_maintenances: Array<{ name: string; status: string; scheduledFor: string; scheduledUntil: string }>;
}

/** A small well-formedness check (balanced tags, escaped text), since no XML parser is installed; Chromium parses the feed for real in the e2e test. */
function expectWellFormedXml(xml: string): void {
  const stack: string[] = [];
  const body = xml.replace(/^<\?xml[^>]*\?>\s*/, '');
  let last = 0;
  for (const match of body.matchAll(/<[^>]*>/g)) {
    const text = body.slice(last, match.index);
    expect(text, 'text between tags').not.toMatch(/<|&(?!(amp|lt|gt|quot|#39|apos);)/);
    last = (match.index ?? 0) + match[0].length;
    const tag = match[0];
    const name = /^<\/?([A-Za-z][\w:.-]*)/.exec(tag)?.[1];
    expect(name, tag).toBeDefined();
    if (tag.startsWith('</')) expect(stack.pop()).toBe(name);
    else if (!tag.endsWith('/>')) stack.push(name ?? '');
  }
  expect(stack).toEqual([]);
}

describe.each(dialects)('public status pages [%s]', (dialect) => {
  let t: TestApp;
  let call: Caller;
  let orgId: string;
  let projectId: number;
  let otherProjectMonitor: string;
  let site: HttpReceiver;
  const monitors: Record<'apiA' | 'apiB' | 'web' | 'beat', { id: string; name: string; target: string }> = {} as never;
  let page: Page;
  /** Every secret a public output must never contain (monitor names, ids, targets, check messages). */
  const secrets: string[] = [];

  beforeAll(async () => {
    // Public views are cached 10 s: tests jump the clock instead of waiting.
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    t = await createTestApp(dialect);
    const owner = await t.signUp('status@example.com', { orgName: 'Status Co' });
    if (!owner.org) throw new Error('no org');
    call = owner.call;
    orgId = owner.org.id;
    projectId = (await t.ctx.services.projects.create(orgId, { name: 'Shop' }, null)).project.id;
    const otherProject = (await t.ctx.services.projects.create(orgId, { name: 'Internal' }, null)).project.id;
    site = await startHttpReceiver();
    site.answer({ status: 200, body: 'ok' });

    const actor = { userId: owner.user.id, label: 'status@example.com', ip: null };
    const base: Omit<MonitorInput, 'name' | 'type' | 'config'> = {
      intervalSeconds: 3600,
      timeoutSeconds: 5,
      retries: 0,
      retryIntervalSeconds: 60,
      resendEvery: 0,
      channelIds: [],
      paused: false,
      periodSeconds: null,
      graceSeconds: 300,
      cron: null,
      timezone: 'UTC',
      slug: null,
    };
    const uptime = t.ctx.services.uptime;
    const http = async (name: string, path: string, project = projectId) => {
      const m = await uptime.create(project, orgId, { ...base, name, type: 'http', config: { url: `${site.url}${path}` } }, actor);
      secrets.push(m.id, m.name, m.target);
      return { id: m.id, name: m.name, target: m.target };
    };
    monitors.apiA = await http('Secret API monitor A', '/internal/api-a');
    monitors.apiB = await http('Secret API monitor B', '/internal/api-b');
    monitors.web = await http('Storefront probe', '/internal/web');
    const beat = await uptime.create(projectId, orgId, { ...base, name: 'Nightly backup heartbeat', type: 'heartbeat', config: {}, periodSeconds: 86_400 }, actor);
    secrets.push(beat.id, beat.name, beat.heartbeat?.pingUrl ?? 'no ping url');
    monitors.beat = { id: beat.id, name: beat.name, target: beat.target };
    otherProjectMonitor = (await http('Other project monitor', '/internal/other', otherProject)).id;
    secrets.push(site.url, '127.0.0.1', `/internal/`);
    for (const m of [monitors.apiA, monitors.apiB, monitors.web]) expect((await uptime.checkNow(m.id)).status).toBe('up');
  });
  afterAll(async () => {
    await t.close();
    await site.close();
    vi.useRealTimers();
  });

  /** Moves the clock past the public cache period. */
  const later = () => vi.setSystemTime(Date.now() + 11_000);
  const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });
  const expectNoLeaks = (response: LightMyRequestResponse) => {
    for (const secret of secrets) expect(response.body, `public output contains "${secret}"`).not.toContain(secret);
    expect(response.body).not.toMatch(/projectId|project_id|monitorIds|monitor_ids/);
  };
  const publicOutputs = async () => {
    const slug = page.slug;
    return Promise.all([`/status/${slug}`, `/status/${slug}/feed.atom`, `/status/${slug}/feed.rss`, `/status/${slug}/summary.json`, `/status/${slug}/badge/status.svg`, `/status/${slug}/badge/uptime.svg`].map((url) => get(url)));
  };

  it('creates a page and its components from monitors of the project only', async () => {
    const created = await call({ method: 'POST', url: `/api/projects/${projectId}/status-pages`, payload: { slug: 'shop', title: 'Shop <Status>', description: 'Live status of the shop & its API' } });
    expect(created.statusCode, created.body).toBe(201);
    page = created.json<Page>();
    expect(page.url).toBe(`${PUBLIC_URL}/status/shop`);

    const foreign = await call({ method: 'PUT', url: `/api/status-pages/${page.id}/components`, payload: { components: [{ name: 'API', monitorIds: [monitors.apiA.id, otherProjectMonitor] }] } });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json<{ error: { message: string } }>().error.message).toContain(otherProjectMonitor);
    expect((await call({ method: 'PUT', url: `/api/status-pages/${page.id}/components`, payload: { components: [{ name: 'API', monitorIds: ['no-such-monitor'] }] } })).statusCode).toBe(400);
    expect((await call({ method: 'PUT', url: `/api/status-pages/${page.id}/components`, payload: { components: [{ name: 'Empty', monitorIds: [] }] } })).statusCode).toBe(400);

    const set = await call({
      method: 'PUT',
      url: `/api/status-pages/${page.id}/components`,
      payload: {
        components: [
          { name: 'Public API', group: 'Backend', description: 'REST and GraphQL', monitorIds: [monitors.apiA.id, monitors.apiB.id] },
          { name: 'Website', monitorIds: [monitors.web.id] },
          { name: 'Nightly jobs', group: 'Backend', monitorIds: [monitors.beat.id] },
        ],
      },
    });
    expect(set.statusCode, set.body).toBe(200);
    page = (await call({ url: `/api/status-pages/${page.id}` })).json<Page>();
    expect(page.components.map((c) => c.name)).toEqual(['Public API', 'Website', 'Nightly jobs']);
    // Keeping ids on a second PUT keeps badge URLs and incident references stable.
    const again = await call({ method: 'PUT', url: `/api/status-pages/${page.id}/components`, payload: { components: page.components.map((c) => ({ id: c.id, name: c.name, description: c.description, group: c.group, monitorIds: c.monitorIds })) } });
    expect(again.json<{ items: Array<{ id: string }> }>().items.map((c) => c.id)).toEqual(page.components.map((c) => c.id));

    const list = await call({ url: `/api/projects/${projectId}/status-pages` });
    expect(list.json<{ items: Page[] }>().items.map((p) => p.slug)).toEqual(['shop']);
  });

  it('renders the page: banner, components, 90-day bars, footer; small, strict CSP, no leaks', async () => {
    const response = await get('/status/shop');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    const html = response.body;
    expect(html).toContain('All systems operational');
    expect(html).toContain('<h1>Shop &lt;Status&gt;</h1>');
    expect(html).toContain('Live status of the shop &amp; its API');
    for (const name of ['Public API', 'Website', 'Nightly jobs', 'Backend', 'Powered by Watchpost', '/status/shop/feed.atom']) expect(html).toContain(name);
    const bars = html.match(/<i class=[a-z] title="\d{4}-\d{2}-\d{2}: [^"]+"><\/i>/g) ?? [];
    expect(bars.length).toBe(90 * 3);
    expect(html).toContain(`title="${new Date().toISOString().slice(0, 10)}: 100%"`);
    expect(html).not.toContain('<script');
    expect(Buffer.byteLength(html)).toBeLessThan(50 * 1024);
    expectNoLeaks(response);

    // The CSP allows exactly the inlined stylesheet; the app's other security headers stay.
    const csp = String(response.headers['content-security-policy']);
    const style = /<style>([\s\S]*)<\/style>/.exec(html)?.[1] ?? '';
    expect(csp).toContain(`style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['cache-control']).toBe('public, no-cache, s-maxage=30');

    const gzipped = await get('/status/shop', { 'accept-encoding': 'br;q=1, gzip;q=0.8' });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers.vary).toBe('Accept-Encoding');
    expect(gunzipSync(gzipped.rawPayload).toString('utf8')).toBe(html);
    expect(gzipped.rawPayload.length).toBeLessThan(html.length / 4);
    expect((await get('/status/shop', { 'accept-encoding': 'gzip;q=0' })).headers['content-encoding']).toBeUndefined();
  });

  it('answers 304 to a matching If-None-Match and serves from its cache for a few seconds', async () => {
    const first = await get('/status/shop');
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^W\/"[\w-]+"$/);
    const again = await get('/status/shop', { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(etag);
    expect((await get('/status/shop', { 'if-none-match': 'W/"other"' })).statusCode).toBe(200);

    // A monitor going down shows once the cached view expires.
    site.answer((r) => (r.path === '/internal/api-a' ? { status: 503, body: 'backend exploded' } : { status: 200, body: 'ok' }));
    expect((await t.ctx.services.uptime.checkNow(monitors.apiA.id)).status).toBe('down');
    expect((await get('/status/shop', { 'if-none-match': etag })).statusCode).toBe(304);
    later();
    const changed = await get('/status/shop', { 'if-none-match': etag });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
  });

  it('shows a partial outage when one of several monitors is down, a major outage when all are', async () => {
    later();
    let html = (await get('/status/shop')).body;
    expect(html).toContain('<span>Partial outage</span>');
    expect(html).toMatch(/Public API<\/span><p class="cdesc">REST and GraphQL<\/p><\/div><span class="st st-partial_outage">Partial outage/);
    let summary = (await get('/status/shop/summary.json')).json<Summary>();
    expect(summary.status).toEqual({ indicator: 'major', description: 'Partial outage' });
    expect(summary.components.find((c) => c.name === 'Public API')?.status).toBe('partial_outage');
    expect(summary.components.find((c) => c.name === 'Website')?.status).toBe('operational');

    site.answer((r) => (r.path.startsWith('/internal/api-') ? { status: 200, body: 'ok' } : { status: 500, body: 'storefront broke' }));
    expect((await t.ctx.services.uptime.checkNow(monitors.web.id)).status).toBe('down');
    expect((await t.ctx.services.uptime.checkNow(monitors.apiA.id)).status).toBe('up');
    const message = (await t.ctx.services.uptime.get(monitors.web.id)).lastMessage;
    if (message) secrets.push(message);
    later();
    const response = await get('/status/shop');
    html = response.body;
    expect(html).toContain('<span>Major outage</span>');
    expect(html).toContain('<span class="st st-major_outage">Major outage</span>');
    summary = (await get('/status/shop/summary.json')).json<Summary>();
    expect(summary.status.indicator).toBe('critical');
    expect(summary.components.map((c) => [c.name, c.status])).toEqual([
      ['Public API', 'operational'],
      ['Website', 'major_outage'],
      ['Nightly jobs', 'operational'],
    ]);
    for (const output of await publicOutputs()) expectNoLeaks(output);
  });

  it('shows incidents with their updates, escaped, and raises the affected component', async () => {
    const apiId = page.components[0]?.id ?? '';
    const bad = await call({ method: 'POST', url: `/api/status-pages/${page.id}/incidents`, payload: { title: 'x', body: 'y', status: 'scheduled' } });
    expect(bad.statusCode).toBe(400);
    expect((await call({ method: 'POST', url: `/api/status-pages/${page.id}/incidents`, payload: { title: 'x', body: 'y', kind: 'maintenance' } })).statusCode).toBe(400);
    expect((await call({ method: 'POST', url: `/api/status-pages/${page.id}/incidents`, payload: { title: 'x', body: 'y'.repeat(5001) } })).statusCode).toBe(400);
    expect((await call({ method: 'POST', url: `/api/status-pages/${page.id}/incidents`, payload: { title: 'x', body: 'y', componentIds: ['nope'] } })).statusCode).toBe(400);

    const created = await call({
      method: 'POST',
      url: `/api/status-pages/${page.id}/incidents`,
      payload: { title: 'Errors <b>& "timeouts"</b>', impact: 'critical', componentIds: [apiId], body: 'We are investigating <script>alert(1)</script>\nSecond line' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const incident = created.json<Incident>();
    expect(incident.status).toBe('investigating');
    const update = await call({ method: 'POST', url: `/api/status-incidents/${incident.id}/updates`, payload: { status: 'identified', body: 'A bad deploy; rolling back.' } });
    expect(update.statusCode, update.body).toBe(201);
    expect(update.json<Incident>().updates.map((u) => u.status)).toEqual(['identified', 'investigating']);
    expect((await call({ method: 'POST', url: `/api/status-incidents/${incident.id}/updates`, payload: { status: 'completed', body: 'wrong vocabulary' } })).statusCode).toBe(400);

    const from = Date.now() + 86_400_000;
    const maintenance = await call({
      method: 'POST',
      url: `/api/status-pages/${page.id}/incidents`,
      payload: { title: 'Database upgrade', kind: 'maintenance', impact: 'minor', componentIds: [page.components[2]?.id], body: 'Expect short interruptions.', scheduledFor: from, scheduledUntil: from + 3_600_000 },
    });
    expect(maintenance.statusCode, maintenance.body).toBe(201);
    expect(maintenance.json<Incident>().status).toBe('scheduled');

    const html = (await get('/status/shop')).body;
    expect(html).toContain('Errors &lt;b&gt;&amp; &quot;timeouts&quot;&lt;/b&gt;');
    expect(html).toContain('We are investigating &lt;script&gt;alert(1)&lt;/script&gt;\nSecond line');
    expect(html).not.toContain('<script>alert');
    expect(html).toMatch(/<strong>Identified<\/strong> — A bad deploy; rolling back\.[\s\S]*<strong>Investigating<\/strong>/);
    expect(html).toMatch(/Public API<\/span><p class="cdesc">REST and GraphQL<\/p><\/div><span class="st st-major_outage">/);
    expect(html).toContain('Scheduled maintenance');
    expect(html).toContain('Database upgrade');

    const summary = (await get('/status/shop/summary.json')).json<Summary>();
    expect(summary.page).toEqual({ name: 'Shop <Status>', url: `${PUBLIC_URL}/status/shop`, updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(summary.incidents).toHaveLength(1);
    expect(summary.incidents[0]).toMatchObject({ name: 'Errors <b>& "timeouts"</b>', status: 'identified', impact: 'critical' });
    expect(summary.incidents[0]?.updates.map((u) => u.status)).toEqual(['identified', 'investigating']);
    expect(summary.scheduled_maintenances).toEqual([expect.objectContaining({ name: 'Database upgrade', status: 'scheduled', scheduledFor: new Date(from).toISOString() })]);
    expect(summary.components[0]).toEqual({ id: apiId, name: 'Public API', description: 'REST and GraphQL', group: 'Backend', position: 0, status: 'major_outage', uptime90d: expect.any(Number) });

    const atom = await get('/status/shop/feed.atom');
    expect(atom.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    expectWellFormedXml(atom.body);
    expect(atom.body).toContain('<feed xmlns="http://www.w3.org/2005/Atom"');
    expect(atom.body.match(/<entry>/g)).toHaveLength(2);
    expect(atom.body).toContain('<title type="text">Errors &lt;b&gt;&amp; &quot;timeouts&quot;&lt;/b&gt;</title>');
    // The update text is HTML escaped once for HTML and again for XML.
    expect(atom.body).toContain('&amp;lt;script&amp;gt;alert(1)');
    const rss = await get('/status/shop/feed.rss');
    expect(rss.headers['content-type']).toBe('application/rss+xml; charset=utf-8');
    expectWellFormedXml(rss.body);
    expect(rss.body.match(/<item>/g)).toHaveLength(2);
    for (const output of await publicOutputs()) expectNoLeaks(output);

    const resolved = await call({ method: 'POST', url: `/api/status-incidents/${incident.id}/updates`, payload: { status: 'resolved', body: 'Rolled back; all good.' } });
    expect(resolved.json<Incident>().resolvedAt).toEqual(expect.any(Number));
    const after = (await get('/status/shop')).body;
    expect(after).toMatch(/<h2>Past incidents<\/h2>[\s\S]*Errors &lt;b&gt;[\s\S]*Rolled back; all good\./);
    expect(after).toContain('<span class="st st-operational">Operational</span>');
    expect((await get('/status/shop/summary.json')).json<Summary>().incidents).toEqual([]);
    const open = await call({ url: `/api/status-pages/${page.id}/incidents?state=open` });
    expect(open.json<{ items: Incident[] }>().items.map((i) => i.status)).toEqual(['scheduled']);
  });

  it('serves SVG badges for the page and one component', async () => {
    const status = await get('/status/shop/badge/status.svg');
    expect(status.statusCode).toBe(200);
    expect(status.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(status.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(status.body).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+" height="20"/);
    expect(status.body).toContain('<title>status: major outage</title>');
    expectWellFormedXml(status.body);
    const website = page.components[1]?.id ?? '';
    const uptime = await get(`/status/shop/badge/uptime.svg?component=${website}`);
    expect(uptime.headers['content-type']).toContain('image/svg+xml');
    expect(uptime.body).toMatch(/<title>Website uptime: \d+(\.\d+)?%<\/title>/);
    expect((await get('/status/shop/badge/status.svg?component=nope')).statusCode).toBe(404);
    expect((await get('/status/nope/badge/status.svg')).statusCode).toBe(404);
    const missing = await get('/status/nope');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toContain('text/html');
  });

  it('protects a page with a password: 401 and a form, wrong then right password, signed cookie', async () => {
    expect((await call({ method: 'PUT', url: `/api/status-pages/${page.id}/password`, payload: { password: 'short' } })).statusCode).toBe(400);
    expect((await call({ method: 'PUT', url: `/api/status-pages/${page.id}/password`, payload: { password: 'status page secret' } })).statusCode).toBe(200);
    const locked = await get('/status/shop');
    expect(locked.statusCode).toBe(401);
    expect(locked.headers['cache-control']).toBe('no-store');
    expect(locked.body).toContain('<form method="post" action="/status/shop/login">');
    expect(locked.body).not.toContain('Public API');
    for (const url of ['/status/shop/feed.atom', '/status/shop/feed.rss', '/status/shop/summary.json', '/status/shop/badge/status.svg', '/status/shop/badge/uptime.svg']) {
      const response = await get(url);
      expect({ url, status: response.statusCode }).toEqual({ url, status: 401 });
      expect(response.body).not.toContain('Public API');
    }

    const login = (password: string) =>
      t.app.inject({ method: 'POST', url: '/status/shop/login', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: PUBLIC_URL }, payload: `password=${encodeURIComponent(password)}` });
    const wrong = await login('not it at all');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('That password is not correct.');
    expect(wrong.cookies).toHaveLength(0);
    const crossSite = await t.app.inject({ method: 'POST', url: '/status/shop/login', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' }, payload: 'password=status+page+secret' });
    expect(crossSite.statusCode).toBe(403);

    const right = await login('status page secret');
    expect(right.statusCode).toBe(303);
    expect(right.headers.location).toBe('/status/shop');
    const cookie = right.cookies.find((c) => c.name === 'wp_status_shop');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    const withCookie = { cookie: `wp_status_shop=${cookie?.value}` };
    const open = await get('/status/shop', withCookie);
    expect(open.statusCode).toBe(200);
    expect(open.body).toContain('Public API');
    expect(open.headers['cache-control']).toBe('private, no-cache');
    expect((await get('/status/shop/summary.json', withCookie)).statusCode).toBe(200);
    // A forged or tampered cookie is refused.
    const [expires] = (cookie?.value ?? '').split('.');
    expect((await get('/status/shop', { cookie: `wp_status_shop=${expires}.${'A'.repeat(43)}` })).statusCode).toBe(401);
    expect((await get('/status/shop', { cookie: `wp_status_shop=9999999999999.${(cookie?.value ?? '').split('.')[1]}` })).statusCode).toBe(401);

    // A new password logs everyone out; clearing it makes the page public again.
    await call({ method: 'PUT', url: `/api/status-pages/${page.id}/password`, payload: { password: 'another secret!' } });
    expect((await get('/status/shop', withCookie)).statusCode).toBe(401);
    expect((await call({ method: 'DELETE', url: `/api/status-pages/${page.id}/password` })).statusCode).toBe(200);
    expect((await get('/status/shop')).statusCode).toBe(200);
    expect((await call({ url: `/api/status-pages/${page.id}` })).json<Page>().passwordProtected).toBe(false);
  });

  it('serves the page at / on its custom domain, and the dashboard host is unchanged', async () => {
    expect((await call({ method: 'PATCH', url: `/api/status-pages/${page.id}`, payload: { customDomain: 'watchpost.test' } })).statusCode).toBe(400);
    expect((await call({ method: 'PATCH', url: `/api/status-pages/${page.id}`, payload: { customDomain: 'https://status.example.com/' } })).statusCode).toBe(400);
    const patched = await call({ method: 'PATCH', url: `/api/status-pages/${page.id}`, payload: { customDomain: 'Status.Example.com' } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json<Page>()).toMatchObject({ customDomain: 'status.example.com', url: 'http://status.example.com' });

    const onDomain = await get('/', { host: 'status.example.com' });
    expect(onDomain.statusCode).toBe(200);
    expect(onDomain.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(onDomain.body).toContain('<h1>Shop &lt;Status&gt;</h1>');
    expect(onDomain.headers['content-security-policy']).toContain("default-src 'none'");
    expect((await t.app.inject({ method: 'HEAD', url: '/', headers: { host: 'status.example.com' } })).statusCode).toBe(200);
    // Other hosts (and other paths on the custom domain) are not the status page.
    expect((await get('/', { host: 'watchpost.test', accept: 'application/json' })).statusCode).toBe(404);
    expect((await get('/', { host: 'elsewhere.example.com', accept: 'application/json' })).statusCode).toBe(404);
    expect((await get('/api/health', { host: 'status.example.com' })).json()).toMatchObject({ status: 'ok' });

    // With a built dashboard, `/` stays the dashboard everywhere but on the custom domain.
    const webRoot = mkdtempSync(join(tmpdir(), 'wp-web-'));
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>dashboard</title>');
    const withDashboard = await buildApp(t.ctx, { webRoot });
    try {
      expect((await withDashboard.inject({ url: '/', headers: { host: 'watchpost.test' } })).body).toContain('<title>dashboard</title>');
      expect((await withDashboard.inject({ url: '/', headers: { host: 'status.example.com' } })).body).toContain('<h1>Shop &lt;Status&gt;</h1>');
      expect((await withDashboard.inject({ url: '/login', headers: { host: 'watchpost.test', accept: 'text/html' } })).body).toContain('<title>dashboard</title>');
    } finally {
      await withDashboard.close();
      rmSync(webRoot, { recursive: true, force: true });
    }

    // Without uptime bars the page lists components and their status only.
    await call({ method: 'PATCH', url: `/api/status-pages/${page.id}`, payload: { showUptimeBars: false } });
    const plain = (await get('/status/shop')).body;
    expect(plain).toContain('Public API');
    expect(plain).not.toContain('class="bars"');
    await call({ method: 'PATCH', url: `/api/status-pages/${page.id}`, payload: { showUptimeBars: true } });

    const other = await call({ method: 'POST', url: `/api/projects/${projectId}/status-pages`, payload: { slug: 'shop-2', title: 'Second', customDomain: 'status.example.com' } });
    expect(other.statusCode).toBe(409);
    expect((await call({ method: 'POST', url: `/api/projects/${projectId}/status-pages`, payload: { slug: 'shop', title: 'Same slug' } })).statusCode).toBe(409);
    expect((await call({ method: 'POST', url: `/api/projects/${projectId}/status-pages`, payload: { slug: 'Not A Slug', title: 'x' } })).statusCode).toBe(400);
  });

  it('keeps the management API to the project’s organisation and roles, and audits changes', async () => {
    const stranger = await t.signUp('stranger@example.com', { orgName: 'Elsewhere' });
    const incidents = (await call({ url: `/api/status-pages/${page.id}/incidents` })).json<{ items: Incident[] }>().items;
    const incidentId = incidents[0]?.id ?? '';
    for (const [method, url] of [
      ['GET', `/api/projects/${projectId}/status-pages`],
      ['GET', `/api/status-pages/${page.id}`],
      ['PATCH', `/api/status-pages/${page.id}`],
      ['DELETE', `/api/status-pages/${page.id}`],
      ['PUT', `/api/status-pages/${page.id}/components`],
      ['GET', `/api/status-pages/${page.id}/incidents`],
      ['POST', `/api/status-pages/${page.id}/incidents`],
      ['GET', `/api/status-incidents/${incidentId}`],
      ['POST', `/api/status-incidents/${incidentId}/updates`],
      ['DELETE', `/api/status-incidents/${incidentId}`],
    ] as const) {
      const response = await stranger.call({ method, url, payload: method === 'GET' || method === 'DELETE' ? undefined : { title: 'hijack' } });
      expect({ method, url, status: response.statusCode }).toEqual({ method, url, status: 403 });
      expect((await t.app.inject({ method, url })).statusCode).toBe(401);
    }
    const org = await t.ctx.services.orgs.get(orgId);
    if (!org) throw new Error('no org');
    const viewer = await t.addMember(org, 'viewer@example.com', 'viewer');
    expect((await viewer.call({ url: `/api/status-pages/${page.id}` })).statusCode).toBe(200);
    expect((await viewer.call({ method: 'POST', url: `/api/status-pages/${page.id}/incidents`, payload: { title: 'x', body: 'y' } })).statusCode).toBe(403);
    expect((await viewer.call({ method: 'PATCH', url: `/api/status-pages/${page.id}`, payload: { title: 'x' } })).statusCode).toBe(403);
    expect((await call({ url: `/api/status-pages/${page.id}` })).json<Page>().slug).toBe('shop');

    expect((await call({ method: 'DELETE', url: `/api/status-incidents/${incidentId}` })).statusCode).toBe(200);
    const temp = (await call({ method: 'POST', url: `/api/projects/${projectId}/status-pages`, payload: { slug: 'temporary', title: 'Temporary' } })).json<Page>();
    expect((await call({ method: 'DELETE', url: `/api/status-pages/${temp.id}` })).statusCode).toBe(200);
    expect((await get('/status/temporary')).statusCode).toBe(404);
    const pageActions = (await t.ctx.services.audit.listForOrg(orgId, { limit: 200, action: 'status_page.*' })).map((e) => e.action);
    const incidentActions = (await t.ctx.services.audit.listForOrg(orgId, { limit: 200, action: 'status_incident.*' })).map((e) => e.action);
    for (const action of ['status_page.created', 'status_page.deleted', 'status_page.components_set', 'status_page.password_set', 'status_page.password_cleared', 'status_page.updated']) expect(pageActions).toContain(action);
    for (const action of ['status_incident.created', 'status_incident.update_posted', 'status_incident.deleted']) expect(incidentActions).toContain(action);
  });
});
