import { connect as netConnect, isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { z } from 'zod';
import { assertHostAllowed, guardedLookup } from '../../lib/egress.js';
import { redactUrl, urlField, urlTarget } from './config-fields.js';
import { Deadline } from './deadline.js';
import { describeNetworkError, errorMessage } from './network-errors.js';
import type { CheckerDefinition } from './types.js';

export const redisConfigSchema = z
  .object({
    url: urlField(['redis:', 'rediss:'], 'redis://:password@cache.example.com:6379/0', { secretField: true }).refine((value) => {
      try {
        return /^\/?(\d{1,5})?$/.test(new URL(value).pathname);
      } catch {
        return true; // Reported by the URL check itself.
      }
    }, 'The path can only be a database number, like /0'),
  })
  .strict();

export type RedisConfig = z.infer<typeof redisConfigSchema>;

interface RedisTarget {
  readonly tls: boolean;
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly db: number;
}

function parseRedisUrl(value: string): RedisTarget {
  const url = new URL(value);
  return {
    tls: url.protocol === 'rediss:',
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: Number(url.port || 6379),
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    db: Number(url.pathname.replace(/^\//, '') || 0),
  };
}

/** A command as a RESP array of bulk strings. */
export function encodeCommand(args: readonly string[]): Buffer {
  const parts = [`*${args.length}\r\n`];
  for (const arg of args) parts.push(`$${Buffer.byteLength(arg)}\r\n${arg}\r\n`);
  return Buffer.from(parts.join(''));
}

export interface RespReply {
  readonly type: 'simple' | 'error' | 'integer' | 'bulk';
  /** null for a nil bulk string. */
  readonly value: string | null;
}

/** The answer came from something that does not speak RESP (an HTTP server, say). */
export class RespProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RespProtocolError';
  }
}

/** Parses the complete RESP2 replies at the start of `buffer` (the kinds AUTH, SELECT and PING answer with). */
export function parseReplies(buffer: Buffer): { replies: RespReply[]; rest: Buffer } {
  const replies: RespReply[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = buffer.indexOf('\r\n', offset);
    if (lineEnd === -1) break;
    const prefix = String.fromCharCode(buffer[offset] ?? 0);
    const line = buffer.toString('utf8', offset + 1, lineEnd);
    if (prefix === '+' || prefix === '-' || prefix === ':') {
      replies.push({ type: prefix === '+' ? 'simple' : prefix === '-' ? 'error' : 'integer', value: line });
      offset = lineEnd + 2;
    } else if (prefix === '$' && /^-?\d+$/.test(line)) {
      const length = Number(line);
      if (length < 0) {
        replies.push({ type: 'bulk', value: null });
        offset = lineEnd + 2;
        continue;
      }
      const end = lineEnd + 2 + length;
      if (buffer.length < end + 2) break;
      replies.push({ type: 'bulk', value: buffer.toString('utf8', lineEnd + 2, end) });
      offset = end + 2;
    } else {
      const shown = buffer.toString('utf8', offset, Math.min(lineEnd, offset + 60)).replace(/[^\x20-\x7e]/g, '?');
      throw new RespProtocolError(`Not a Redis server: unexpected reply "${shown}"`);
    }
  }
  return { replies, rest: buffer.subarray(offset) };
}

class RedisReplyError extends Error {}

/** Redis: AUTH (when the URL has a password, ACL user:password too), SELECT (when it names a database), PING. */
export const redisChecker: CheckerDefinition<RedisConfig> = {
  type: 'redis',
  label: 'Redis',
  configSchema: redisConfigSchema,
  secretFields: ['url'],
  describe: (config) => redactUrl(config.url),
  async check(config, context) {
    const target = parseRedisUrl(config.url);
    const address = urlTarget(new URL(config.url), 6379);
    const commands: string[][] = [];
    if (target.password) commands.push(target.username ? ['AUTH', target.username, target.password] : ['AUTH', target.password]);
    if (target.db !== 0) commands.push(['SELECT', String(target.db)]);
    commands.push(['PING']);
    const deadline = new Deadline(context);
    try {
      const latencyMs = await deadline.run<number>((resolve, reject) => {
        assertHostAllowed(target.host);
        const socket = target.tls
          ? tlsConnect({ host: target.host, port: target.port, servername: isIP(target.host) ? undefined : target.host, lookup: guardedLookup })
          : netConnect({ host: target.host, port: target.port, lookup: guardedLookup });
        // One round trip: the commands are pipelined and the first error reply decides.
        socket.once(target.tls ? 'secureConnect' : 'connect', () => socket.write(Buffer.concat(commands.map(encodeCommand))));
        let pending: Buffer = Buffer.alloc(0);
        let answered = 0;
        socket.on('data', (chunk: Buffer) => {
          pending = Buffer.concat([pending, chunk]);
          let parsed: ReturnType<typeof parseReplies>;
          try {
            parsed = parseReplies(pending);
          } catch (error) {
            reject(error as RespProtocolError);
            return;
          }
          pending = parsed.rest;
          if (pending.length > 64 * 1024) reject(new RespProtocolError('Not a Redis server: oversized reply'));
          for (const reply of parsed.replies) {
            answered += 1;
            if (reply.type === 'error') return reject(new RedisReplyError(`Redis error: ${reply.value}`));
            if (answered === commands.length) {
              if (reply.value === 'PONG') return resolve(deadline.elapsedMs());
              return reject(new RespProtocolError(`Unexpected reply to PING: ${String(reply.value).slice(0, 60)}`));
            }
          }
        });
        socket.on('end', () => reject(new Error(`Connection closed by the server before it answered (${address})`)));
        socket.on('error', reject);
        return () => socket.destroy();
      });
      return { status: 'up', latencyMs, message: `PONG in ${latencyMs} ms`, details: { tls: target.tls, db: target.db } };
    } catch (error) {
      let message: string;
      if (deadline.aborted) message = deadline.abortMessage();
      else if (error instanceof RedisReplyError || error instanceof RespProtocolError) message = error.message;
      else if (error instanceof Error && !('code' in error)) message = errorMessage(error);
      else message = describeNetworkError(error, address);
      // Replies never quote the password, but a misconfigured proxy might: never let it reach the UI.
      if (target.password.length >= 4) message = message.split(target.password).join('***');
      return { status: 'down', latencyMs: null, message };
    } finally {
      deadline.dispose();
    }
  },
};
