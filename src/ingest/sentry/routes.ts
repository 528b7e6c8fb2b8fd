import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { fail, WatchpostError } from '../../lib/errors.js';
import type { ApiInstance } from '../../server/api-types.js';
import type { AppContext } from '../../server/context.js';
import { BatchWriterFullError } from '../batch-writer.js';
import type { Refusal } from '../limits.js';
import { hasData } from '../packed-work.js';
import { resolveSentryAuth } from './auth.js';
import { readBody } from './body.js';
import { DEFAULT_ENVELOPE_LIMITS } from './envelope.js';
import { categoryOf, countedItems, processEnvelope, readEnvelope, type ProcessContext } from './process.js';
import { ProcessPoolFullError } from './process-pool.js';

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': 'x-sentry-auth, content-type, content-encoding, sentry-trace, baggage, authorization',
  'access-control-expose-headers': 'x-sentry-rate-limits, x-sentry-error, retry-after',
  'access-control-max-age': '86400',
};

const params = z.object({ projectId: z.string().max(20) });
const accepted = z.object({ id: z.string().nullable() });

/** The categories limits and quotas count; sessions, check-ins and client reports keep flowing. */
const LIMITED_CATEGORIES = 'error;transaction;span';

function rateLimitHeaders(refusal: Refusal): Record<string, string> {
  return { 'retry-after': String(refusal.retryAfterSeconds), 'x-sentry-rate-limits': `${refusal.retryAfterSeconds}:${LIMITED_CATEGORIES}:${refusal.scope}:${refusal.reason}` };
}

/** Overload: every category pauses (the JS SDK honours Retry-After only on 429, this header on any status). */
const OVERLOADED_HEADERS = { 'retry-after': '5', 'x-sentry-rate-limits': '5::organization' };

/**
 * The Sentry ingest endpoints the official SDKs post to: `/api/{projectId}/envelope/` and the
 * legacy `/api/{projectId}/store/`. Bodies are read raw (we decompress and size-check them while
 * streaming), authenticated by the DSN public key, rate-limited, processed and committed before the
 * 200 goes out.
 */
export function sentryIngestRoutes(api: ApiInstance, ctx: AppContext): void {
  const limits = {
    ...DEFAULT_ENVELOPE_LIMITS,
    maxEventBytes: ctx.config.ingest.maxEventBytes,
  };
  const bodyLimits = { maxCompressedBytes: ctx.config.ingest.maxBodyBytes, maxDecompressedBytes: ctx.config.ingest.maxDecompressedBytes };

  void api.register((scope, _options, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', async (request: FastifyRequest, payload: NodeJS.ReadableStream) => {
      const encoding = request.headers['content-encoding'];
      return readBody(payload, Array.isArray(encoding) ? encoding.join(',') : encoding, bodyLimits);
    });
    scope.addHook('onRequest', (_request, reply, hookDone) => {
      void reply.headers(CORS_HEADERS);
      hookDone();
    });
    // A key in the header or query is checked before the body is read and decompressed, so
    // unauthenticated traffic costs a cached lookup, not megabytes of inflating. (A key that only
    // sits in the envelope header is checked after parsing, as it must be.)
    scope.addHook('preParsing', async (request, _reply, payload) => {
      if (request.method !== 'POST') return payload;
      const query = request.query as Record<string, unknown>;
      const headers = request.headers;
      const authHeader = headers.authorization;
      const hasKey = headers['x-sentry-auth'] !== undefined || query.sentry_key !== undefined || (typeof authHeader === 'string' && /^sentry\b/i.test(authHeader));
      if (!hasKey) return payload;
      const auth = resolveSentryAuth({ query, headers });
      const key = await ctx.services.ingest.resolveKey(auth.publicKey);
      const projectId = (request.params as { projectId?: string }).projectId ?? '';
      if (!key || !/^\d+$/.test(projectId) || key.projectId !== Number(projectId)) throw fail('WP_ERR_INGEST_AUTH', 'Unknown or revoked DSN key for this project');
      return payload;
    });
    // Error replies carry the reason in X-Sentry-Error too, which the SDKs log.
    scope.addHook('onSend', (request, reply, payload, hookDone) => {
      // The body reader stops decoding on these and drains the rest: close so it can't go on forever.
      if ([400, 403, 413, 415].includes(reply.statusCode)) void reply.header('connection', 'close');
      if (reply.statusCode >= 400 && typeof payload === 'string') {
        try {
          const parsed = JSON.parse(payload) as { error?: { message?: string } };
          if (parsed.error?.message) void reply.header('x-sentry-error', parsed.error.message.slice(0, 200).replace(/[^\x20-\x7e]/g, '?'));
        } catch {
          // not ours
        }
      }
      hookDone(null, payload);
    });

    for (const kind of ['envelope', 'store'] as const) {
      scope.options(`/:projectId/${kind}/`, { config: { auth: 'ingest' }, schema: { hide: true } }, (_request, reply) => reply.code(204).send());
      scope.post(`/:projectId/${kind}/`, {
        config: { auth: 'ingest' },
        schema: {
          tags: ['ingest'],
          summary: kind === 'envelope' ? 'Sentry envelope ingest (errors, transactions, spans, sessions, check-ins)' : 'Sentry legacy store endpoint (one event)',
          description: 'Authenticated by the DSN public key: `X-Sentry-Auth`, `?sentry_key=` or the envelope header `dsn`. Bodies may be gzip, deflate or br encoded.',
          params,
          security: [],
          response: { 200: accepted },
        },
        handler: (request, reply) => ingest(ctx, request, reply, kind, limits),
      });
    }
    done();
  });
}

async function ingest(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, kind: 'envelope' | 'store', limits: typeof DEFAULT_ENVELOPE_LIMITS): Promise<{ id: string | null }> {
  const { ingest: service } = ctx.services;
  const rawProjectId = (request.params as { projectId: string }).projectId;
  const projectId = Number(rawProjectId);
  const body = request.body;
  if (!Buffer.isBuffer(body) || body.length === 0) throw fail('WP_ERR_INGEST_MALFORMED', 'The request body is empty');
  const receivedAt = Date.now();

  const envelope = readEnvelope(body, kind, limits);

  const auth = resolveSentryAuth({ query: request.query as Record<string, unknown>, headers: request.headers, envelopeDsn: envelope.header.dsn });
  const key = await service.resolveKey(auth.publicKey);
  if (!key || !/^\d+$/.test(rawProjectId) || key.projectId !== projectId || (auth.dsnProjectId !== undefined && auth.dsnProjectId !== projectId)) {
    throw fail('WP_ERR_INGEST_AUTH', 'Unknown or revoked DSN key for this project');
  }
  const settings = await service.settings(projectId);

  const counted = countedItems(envelope);
  const refusal = await service.admit(key, settings, counted, receivedAt);
  if (refusal) {
    for (const item of envelope.items) {
      const category = categoryOf(item.type);
      if (category === 'error' || category === 'transaction' || category === 'span') service.count(projectId, category, refusal.reason === 'usage_exceeded' ? 'quota' : 'rate_limited');
    }
    throw fail(refusal.reason === 'usage_exceeded' ? 'WP_ERR_INGEST_QUOTA' : 'WP_ERR_INGEST_RATE_LIMITED', undefined, rateLimitHeaders(refusal));
  }

  const processContext: ProcessContext = {
    projectId,
    keyId: key.keyId,
    settings,
    clientIp: request.ip,
    receivedAt,
    maxJsonDepth: limits.maxJsonDepth,
  };
  const pool = ctx.services.ingestWorkers;
  // Source maps are read from the database, so events of a project that uploaded any are
  // symbolicated and processed here; everything else goes to a processing worker.
  const hasEvent = envelope.items.some((item) => item.type === 'event');
  // (A failed lookup sends it down the inline path, where symbolication failures are recorded, not thrown.)
  const onWorker = pool.size > 0 && !(hasEvent && (await ctx.services.sourcemaps.hasArtifacts(projectId).catch(() => true)));
  let processed;
  try {
    processed = onWorker
      ? await pool.run({ body, kind, limits, ctx: processContext })
      : await processEnvelope(envelope, { ...processContext, symbolicate: (event) => ctx.services.sourcemaps.symbolicate(projectId, event) });
  } catch (error) {
    if (error instanceof ProcessPoolFullError) throw fail('WP_ERR_INGEST_OVERLOADED', undefined, OVERLOADED_HEADERS);
    if (error instanceof WatchpostError) service.count(projectId, envelope.items.some((i) => i.type === 'transaction') ? 'transaction' : 'error', 'invalid');
    throw error;
  }
  for (const d of processed.dropped) service.count(projectId, d.category, d.outcome, d.count);

  const { work } = processed;
  if (hasData(work)) {
    try {
      await service.submit(work);
    } catch (error) {
      if (error instanceof BatchWriterFullError) throw fail('WP_ERR_INGEST_OVERLOADED', undefined, OVERLOADED_HEADERS);
      throw error;
    }
  }
  void reply.header('cache-control', 'no-store');
  return { id: processed.eventId };
}
