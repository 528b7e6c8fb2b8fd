import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import helmet from 'helmet';
import Fastify, { LogController, type FastifyBaseLogger, type HTTPMethods } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { accountRoutes } from '../accounts/routes.js';
import { auditRoutes } from '../audit/routes.js';
import { sentryReleaseRoutes } from '../deploys/sentry-routes.js';
import { issueRoutes } from '../errors/routes.js';
import { sourceMapRoutes } from '../errors/sourcemaps/routes.js';
import { notifyRoutes } from '../notify/routes.js';
import { registerCustomDomains, statusPublicRoutes } from '../status-pages/public-routes.js';
import { statusPageRoutes } from '../status-pages/routes.js';
import { pingRoutes } from '../uptime/ping-routes.js';
import { uptimeRoutes } from '../uptime/routes.js';
import { backupRoutes } from '../backups/routes.js';
import { sentryArtifactRoutes } from '../errors/sourcemaps/sentry-routes.js';
import { sentryIngestRoutes } from '../ingest/sentry/routes.js';
import { ingestSettingsRoutes } from '../ingest/settings-routes.js';
import { jobRoutes } from '../jobs/routes.js';
import { performanceRoutes } from '../performance/routes.js';
import { newId } from '../lib/ids.js';
import { PACKAGE_ROOT, VERSION } from '../lib/version.js';
import { orgRoutes } from '../orgs/routes.js';
import { projectRoutes } from '../projects/routes.js';
import { tokenRoutes } from '../tokens/routes.js';
import type { ApiInstance } from './api-types.js';
import { registerAuthHook } from './auth-hook.js';
import { sentryApiScope } from './sentry-api.js';
import type { Config } from '../config/index.js';
import type { AppContext } from './context.js';
import { registerErrorHandler, sendError } from './error-handler.js';
import { healthRoutes, metricsRoute } from './health-routes.js';
import type { RouteAuth } from './principal.js';

/** One registered route, as the route-table tests see it. */
export interface RouteEntry {
  readonly method: HTTPMethods;
  readonly url: string;
  readonly auth: RouteAuth;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route with its auth mode; tests walk it so no route escapes the auth checks. */
    routeTable: RouteEntry[];
  }
}

export interface BuildOptions {
  /** Directory of the built dashboard; defaults to dist/web in the package. */
  readonly webRoot?: string;
}

/** Fastify trusts every hop for `true`; we trust exactly the configured hops or addresses. */
function trustProxyOption(trust: Config['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (trust === false) return false;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return [...trust];
}

/** Registers every API route; features add one line here. */
function apiRoutes(api: ApiInstance, ctx: AppContext): void {
  healthRoutes(api, ctx);
  accountRoutes(api, ctx);
  orgRoutes(api, ctx);
  tokenRoutes(api, ctx);
  auditRoutes(api, ctx);
  projectRoutes(api, ctx);
  jobRoutes(api, ctx);
  sentryIngestRoutes(api, ctx);
  issueRoutes(api, ctx);
  performanceRoutes(api, ctx);
  ingestSettingsRoutes(api, ctx);
  sourceMapRoutes(api, ctx);
  notifyRoutes(api, ctx);
  uptimeRoutes(api, ctx);
  backupRoutes(api, ctx);
  statusPageRoutes(api, ctx);
  sentryApiScope(api, async (scope) => {
    await sentryArtifactRoutes(scope, ctx);
    sentryReleaseRoutes(scope, ctx);
  });
}

function securityHeaders(ctx: AppContext) {
  const https = ctx.config.publicUrl.startsWith('https:');
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'base-uri': ["'self'"],
        'connect-src': ["'self'"],
        'font-src': ["'self'", 'data:'],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
        'img-src': ["'self'", 'data:'],
        'object-src': ["'none'"],
        'script-src': ["'self'"],
        'script-src-attr': ["'none'"],
        'style-src': ["'self'"],
        ...(https ? { 'upgrade-insecure-requests': [] } : {}),
      },
    },
    // HSTS over plain http would be ignored by browsers and break a later switch; send it behind https only.
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: false } : false,
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' as const },
    xFrameOptions: { action: 'deny' as const },
  };
}

/**
 * Assembles the HTTP server for a context: security headers, error handling, metrics, auth, the
 * API, the OpenAPI document and the dashboard. Pure: call it as often as you like (tests do).
 */
export async function buildApp(ctx: AppContext, options: BuildOptions = {}): Promise<ApiInstance> {
  const logger: FastifyBaseLogger = ctx.log;
  const app = Fastify({
    loggerInstance: logger,
    // Per-request lines are logged at debug level by our onResponse hook, with the route pattern.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: trustProxyOption(ctx.config.trustProxy),
    bodyLimit: ctx.config.apiBodyLimitBytes,
    genReqId: () => newId(),
    requestIdHeader: ctx.config.trustProxy !== false ? 'x-request-id' : false,
    return503OnClosing: true,
    // Errors raised before routing (a malformed URL) skip hooks and the error handler: answer them
    // in our format here, with the headers our hooks would have set.
    frameworkErrors: (error, request, reply) => {
      void reply.headers({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'content-security-policy': "default-src 'none'; frame-ancestors 'none'", 'x-request-id': request.id });
      void sendError(reply, request, 'WP_ERR_VALIDATION', `Invalid request: ${error.message}`);
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('principal', null);
  app.decorate('routeTable', [] as RouteEntry[]);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      app.routeTable.push({ method, url: route.url, auth: route.config?.auth ?? 'session' });
    }
  });

  registerErrorHandler(app);
  await app.register(fastifyCookie);

  // Helmet's middleware built once (the Fastify plugin rebuilt it, CSP parsing included, on every
  // request); it sets its headers on the raw response, which Fastify keeps when it replies.
  const applySecurityHeaders = helmet(securityHeaders(ctx));
  app.addHook('onRequest', (request, reply, done) => {
    // Synchronous: helmet sets every header and calls back (it throws rather than passing errors).
    applySecurityHeaders(request.raw, reply.raw, () => undefined);
    void reply.header('x-request-id', request.id);
    // Helmet has no Permissions-Policy; the dashboard needs none of these browser features.
    void reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()');
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) };
    ctx.metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
    ctx.metrics.httpRequests.inc(labels);
    if (reply.statusCode >= 500) request.log.error({ url: request.url, status: reply.statusCode }, 'request failed');
    else request.log.debug({ method: request.method, url: request.routeOptions.url, status: reply.statusCode, ms: reply.elapsedTime }, 'request');
    done();
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Watchpost API', version: VERSION, description: 'Authenticate with a session cookie or `Authorization: Bearer <API token>`.' },
      servers: [{ url: ctx.config.publicUrl }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: 'wp_session' } } },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });

  await app.register(
    (api, _options, done) => {
      registerAuthHook(api, ctx);
      apiRoutes(api, ctx);
      api.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
      done();
    },
    { prefix: '/api' },
  );
  await app.register((scope, _options, done) => {
    registerAuthHook(scope, ctx);
    metricsRoute(scope, ctx);
    done();
  });
  await app.register((scope, _options, done) => {
    registerAuthHook(scope, ctx);
    pingRoutes(scope, ctx);
    done();
  });
  await app.register((scope, _options, done) => {
    registerAuthHook(scope, ctx);
    statusPublicRoutes(scope, ctx);
    done();
  });
  // Before the dashboard: on a status page's custom domain, `/` is that page instead of the dashboard.
  registerCustomDomains(app, ctx);

  await registerDashboard(app, options.webRoot ?? join(PACKAGE_ROOT, 'dist', 'web'));
  return app;
}

/** Serves the built dashboard, with index.html for client-side routes. */
async function registerDashboard(app: ApiInstance, webRoot: string): Promise<void> {
  const built = existsSync(join(webRoot, 'index.html'));
  if (built) {
    const assets = join(webRoot, 'assets');
    await app.register(fastifyStatic, {
      root: webRoot,
      // A wildcard route (not a file list taken at start) so a rebuilt dashboard is served without a restart.
      wildcard: true,
      index: false,
      dotfiles: 'ignore',
      cacheControl: false,
      // Vite fingerprints asset names, so they can be cached forever; everything else must revalidate.
      setHeaders: (res, path) => {
        res.setHeader('cache-control', path.startsWith(assets) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  if (built) {
    // The static plugin would answer "/" itself (a directory, 403 with index: false): the dashboard's root is index.html.
    app.get('/', { schema: { hide: true } }, (_request, reply) => reply.header('cache-control', 'no-cache').sendFile('index.html'));
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (path === '/api' || path.startsWith('/api/')) return sendError(reply, request, 'WP_ERR_ROUTE_NOT_FOUND', `No API route ${request.method} ${path}`);
    const wantsPage = (request.method === 'GET' || request.method === 'HEAD') && (request.headers.accept ?? '').includes('text/html');
    if (!wantsPage) return sendError(reply, request, 'WP_ERR_NOT_FOUND', `Nothing at ${request.method} ${path}`);
    if (!built) {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The Watchpost dashboard is not built. Run `npm run build` (npm start does this for you), then reload.');
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}
