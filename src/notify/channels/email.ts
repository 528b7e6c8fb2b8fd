import { createHash } from 'node:crypto';
import nodemailer, { type NodemailerError } from 'nodemailer';
import { z } from 'zod';
import { DeliveryError, type ChannelDefinition, type NotificationMessage, type SendContext, type SmtpSettings } from '../types.js';
import { SNIPPET_CHARS } from './http.js';
import { TONE_COLOUR, escapeHtml, headline, isoTime, messageFields, singleLine, toneOf, truncate } from './text.js';

/**
 * Email over SMTP with nodemailer: a text and an HTML part, threaded per problem. The channel may
 * bring its own SMTP server; otherwise the instance's (WATCHPOST_SMTP_URL) is used.
 */

export const smtpSettingsSchema = z
  .object({
    host: z.string().trim().min(1).max(253),
    port: z.number().int().min(1).max(65535),
    security: z.enum(['tls', 'starttls', 'none']),
    user: z.string().max(320).optional(),
    password: z.string().max(1000).optional(),
    /** 'alerts@example.com' or 'Watchpost <alerts@example.com>'. */
    from: z
      .string()
      .trim()
      .min(3)
      .max(320)
      .refine((from) => from.includes('@') && !/[\r\n]/.test(from), 'Must be an email address, optionally with a name'),
    allowInvalidCertificate: z.boolean().optional(),
  })
  .strict();

export const emailConfigSchema = z
  .object({
    to: z.array(z.email()).min(1).max(20),
    smtp: smtpSettingsSchema.optional(),
  })
  .strict();

export type EmailConfig = z.infer<typeof emailConfigSchema>;

/** Bounds every SMTP wait, so a silent server fails the attempt (to be retried) instead of hanging it. */
const SMTP_TIMEOUT_MS = 10_000;

/** Errors that carry no SMTP reply but will not go away by retrying: a configuration problem. */
const FINAL_CODES = new Set(['EAUTH', 'ENOAUTH', 'ECONFIG', 'EREQUIRETLS']);

/** The Message-ID all messages about one problem refer to, so mail clients thread them. */
export function threadId(dedupKey: string): string {
  return `<${createHash('sha256').update(dedupKey).digest('hex')}@watchpost>`;
}

/** Unique per delivery and the same on its retries, so a receiving server can drop a duplicate. */
function messageId(deliveryId: string): string {
  const safe = deliveryId.replace(/[^A-Za-z0-9._-]/g, '');
  return `<${safe || createHash('sha256').update(deliveryId).digest('hex')}.delivery@watchpost>`;
}

export function emailSubject(message: NotificationMessage): string {
  return `[Watchpost] ${truncate(singleLine(message.title), 200)}`;
}

export function emailText(message: NotificationMessage): string {
  const lines = [headline(message), ''];
  if (message.text.trim() !== '') lines.push(message.text, '');
  const fields = messageFields(message);
  if (fields.length > 0) lines.push(...fields.map((field) => `${field.name}: ${field.value}`), '');
  if (message.url) lines.push(`Open in Watchpost: ${message.url}`, '');
  lines.push(`— Watchpost (${message.source}), ${isoTime(message.occurredAt)}`);
  return lines.join('\n');
}

/** A deliberately plain HTML part: inline styles only, every value escaped. */
export function emailHtml(message: NotificationMessage): string {
  const colour = `#${TONE_COLOUR[toneOf(message)].toString(16).padStart(6, '0')}`;
  const paragraphs = (text: string) => escapeHtml(text).replace(/\r?\n/g, '<br>');
  const parts = [`<h2 style="margin:0 0 12px;color:${colour}">${escapeHtml(headline(message))}</h2>`];
  if (message.text.trim() !== '') parts.push(`<p style="margin:0 0 12px">${paragraphs(message.text)}</p>`);
  const fields = messageFields(message);
  if (fields.length > 0) {
    const rows = fields.map((field) => `<tr><th align="left" style="padding:2px 12px 2px 0">${escapeHtml(field.name)}</th><td>${paragraphs(field.value)}</td></tr>`);
    parts.push(`<table style="border-collapse:collapse;margin:0 0 12px">${rows.join('')}</table>`);
  }
  if (message.url && /^https?:\/\//i.test(message.url)) parts.push(`<p style="margin:0 0 12px"><a href="${escapeHtml(message.url)}">Open in Watchpost</a></p>`);
  parts.push(`<p style="margin:0;color:#667085;font-size:12px">Watchpost (${escapeHtml(message.source)}), ${isoTime(message.occurredAt)}</p>`);
  return `<!doctype html><html><body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;color:#101828">${parts.join('\n')}</body></html>`;
}

function transportFor(smtp: SmtpSettings) {
  return nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.security === 'tls',
    requireTLS: smtp.security === 'starttls',
    ignoreTLS: smtp.security === 'none',
    auth: smtp.user ? { user: smtp.user, pass: smtp.password ?? '' } : undefined,
    tls: { rejectUnauthorized: smtp.allowInvalidCertificate !== true },
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
    dnsTimeout: SMTP_TIMEOUT_MS,
  });
}

/** SMTP 5xx (but 503) is a permanent refusal; 4xx, lost connections and timeouts are worth retrying. */
function smtpFailure(error: unknown, signal: AbortSignal): DeliveryError {
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    const timedOut = reason instanceof Error && reason.name === 'TimeoutError';
    return new DeliveryError(timedOut ? 'Timed out talking to the SMTP server' : 'Sending aborted', { retryable: true });
  }
  const failure = error as Partial<NodemailerError>;
  const permanent = failure.permanent ?? (failure.code !== undefined && FINAL_CODES.has(failure.code));
  const message = `SMTP: ${failure.message ?? String(error)}`;
  return new DeliveryError(truncate(message, SNIPPET_CHARS), {
    retryable: !permanent,
    status: failure.responseCode,
    response: failure.response === undefined ? undefined : truncate(failure.response, SNIPPET_CHARS),
  });
}

async function send(config: EmailConfig, message: NotificationMessage, context: SendContext) {
  const smtp = config.smtp ?? context.defaultSmtp;
  if (!smtp) {
    throw new DeliveryError('No SMTP server configured: set WATCHPOST_SMTP_URL or give the channel its own SMTP settings', { retryable: false });
  }
  const transport = transportFor(smtp);
  const thread = threadId(message.dedupKey);
  try {
    const info = await transport.sendMail({
      from: smtp.from,
      to: [...config.to],
      subject: emailSubject(message),
      text: emailText(message),
      html: emailHtml(message),
      date: new Date(context.now),
      messageId: messageId(context.deliveryId),
      inReplyTo: thread,
      references: [thread],
      // RFC 3834: tells auto-responders (out-of-office) not to answer.
      headers: { 'Auto-Submitted': 'auto-generated', 'X-Watchpost-Event': singleLine(message.event) },
      signal: context.signal,
    });
    const rejected = info.rejected ?? [];
    const reply = `${info.response ?? ''}${rejected.length > 0 ? ` (rejected: ${rejected.join(', ')})` : ''}`;
    return { response: truncate(reply.trim(), SNIPPET_CHARS) };
  } catch (error) {
    throw smtpFailure(error, context.signal);
  } finally {
    transport.close();
  }
}

function describe(config: EmailConfig): string {
  const shown = config.to.slice(0, 3).join(', ');
  const more = config.to.length > 3 ? ` and ${config.to.length - 3} more` : '';
  const via = config.smtp ? ` via ${config.smtp.host}:${config.smtp.port}` : '';
  return `${shown}${more}${via}`;
}

export const emailChannel: ChannelDefinition<EmailConfig> = {
  type: 'email',
  label: 'Email',
  configSchema: emailConfigSchema,
  // The whole SMTP block: secret fields are top-level, and it holds the password.
  secretFields: ['smtp'],
  describe,
  send,
};
