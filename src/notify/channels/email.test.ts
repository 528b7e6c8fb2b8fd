import { createHash } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import type { SmtpSettings } from '../types.js';
import { emailChannel, emailConfigSchema } from './email.js';
import { testContext, testMessage } from './testing.js';

interface Received {
  readonly from: string;
  readonly to: string[];
  readonly raw: string;
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A real SMTP server on loopback that keeps what it receives. */
async function startSmtp(options: SMTPServerOptions = {}): Promise<{ port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    disableReverseLookup: true,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
        received.push({ from, to: session.envelope.rcptTo.map((rcpt) => rcpt.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
    ...options,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.server.address() as AddressInfo).port, received };
}

function smtpSettings(port: number, overrides: Partial<SmtpSettings> = {}): SmtpSettings {
  return { host: '127.0.0.1', port, security: 'none', from: 'Watchpost <alerts@watchpost.test>', ...overrides };
}

/** The decoded bodies of the MIME parts, by content type (enough MIME for these assertions). */
function mimeParts(raw: string): Map<string, string> {
  const parts = new Map<string, string>();
  const boundary = /boundary="?([^";\r\n]+)"?/.exec(raw)?.[1];
  for (const part of boundary ? raw.split(`--${boundary}`) : []) {
    const [head = '', ...rest] = part.split('\r\n\r\n');
    const type = /content-type:\s*([^;\r\n]+)/i.exec(head)?.[1];
    if (!type) continue;
    const body = rest.join('\r\n\r\n');
    const encoding = /content-transfer-encoding:\s*(\S+)/i.exec(head)?.[1]?.toLowerCase();
    const decoded =
      encoding === 'base64'
        ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
        : encoding === 'quoted-printable'
          ? Buffer.from(body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8')
          : body;
    parts.set(type.toLowerCase(), decoded);
  }
  return parts;
}

/** One header of the raw message, unfolded. */
function header(raw: string, name: string): string | undefined {
  const head = raw.split('\r\n\r\n')[0]!.replace(/\r\n[ \t]+/g, ' ');
  return new RegExp(`^${name}: (.*)$`, 'im').exec(head)?.[1];
}

const threadRef = `<${createHash('sha256').update('monitor:42').digest('hex')}@watchpost>`;

describe('email channel', () => {
  it('sends a text and an escaped HTML part, threaded by the dedup key', async () => {
    const { port, received } = await startSmtp();
    const config = emailConfigSchema.parse({ to: ['ops@example.com', 'dev@example.com'], smtp: smtpSettings(port) });
    const message = testMessage({ text: 'Body: <script>alert("x")</script>' });
    const result = await emailChannel.send(config, message, testContext());
    expect(result.response).toMatch(/^250 /);
    await emailChannel.send(config, testMessage({ action: 'resolve', title: 'API is up' }), testContext({ deliveryId: 'second-delivery' }));

    const [trigger, resolve] = received;
    expect(trigger!.from).toBe('alerts@watchpost.test');
    expect(trigger!.to).toEqual(['ops@example.com', 'dev@example.com']);
    expect(header(trigger!.raw, 'Subject')).toBe('[Watchpost] API is down');
    expect(header(trigger!.raw, 'To')).toBe('ops@example.com, dev@example.com');
    expect(header(trigger!.raw, 'Auto-Submitted')).toBe('auto-generated');
    expect(header(trigger!.raw, 'Message-ID')).toBe(`<${testContext().deliveryId}.delivery@watchpost>`);
    expect(header(resolve!.raw, 'Message-ID')).toBe('<second-delivery.delivery@watchpost>');
    for (const sent of [trigger!, resolve!]) {
      expect(header(sent.raw, 'References')).toBe(threadRef);
      expect(header(sent.raw, 'In-Reply-To')).toBe(threadRef);
    }

    const parts = mimeParts(trigger!.raw);
    const text = parts.get('text/plain')!;
    expect(text).toContain('🔴 API is down');
    expect(text).toContain('Body: <script>alert("x")</script>');
    expect(text).toContain('Status: 503');
    expect(text).toContain('Open in Watchpost: https://watchpost.example.com/monitors/42');
    const html = parts.get('text/html')!;
    expect(html).not.toContain('<script>');
    expect(html).toContain('Body: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('<a href="https://watchpost.example.com/monitors/42">Open in Watchpost</a>');
  });

  it('falls back to the instance SMTP server, and says so when there is none', async () => {
    const { port, received } = await startSmtp();
    const config = emailConfigSchema.parse({ to: ['ops@example.com'] });
    await emailChannel.send(config, testMessage(), testContext({ defaultSmtp: smtpSettings(port) }));
    expect(received).toHaveLength(1);
    await expect(emailChannel.send(config, testMessage(), testContext())).rejects.toMatchObject({
      retryable: false,
      message: 'No SMTP server configured: set WATCHPOST_SMTP_URL or give the channel its own SMTP settings',
    });
  });

  it('gives up on a permanent 550 and retries a temporary 451', async () => {
    let code = 550;
    const { port } = await startSmtp({
      onRcptTo(_address, _session, callback) {
        callback(Object.assign(new Error(code === 550 ? 'No such user here' : 'Try again later'), { responseCode: code }));
      },
    });
    const config = emailConfigSchema.parse({ to: ['nobody@example.com'], smtp: smtpSettings(port) });
    await expect(emailChannel.send(config, testMessage(), testContext())).rejects.toMatchObject({ retryable: false, status: 550, response: expect.stringContaining('No such user here') });
    code = 451;
    await expect(emailChannel.send(config, testMessage(), testContext())).rejects.toMatchObject({ retryable: true, status: 451 });
  });

  it('logs in with the configured user and password', async () => {
    const logins: string[] = [];
    const { port, received } = await startSmtp({
      allowInsecureAuth: true,
      authOptional: false,
      onAuth(auth, _session, callback) {
        logins.push(`${auth.username}:${auth.password}`);
        if (auth.username === 'mailer' && auth.password === 's3cret') callback(null, { user: auth.username });
        else callback(new Error('Invalid username or password'));
      },
    });
    const good = emailConfigSchema.parse({ to: ['ops@example.com'], smtp: smtpSettings(port, { user: 'mailer', password: 's3cret' }) });
    await emailChannel.send(good, testMessage(), testContext());
    expect(received).toHaveLength(1);
    expect(logins).toEqual(['mailer:s3cret']);
    const bad = { ...good, smtp: { ...good.smtp!, password: 'wrong' } };
    await expect(emailChannel.send(bad, testMessage(), testContext())).rejects.toMatchObject({ retryable: false, status: 535 });
  });

  it('upgrades with STARTTLS, accepting a self-signed certificate only when allowed', async () => {
    // smtp-server's built-in certificate is self-signed.
    const { port, received } = await startSmtp({ disabledCommands: [] });
    const config = emailConfigSchema.parse({ to: ['ops@example.com'], smtp: smtpSettings(port, { security: 'starttls', allowInvalidCertificate: true }) });
    await emailChannel.send(config, testMessage(), testContext());
    expect(received).toHaveLength(1);
    const strict = { ...config, smtp: { ...config.smtp!, allowInvalidCertificate: false } };
    await expect(emailChannel.send(strict, testMessage(), testContext())).rejects.toMatchObject({ message: expect.stringMatching(/certificate/i) });
    expect(received).toHaveLength(1);
  });

  it('retries when the server never answers before the signal times out', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          sockets.forEach((socket) => socket.destroy());
          silent.close(() => resolve());
        }),
    );
    const config = emailConfigSchema.parse({ to: ['ops@example.com'], smtp: smtpSettings((silent.address() as AddressInfo).port) });
    await expect(emailChannel.send(config, testMessage(), testContext({ signal: AbortSignal.timeout(200) }))).rejects.toMatchObject({
      retryable: true,
      message: 'Timed out talking to the SMTP server',
    });
  });

  it('validates recipients and keeps the SMTP block secret', () => {
    expect(emailConfigSchema.safeParse({ to: [] }).success).toBe(false);
    expect(emailConfigSchema.safeParse({ to: ['not-an-email'] }).success).toBe(false);
    expect(emailConfigSchema.safeParse({ to: Array.from({ length: 21 }, (_, i) => `u${i}@example.com`) }).success).toBe(false);
    expect(emailConfigSchema.safeParse({ to: ['a@example.com'], smtp: { ...smtpSettings(25), from: 'x@y.z\r\nBcc: evil@example.com' } }).success).toBe(false);
    const config = emailConfigSchema.parse({ to: ['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com'], smtp: smtpSettings(587, { password: 'pw' }) });
    expect(emailChannel.describe(config)).toBe('a@example.com, b@example.com, c@example.com and 1 more via 127.0.0.1:587');
    expect(emailChannel.describe(config)).not.toContain('pw');
    expect(emailChannel.secretFields).toEqual(['smtp']);
  });
});
