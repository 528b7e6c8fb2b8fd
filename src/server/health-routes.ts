import { z } from 'zod';
import { safeEqual } from '../lib/crypto.js';
import { fail } from '../lib/errors.js';
import { VERSION } from '../lib/version.js';
import { migrationStatus } from '../storage/migrate.js';
import type { ApiInstance } from './api-types.js';
import { requireInstanceAdmin } from './authorize.js';
import type { AppContext } from './context.js';

const startedAt = Date.now();

/** GET /api/health (alive) and GET /api/health/ready (database reachable, schema current). */
export function healthRoutes(app: ApiInstance, ctx: AppContext): void {
  app.get('/health', {
    config: { auth: 'public' },
    schema: {
      tags: ['health'],
      summary: 'Liveness: the process answers',
      response: { 200: z.object({ status: z.literal('ok'), version: z.string(), uptimeSeconds: z.number() }) },
    },
    handler: () => ({ status: 'ok' as const, version: VERSION, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) }),
  });

  const readiness = z.object({
    status: z.enum(['ready', 'not_ready']),
    checks: z.object({
      database: z.object({ ok: z.boolean(), latencyMs: z.number().nullable(), error: z.string().nullable() }),
      migrations: z.object({ ok: z.boolean(), pending: z.array(z.string()) }),
    }),
  });
  app.get('/health/ready', {
    config: { auth: 'public' },
    schema: { tags: ['health'], summary: 'Readiness: database reachable and migrations applied', response: { 200: readiness, 503: readiness } },
    handler: async (_request, reply) => {
      const started = performance.now();
      let database: z.infer<typeof readiness>['checks']['database'];
      let migrations: z.infer<typeof readiness>['checks']['migrations'] = { ok: false, pending: [] };
      try {
        const status = await migrationStatus(ctx.storage);
        database = { ok: true, latencyMs: Math.round((performance.now() - started) * 10) / 10, error: null };
        migrations = { ok: status.pending.length === 0, pending: status.pending };
      } catch (error) {
        // Readiness is public: say what failed without echoing connection details.
        ctx.log.warn({ err: error }, 'readiness check: database unreachable');
        database = { ok: false, latencyMs: null, error: 'database unreachable' };
      }
      const ready = database.ok && migrations.ok;
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks: { database, migrations } });
    },
  });
}

/**
 * GET /metrics in Prometheus text format. Needs WATCHPOST_METRICS_TOKEN as a bearer token, or an
 * instance administrator's session or API token.
 */
export function metricsRoute(app: ApiInstance, ctx: AppContext): void {
  app.get('/metrics', {
    config: { auth: 'public' },
    schema: { hide: true },
    handler: async (request, reply) => {
      const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
      const viaToken = ctx.config.metricsToken !== null && bearer !== undefined && safeEqual(bearer, ctx.config.metricsToken);
      if (!viaToken) {
        const principal = request.principal;
        if (!principal) throw fail('WP_ERR_AUTH_REQUIRED', 'Send WATCHPOST_METRICS_TOKEN or an instance administrator token as a bearer token');
        requireInstanceAdmin(request);
      }
      return reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
    },
  });
}
