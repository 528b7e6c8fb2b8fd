import { z } from 'zod';
import type { ChannelDefinition, NotificationMessage, SendContext } from '../types.js';
import { httpUrlSchema, joinUrl, postJson } from './http.js';
import { escapeHtml, headline, isoTime, messageFields, truncate } from './text.js';

/**
 * Telegram bot `sendMessage` with HTML formatting. The bot token is part of the request path, so it
 * is the secret. `apiBaseUrl` points at a self-hosted Bot API server (or a test server).
 */

export const telegramConfigSchema = z
  .object({
    botToken: z.string().trim().regex(/^\d+:[A-Za-z0-9_-]+$/, "Must look like '123456789:AA…' (from @BotFather)"),
    /** A numeric chat id (groups are negative) or '@channelusername'. */
    chatId: z
      .union([z.string().trim(), z.number().int().transform(String)])
      .pipe(z.string().regex(/^(-?\d{1,20}|@[A-Za-z0-9_]{4,32})$/, "Must be a numeric chat id or '@channelname'")),
    apiBaseUrl: httpUrlSchema.default('https://api.telegram.org'),
  })
  .strict();

export type TelegramConfig = z.infer<typeof telegramConfigSchema>;

/** Telegram counts the text after entity parsing (tags removed, entities decoded): 4096 UTF-16 units. */
const TEXT_MAX = 4096;
const FIELDS_MAX = 10;

/** A piece of the message: its HTML and the text Telegram counts for it. */
interface Piece {
  readonly html: string;
  readonly plain: string;
}

const text = (plain: string): Piece => ({ html: escapeHtml(plain), plain });
const tag = (name: string, plain: string): Piece => ({ html: `<${name}>${escapeHtml(plain)}</${name}>`, plain });

/** The HTML `text`, with the message text shortened so the whole stays within Telegram's limit. */
export function telegramText(message: NotificationMessage): string {
  const head: Piece[] = [tag('b', truncate(headline(message), 256))];
  const tail: Piece[] = [];
  const fields = messageFields(message).slice(0, FIELDS_MAX);
  if (fields.length > 0) {
    tail.push(text('\n\n'));
    fields.forEach((field, i) => {
      if (i > 0) tail.push(text('\n'));
      tail.push(tag('b', `${truncate(field.name, 64)}:`), text(` ${truncate(field.value, 256)}`));
    });
  }
  if (message.url) {
    tail.push(text('\n\n'), { html: `<a href="${escapeHtml(message.url)}">Open in Watchpost</a>`, plain: 'Open in Watchpost' });
  }
  tail.push(text('\n'), tag('i', `${message.source} · ${isoTime(message.occurredAt)}`));
  const used = [...head, ...tail].reduce((sum, piece) => sum + piece.plain.length, 0);
  const body = message.text.trim() === '' ? [] : [text('\n'), text(truncate(message.text, Math.max(0, TEXT_MAX - used - 1)))];
  return [...head, ...body, ...tail].map((piece) => piece.html).join('');
}

async function send(config: TelegramConfig, message: NotificationMessage, context: SendContext) {
  const url = joinUrl(config.apiBaseUrl, `bot${config.botToken}/sendMessage`);
  const payload = { chat_id: config.chatId, text: telegramText(message), parse_mode: 'HTML', disable_web_page_preview: true };
  return postJson(url, payload, context);
}

export const telegramChannel: ChannelDefinition<TelegramConfig> = {
  type: 'telegram',
  label: 'Telegram',
  configSchema: telegramConfigSchema,
  secretFields: ['botToken'],
  describe: (config) => `Telegram chat ${config.chatId}`,
  send,
};
