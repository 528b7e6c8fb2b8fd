import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Organization } from '../src/orgs/types.js';
import { createTestApp, type Caller, type TestApp } from './helpers/app.js';
import { testDialects } from './helpers/dialects.js';
import { randomHex } from '../src/lib/ids.js';

const dialects = await testDialects();

interface Issue {
  id: string;
  title: string;
  status: string;
  substatus: string;
  count: number;
  level: string;
  assigneeId: string | null;
}

describe.each(dialects)('issue triage workflow [%s]', (dialect) => {
  let t: TestApp;
  let call: Caller;
  let projectId: number;
  let publicKey: string;
  let orgId: string;
  let org: Organization;

  beforeAll(async () => {
    t = await createTestApp(dialect, { WATCHPOST_INGEST_WORKERS: '0' });
    const owner = await t.signUp('triage@example.com', { orgName: 'Triage' });
    if (!owner.org) throw new Error('no org');
    call = owner.call;
    org = owner.org;
    orgId = org.id;
    const created = await t.ctx.services.projects.create(orgId, { name: 'Web' }, null);
    projectId = created.project.id;
    publicKey = created.key.publicKey;
  });
  afterAll(() => t.close());

  /** Sends one error through the real ingest endpoint (legacy store: one JSON event). */
  async function send(fn: string, extra: Record<string, unknown> = {}): Promise<void> {
    const event = {
      event_id: randomHex(16),
      level: 'error',
      environment: 'production',
      exception: { values: [{ type: 'Error', value: `failed in ${fn}`, stacktrace: { frames: [{ filename: 'app.js', function: fn, in_app: true }] } }] },
      ...extra,
    };
    const response = await t.app.inject({ method: 'POST', url: `/api/${projectId}/store/?sentry_key=${publicKey}`, payload: JSON.stringify(event), headers: { 'content-type': 'application/json' } });
    expect(response.statusCode, response.body).toBe(200);
  }
  const list = async (query = 'status=all'): Promise<Issue[]> => (await call({ url: `/api/projects/${projectId}/issues?${query}` })).json<{ items: Issue[] }>().items;
  const byTitle = async (fn: string) => (await list()).find((i) => i.title === `Error: failed in ${fn}`);
  const patch = (id: string | undefined, payload: Record<string, unknown>) => call({ method: 'PATCH', url: `/api/issues/${id}`, payload });

  it('filters and sorts the list', async () => {
    await send('alpha');
    await send('alpha');
    await send('beta', { level: 'warning', environment: 'staging', release: 'web@1.0.0' });
    expect((await list('status=all&sort=events')).map((i) => i.title)).toEqual(['Error: failed in alpha', 'Error: failed in beta']);
    expect((await list('status=all&level=warning')).map((i) => i.title)).toEqual(['Error: failed in beta']);
    expect((await list('status=all&environment=staging')).map((i) => i.title)).toEqual(['Error: failed in beta']);
    expect((await list('status=all&release=web@1.0.0')).map((i) => i.title)).toEqual(['Error: failed in beta']);
    expect((await list('status=all&query=ALPHA')).map((i) => i.title)).toEqual(['Error: failed in alpha']);
    expect((await list('status=all&query=%25')).length).toBe(0);
    const page = (await call({ url: `/api/projects/${projectId}/issues?status=all&limit=1` })).json<{ items: Issue[]; total: number; nextCursor: number | null }>();
    expect(page).toMatchObject({ total: 2, nextCursor: 1 });
    expect((await call({ url: `/api/projects/${projectId}/issues?sort=nonsense` })).statusCode).toBe(400);
  });

  it('ignores until N more events, then the issue comes back as escalating', async () => {
    const beta = await byTitle('beta');
    expect((await patch(beta?.id, { status: 'ignored', ignoreCount: 2 })).statusCode).toBe(200);
    await send('beta');
    expect(await byTitle('beta')).toMatchObject({ status: 'ignored', count: 2 });
    await send('beta');
    expect(await byTitle('beta')).toMatchObject({ status: 'unresolved', substatus: 'escalating', count: 3 });
  });

  it('ignores until a date; the first event after it unignores', async () => {
    const beta = await byTitle('beta');
    await patch(beta?.id, { status: 'ignored', ignoreUntil: Date.now() + 50 });
    await new Promise((resolve) => setTimeout(resolve, 80));
    await send('beta');
    expect(await byTitle('beta')).toMatchObject({ status: 'unresolved', substatus: 'ongoing' });
  });

  it('"resolved in the next release" ignores events from the current release', async () => {
    await send('gamma', { release: 'web@2.0.0' });
    const gamma = await byTitle('gamma');
    expect((await patch(gamma?.id, { status: 'resolved', resolvedInNextRelease: true })).json()).toMatchObject({ status: 'resolved', statusDetails: { resolvedInRelease: 'web@2.0.0', resolvedInNextRelease: true } });
    await send('gamma', { release: 'web@2.0.0' });
    expect(await byTitle('gamma')).toMatchObject({ status: 'resolved' });
    await send('gamma', { release: 'web@2.0.1' });
    expect(await byTitle('gamma')).toMatchObject({ status: 'unresolved', substatus: 'regressed' });
  });

  it('assigns to members only, comments, and bulk-resolves', async () => {
    const member = await t.addMember(org, 'dev@example.com', 'member');
    const alpha = await byTitle('alpha');
    expect((await patch(alpha?.id, { assigneeId: member.user.id })).json()).toMatchObject({ assigneeId: member.user.id });
    expect((await list(`status=all&assignee=${member.user.id}`)).map((i) => i.id)).toEqual([alpha?.id]);
    expect((await patch(alpha?.id, { assigneeId: 'not-a-user' })).statusCode).toBe(400);
    expect((await member.call({ method: 'POST', url: `/api/issues/${alpha?.id}/comments`, payload: { body: 'Looking into it' } })).statusCode).toBe(201);
    const detail = (await call({ url: `/api/issues/${alpha?.id}` })).json<{ activity: Array<{ kind: string; data: { text?: string }; user: { email: string } | null }> }>();
    expect(detail.activity.find((a) => a.kind === 'comment')).toMatchObject({ data: { text: 'Looking into it' }, user: { email: 'dev@example.com' } });

    const ids = (await list('status=unresolved')).map((i) => i.id);
    const bulk = await call({ method: 'PATCH', url: `/api/projects/${projectId}/issues`, payload: { ids, status: 'resolved' } });
    expect(bulk.statusCode).toBe(200);
    expect(await list('status=unresolved')).toEqual([]);
  });

  it('merges issues so later events follow, and deletes', async () => {
    // Three issues sharing tag values and an hour: the merged counts add up, with no duplicate rows.
    await send('delta', { tags: { shard: 'a' } });
    await send('epsilon', { tags: { shard: 'a' } });
    await send('eta', { tags: { shard: 'a' } });
    const delta = await byTitle('delta');
    const epsilon = await byTitle('epsilon');
    const eta = await byTitle('eta');
    const merged = await call({ method: 'POST', url: `/api/projects/${projectId}/issues/merge`, payload: { ids: [delta?.id, epsilon?.id, eta?.id] } });
    expect(merged.statusCode, merged.body).toBe(200);
    const target = merged.json<Issue>();
    expect(target.count).toBe(3);
    await send('epsilon');
    const ids = [delta?.id, epsilon?.id, eta?.id];
    expect((await list()).filter((i) => ids.includes(i.id))).toEqual([expect.objectContaining({ id: target.id, count: 4 })]);
    expect((await call({ url: `/api/issues/${target.id}/events` })).json<{ items: unknown[] }>().items).toHaveLength(4);
    const tags = (await call({ url: `/api/issues/${target.id}` })).json<{ tags: Array<{ key: string; values: Array<{ value: string; count: number }> }> }>().tags;
    expect(tags.find((x) => x.key === 'shard')?.values).toEqual([expect.objectContaining({ value: 'a', count: 3 })]);

    expect((await call({ method: 'DELETE', url: `/api/issues/${target.id}` })).statusCode).toBe(200);
    expect((await call({ url: `/api/issues/${target.id}` })).statusCode).toBe(404);
    await send('delta');
    expect(await byTitle('delta')).toMatchObject({ count: 1, substatus: 'new' });
  });

  it('keeps issues private to their organisation and read-only for viewers', async () => {
    const alpha = await byTitle('alpha');
    const outsider = await t.signUp('outsider@example.com', { orgName: 'Elsewhere' });
    expect((await outsider.call({ url: `/api/issues/${alpha?.id}` })).statusCode).toBe(403);
    expect((await outsider.call({ url: `/api/issues/${alpha?.id}/events/latest` })).statusCode).toBe(403);
    expect((await outsider.call({ url: `/api/projects/${projectId}/issues` })).statusCode).toBe(403);
    expect((await outsider.call({ method: 'PATCH', url: `/api/issues/${alpha?.id}`, payload: { status: 'ignored' } })).statusCode).toBe(403);
    const viewer = await t.addMember(org, 'viewer@example.com', 'viewer');
    expect((await viewer.call({ url: `/api/issues/${alpha?.id}` })).statusCode).toBe(200);
    expect((await viewer.call({ method: 'PATCH', url: `/api/issues/${alpha?.id}`, payload: { status: 'ignored' } })).statusCode).toBe(403);
    expect((await call({ url: '/api/issues/does-not-exist' })).statusCode).toBe(404);
  });

  it('applies per-project scrubbing settings and per-key rate limits from the API', async () => {
    expect((await call({ url: `/api/projects/${projectId}/ingest/settings` })).json()).toMatchObject({ scrubEnabled: true, storeClientIp: false });
    const changed = await call({ method: 'PATCH', url: `/api/projects/${projectId}/ingest/settings`, payload: { scrubExtraKeys: ['favourite_colour'], scrubSafeKeys: ['session_count'] } });
    expect(changed.statusCode).toBe(200);
    await send('zeta', { extra: { favourite_colour: 'teal', session_count: 4, password: 'pw1' } });
    const zeta = await byTitle('zeta');
    const data = (await call({ url: `/api/issues/${zeta?.id}/events/latest` })).json<{ data: { extra: Record<string, unknown> } }>().data;
    expect(data.extra).toEqual({ favourite_colour: '[Filtered]', session_count: 4, password: '[Filtered]' });
    expect((await call({ method: 'PATCH', url: `/api/projects/${projectId}/ingest/settings`, payload: { quotaPerMonth: -1 } })).statusCode).toBe(400);

    const keyId = (await t.ctx.services.projects.listKeys(projectId))[0]?.id;
    const key = await call({ method: 'PATCH', url: `/api/projects/${projectId}/keys/${keyId}`, payload: { rateLimitPerMinute: 1 } });
    expect(key.json()).toMatchObject({ rateLimitPerMinute: 1 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await t.app.inject({ method: 'POST', url: `/api/${projectId}/store/?sentry_key=${publicKey}`, payload: JSON.stringify({ message: 'hello' }), headers: { 'content-type': 'application/json' } });
      statuses.push(response.statusCode);
    }
    // The minute window may have just turned over after the first send; at least one is refused.
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
    const stats = (await call({ url: `/api/projects/${projectId}/ingest/stats` })).json<{ totals: Array<{ category: string; outcome: string; count: number }> }>();
    expect(stats.totals.find((r) => r.category === 'error' && r.outcome === 'rate_limited')?.count).toBeGreaterThanOrEqual(1);
  });
});
