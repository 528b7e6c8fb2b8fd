import { z } from 'zod';
import type { ApiInstance } from '../server/api-types.js';
import type { AppContext } from '../server/context.js';
import type { PingKind } from './types.js';

/** Bodies beyond this are refused; PING_BODY_LIMIT of what arrives is kept. */
const PING_BODY_BYTES = 100_000;

function parseAction(action: string | undefined): { kind: PingKind; exitCode: number | null } | null {
  if (action === undefined || action === '') return { kind: 'success', exitCode: null };
  if (action === 'start' || action === 'fail' || action === 'log') return { kind: action, exitCode: null };
  if (/^\d{1,3}$/.test(action) && Number(action) <= 255) return { kind: Number(action) === 0 ? 'success' : 'fail', exitCode: Number(action) };
  return null;
}

/**
 * The heartbeat ping API (healthchecks.io style), public: the unguessable token in the URL is the
 * credential. GET, HEAD or POST `/ping/<token>` (success), `/start`, `/fail`, `/<exit code>`, `/log`;
 * `?rid=` pairs a start with its finish. A POST body (any content type) is kept as the ping's log.
 */
export function pingRoutes(app: ApiInstance, ctx: AppContext): void {
  // Cron jobs post whatever they have (curl -d sends form encoding): take every body as text.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: PING_BODY_BYTES }, (_request, body, done) => done(null, body));

  const params = z.object({ token: z.string().max(64), action: z.string().max(16).optional() });
  const querystring = z.object({ rid: z.string().max(64).optional() });
  for (const url of ['/ping/:token', '/ping/:token/:action']) {
    app.route({
      method: ['GET', 'POST'],
      url,
      // No session or key: the unguessable token in the URL is the credential (like an ingest key).
      config: { auth: 'ingest' },
      schema: { tags: ['uptime'], summary: 'Heartbeat ping (public; the token in the URL is the credential)', params, querystring },
      handler: async (request, reply) => {
        void reply.type('text/plain; charset=utf-8');
        const action = parseAction(request.params.action);
        if (!action) return reply.code(400).send('Unknown ping action: use /start, /fail, /log or an exit code 0-255\n');
        const found = await ctx.services.uptime.ping(request.params.token, {
          ...action,
          rid: request.query.rid ?? null,
          body: typeof request.body === 'string' && request.body.length > 0 ? request.body : null,
          ip: request.ip,
          userAgent: request.headers['user-agent'] ?? null,
        });
        if (!found) return reply.code(404).send('No monitor has this ping URL\n');
        return reply.code(200).send('OK\n');
      },
    });
  }
}
