import { createHmac } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Caller, type TestApp } from './helpers/app.js';
import { testDialects } from './helpers/dialects.js';
import { startHttpReceiver, type HttpReceiver } from './helpers/http-receiver.js';
import { freePort } from './helpers/net.js';

const dialects = await testDialects();

interface Channel {
  id: string;
  type: string;
  config: Record<string, unknown>;
  secretsSet: string[];
  enabled: boolean;
  disabledReason: string | null;
  signingSecret?: string;
  target: string;
}
interface Delivery {
  id: string;
  status: string;
  attempts: Array<{ ok: boolean; statusCode: number | null; error: string | null }>;
  nextAttemptAt: number | null;
}

/** Recomputes the Standard Webhooks signature of a received request. */
function signatureOk(secret: string, headers: Record<string, unknown>, body: string): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${String(headers['webhook-id'])}.${String(headers['webhook-timestamp'])}.${body}`).digest('base64');
  return String(headers['webhook-signature'])
    .split(' ')
    .some((part) => part === `v1,${expected}`);
}

/** A real SMTP server process-in-test that keeps every message it accepts. */
async function startSmtp(): Promise<{ port: number; messages: Array<{ from: string; to: string[]; raw: string }>; close(): Promise<void> }> {
  const messages: Array<{ from: string; to: string[]; raw: string }> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        messages.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port, messages, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe.each(dialects)('notification channels and the outbox [%s]', (dialect) => {
  let t: TestApp;
  let call: Caller;
  let projectId: number;
  let receiver: HttpReceiver;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp(dialect, { WATCHPOST_SMTP_URL: `smtp://127.0.0.1:${smtp.port}?tls=none`, WATCHPOST_SMTP_FROM: 'watchpost@example.com' });
    const owner = await t.signUp('notify@example.com', { orgName: 'Notify' });
    if (!owner.org) throw new Error('no org');
    call = owner.call;
    projectId = (await t.ctx.services.projects.create(owner.org.id, { name: 'Web' }, null)).project.id;
    receiver = await startHttpReceiver();
    t.ctx.services.notify.start();
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
    await smtp.close();
  });

  const create = async (payload: Record<string, unknown>) => {
    const response = await call({ method: 'POST', url: `/api/projects/${projectId}/channels`, payload });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<Channel>();
  };
  const deliveries = async (channelId: string) => (await call({ url: `/api/projects/${projectId}/deliveries?channelId=${channelId}` })).json<{ items: Delivery[] }>().items;
  /** Makes every waiting delivery due now, as if the backoff had passed. */
  const fastForward = async () => {
    await t.db.storage.db.updateTable('notify_deliveries').set({ next_attempt_at: Date.now() - 1 }).where('status', '=', 'pending').execute();
  };
  const until = async (check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) => {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (await check()) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  it('signs webhooks (Standard Webhooks), shows the secret once, and never returns it again', async () => {
    const channel = await create({ name: 'Ops hook', type: 'webhook', config: { url: `${receiver.url}/hook` } });
    expect(channel.signingSecret).toMatch(/^whsec_[A-Za-z0-9+/=]{20,}$/);
    expect(channel.secretsSet).toContain('secret');
    const fetched = await call({ url: `/api/channels/${channel.id}` });
    expect(fetched.body).not.toContain(channel.signingSecret);
    const listed = await call({ url: `/api/projects/${projectId}/channels` });
    expect(listed.body).not.toContain(channel.signingSecret);

    const before = receiver.received.length;
    const test = await call({ method: 'POST', url: `/api/channels/${channel.id}/test` });
    expect(test.statusCode, test.body).toBe(200);
    expect(test.json<Delivery>().status).toBe('delivered');
    const [request] = receiver.received.slice(before);
    expect(request?.path).toBe('/hook');
    expect(signatureOk(channel.signingSecret ?? '', request?.headers ?? {}, request?.body ?? '')).toBe(true);
    expect(JSON.parse(request?.body ?? '{}')).toMatchObject({ type: 'test', data: { title: expect.stringContaining('Ops hook') } });
    await call({ method: 'DELETE', url: `/api/channels/${channel.id}` });
  });

  it('stores secrets encrypted: a Slack webhook URL is not in the database in clear', async () => {
    const secretUrl = `${receiver.url}/services/T000/B000/XXXXsecretXXXX`;
    const channel = await create({ name: 'Slack', type: 'slack', config: { webhookUrl: secretUrl }, isDefault: false });
    const row = await t.db.storage.db.selectFrom('notify_channels').selectAll().where('id', '=', channel.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain('XXXXsecretXXXX');
    expect(JSON.stringify(channel)).not.toContain('XXXXsecretXXXX');
    // An update that leaves the secret out keeps it; the test send still reaches the same URL.
    await call({ method: 'PATCH', url: `/api/channels/${channel.id}`, payload: { name: 'Slack #ops', config: {} } });
    const before = receiver.received.length;
    const sent = await call({ method: 'POST', url: `/api/channels/${channel.id}/test` });
    expect(sent.json<Delivery>().status).toBe('delivered');
    expect(receiver.received[before]?.path).toBe('/services/T000/B000/XXXXsecretXXXX');
    await call({ method: 'DELETE', url: `/api/channels/${channel.id}` });
  });

  it('retries a failing delivery with backoff, logging every attempt, until it is delivered', async () => {
    const channel = await create({ name: 'Flaky', type: 'webhook', config: { url: `${receiver.url}/flaky` } });
    let calls = 0;
    receiver.answer((request) => (request.path === '/flaky' && ++calls <= 2 ? { status: 503, body: 'busy' } : { status: 200, body: 'ok' }));
    await t.ctx.services.notify.notify(projectId, { event: 'monitor.down', source: 'uptime', action: 'trigger', dedupKey: 'monitor:x', severity: 'critical', title: 'API is down', text: 'Connection refused', occurredAt: Date.now() });
    await until(async () => (await deliveries(channel.id))[0]?.attempts.length === 1, 'the first attempt');
    let [delivery] = await deliveries(channel.id);
    expect(delivery?.status).toBe('pending');
    expect(delivery?.attempts[0]).toMatchObject({ ok: false, statusCode: 503 });
    // The next attempt waits for the backoff (5 s); nothing is sent before it.
    expect((delivery?.nextAttemptAt ?? 0) - Date.now()).toBeGreaterThan(3000);
    await fastForward();
    await until(async () => (await deliveries(channel.id))[0]?.attempts.length === 2, 'the second attempt');
    await fastForward();
    await until(async () => (await deliveries(channel.id))[0]?.status === 'delivered', 'delivery');
    [delivery] = await deliveries(channel.id);
    expect(delivery?.attempts.map((a) => a.ok)).toEqual([false, false, true]);
    receiver.answer({ status: 200, body: 'ok' });
    await call({ method: 'DELETE', url: `/api/channels/${channel.id}` });
  });

  it('a 4xx is final, and 410 Gone switches the channel off', async () => {
    const channel = await create({ name: 'Gone', type: 'webhook', config: { url: `${receiver.url}/gone` } });
    receiver.answer((request) => (request.path === '/gone' ? { status: 410, body: 'gone' } : { status: 200 }));
    await t.ctx.services.notify.notify(projectId, { event: 'monitor.down', source: 'uptime', action: 'trigger', dedupKey: 'monitor:y', severity: 'critical', title: 'Down', text: 'x', occurredAt: Date.now() }, [channel.id]);
    await until(async () => (await deliveries(channel.id))[0]?.status === 'failed', 'the final failure');
    const after = (await call({ url: `/api/channels/${channel.id}` })).json<Channel>();
    expect(after.enabled).toBe(false);
    expect(after.disabledReason).toContain('410');
    receiver.answer({ status: 200, body: 'ok' });
    // Switched back on by a member, it works again.
    await call({ method: 'PATCH', url: `/api/channels/${channel.id}`, payload: { enabled: true } });
    expect((await call({ url: `/api/channels/${channel.id}` })).json<Channel>().enabled).toBe(true);
    await call({ method: 'DELETE', url: `/api/channels/${channel.id}` });
  });

  it('other 4xx answers are final and leave the channel on', async () => {
    const channel = await create({ name: 'Wrong URL', type: 'webhook', config: { url: `${receiver.url}/missing` } });
    receiver.answer((request) => (request.path === '/missing' ? { status: 404, body: 'no such hook' } : { status: 200 }));
    await t.ctx.services.notify.notify(projectId, { event: 'monitor.down', source: 'uptime', action: 'trigger', dedupKey: 'monitor:z', severity: 'critical', title: 'Down', text: 'x', occurredAt: Date.now() }, [channel.id]);
    await until(async () => (await deliveries(channel.id))[0]?.status === 'failed', 'the final failure');
    const [delivery] = await deliveries(channel.id);
    expect(delivery?.attempts).toHaveLength(1);
    expect(delivery?.attempts[0]).toMatchObject({ ok: false, statusCode: 404 });
    expect((await call({ url: `/api/channels/${channel.id}` })).json<Channel>().enabled).toBe(true);
    receiver.answer({ status: 200, body: 'ok' });
    await call({ method: 'DELETE', url: `/api/channels/${channel.id}` });
  });

  it('a resolve supersedes its trigger still waiting for a retry, so "down" never arrives after "up"', async () => {
    const channel = await create({ name: 'Pager', type: 'webhook', config: { url: `${receiver.url}/pager` } });
    receiver.answer((request) => (request.path === '/pager' ? { status: 503 } : { status: 200 }));
    const base = { source: 'uptime', dedupKey: 'monitor:flap', severity: 'critical' as const, text: 'x', occurredAt: Date.now() };
    await t.ctx.services.notify.notify(projectId, { ...base, event: 'monitor.down', action: 'trigger', title: 'Down' }, [channel.id]);
    await until(async () => (await deliveries(channel.id))[0]?.attempts.length === 1, 'the failed trigger');
    receiver.answer({ status: 200, body: 'ok' });
    await t.ctx.services.notify.notify(projectId, { ...base, event: 'monitor.up', action: 'resolve', title: 'Up' }, [channel.id]);
    await until(async () => (await deliveries(channel.id)).some((d) => d.status === 'delivered'), 'the resolve');
    await fastForward();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const all = await deliveries(channel.id);
    const trigger = all.find((d) => d.id !== all.find((x) => x.status === 'delivered')?.id);
    expect(trigger?.status).toBe('failed');
    expect(receiver.received.filter((r) => r.path === '/pager').map((r) => (JSON.parse(r.body) as { type: string }).type)).toEqual(['monitor.down', 'monitor.up']);
    await call({ method: 'DELETE', url: `/api/channels/${channel.id}` });
  });

  it('sends email through the configured SMTP server, trigger and resolve in one thread', async () => {
    const channel = await create({ name: 'Email', type: 'email', config: { to: ['oncall@example.com'] } });
    expect(channel.target).toContain('oncall@example.com');
    const base = { source: 'uptime', dedupKey: 'monitor:mail', severity: 'critical' as const, text: 'It broke <badly>', occurredAt: Date.now() };
    await t.ctx.services.notify.notify(projectId, { ...base, event: 'monitor.down', action: 'trigger', title: 'Shop is down' }, [channel.id]);
    await until(() => smtp.messages.length >= 1, 'the first email');
    await t.ctx.services.notify.notify(projectId, { ...base, event: 'monitor.up', action: 'resolve', title: 'Shop is up again' }, [channel.id]);
    await until(() => smtp.messages.length >= 2, 'the second email');
    const [down, up] = smtp.messages;
    expect(down?.to).toEqual(['oncall@example.com']);
    expect(down?.from).toBe('watchpost@example.com');
    expect(down?.raw).toContain('Shop is down');
    // The HTML part escapes what the message says.
    expect(down?.raw).toContain('&lt;badly&gt;');
    const references = (raw: string) => /^References:\s*(.+)$/im.exec(raw)?.[1]?.trim();
    expect(references(up?.raw ?? '')).toBeTruthy();
    expect(references(up?.raw ?? '')).toBe(references(down?.raw ?? ''));
    await call({ method: 'DELETE', url: `/api/channels/${channel.id}` });
  });

  it('survives a restart: a delivery queued while the endpoint is down is sent by the next process', async () => {
    const channel = await create({ name: 'Later', type: 'webhook', config: { url: `${receiver.url}/later` } });
    receiver.answer((request) => (request.path === '/later' ? { status: 502 } : { status: 200 }));
    await t.ctx.services.notify.notify(projectId, { event: 'backup.failed', source: 'backups', action: 'trigger', dedupKey: 'b:1', severity: 'error', title: 'Backup failed', text: 'x', occurredAt: Date.now() }, [channel.id]);
    await until(async () => (await deliveries(channel.id))[0]?.attempts.length === 1, 'the first attempt');
    await t.ctx.services.notify.stop();

    // A new node on the same database picks the delivery up once it is due.
    const next = await createTestApp(dialect, {}, t.db);
    try {
      receiver.answer({ status: 200, body: 'ok' });
      next.ctx.services.notify.start();
      await fastForward();
      await until(async () => (await deliveries(channel.id))[0]?.status === 'delivered', 'delivery by the new node');
    } finally {
      await next.close();
      t.ctx.services.notify.start();
    }
    expect(receiver.received.filter((r) => r.path === '/later')).toHaveLength(2);
  });

  it('rejects invalid settings with a clear message and keeps projects apart', async () => {
    const bad = await call({ method: 'POST', url: `/api/projects/${projectId}/channels`, payload: { name: 'x', type: 'slack', config: { webhookUrl: 'not a url' } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { message: string } }>().error.message).toMatch(/Slack/);
    const channel = await create({ name: 'Mine', type: 'webhook', config: { url: `${receiver.url}/mine` } });
    const stranger = await t.signUp('stranger@example.com', { orgName: 'Other' });
    expect((await stranger.call({ url: `/api/channels/${channel.id}` })).statusCode).toBe(403);
    expect((await stranger.call({ method: 'POST', url: `/api/channels/${channel.id}/test` })).statusCode).toBe(403);
    expect((await stranger.call({ url: `/api/projects/${projectId}/deliveries` })).statusCode).toBe(403);
    expect((await t.app.inject({ url: `/api/projects/${projectId}/channels` })).statusCode).toBe(401);
  });
});
