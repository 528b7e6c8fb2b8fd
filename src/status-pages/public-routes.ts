import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ApiInstance } from '../server/api-types.js';
import type { AppContext } from '../server/context.js';
import { sendError } from '../server/error-handler.js';
import { LoginThrottle } from './access.js';
import { statusBadge, uptimeBadge } from './badges.js';
import { renderAtom, renderRss, renderSummary } from './feeds.js';
import { pagePaths, renderLogin, renderNotFound, renderPage } from './render.js';
import type { PublicEntry } from './public-site.js';
import { STYLE_HASH } from './style.js';

type Output = { kind: 'page' } | { kind: 'atom' } | { kind: 'rss' } | { kind: 'json' } | { kind: 'badge'; badge: 'status' | 'uptime'; component: string | undefined };

const TYPES = {
  page: 'text/html; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  rss: 'application/rss+xml; charset=utf-8',
  json: 'application/json; charset=utf-8',
  badge: 'image/svg+xml; charset=utf-8',
} as const;

/** Whether the client takes gzip (Accept-Encoding lists it, or *, without q=0). */
function acceptsGzip(request: FastifyRequest): boolean {
  const header = request.headers['accept-encoding'];
  if (typeof header !== 'string') return false;
  return header.split(',').some((part) => {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    return (name === 'gzip' || name === '*') && (q === undefined || Number(q) > 0);
  });
}

/** True when If-None-Match names this (weak) entity tag, or is "*". */
function notModified(request: FastifyRequest, etag: string): boolean {
  const header = request.headers['if-none-match'];
  if (header === undefined) return false;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === bare;
  });
}

/**
 * The status page's own CSP: no scripts at all, and exactly the inlined stylesheet (by its hash).
 * It replaces helmet's app-wide policy for these responses only; the other security headers stay.
 */
function pageCsp(https: boolean): string {
  const directives = ["default-src 'none'", `style-src ${STYLE_HASH}`, "img-src 'self' data:", "form-action 'self'", "base-uri 'none'", "frame-ancestors 'none'"];
  if (https) directives.push('upgrade-insecure-requests');
  return directives.join('; ');
}

/** Public status pages, feeds, summary.json, badges and the password form, served at /status/<slug>. */
export function statusPublicRoutes(app: ApiInstance, ctx: AppContext): void {
  const site = ctx.services.statusPages.site;
  const throttle = new LoginThrottle();
  const csp = pageCsp(ctx.config.publicUrl.startsWith('https:'));

  // The password form posts url-encoded fields; nothing else here takes a body.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8'))));
  });

  const slugParams = z.object({ slug: z.string().min(1).max(64) });
  const tags = ['status-pages'];
  const config = { auth: 'public' as const };

  for (const [url, output, summary] of [
    ['/status/:slug', { kind: 'page' }, 'A public status page (HTML, no JavaScript)'],
    ['/status/:slug/feed.atom', { kind: 'atom' }, "A status page's incidents and maintenance as an Atom feed"],
    ['/status/:slug/feed.rss', { kind: 'rss' }, "A status page's incidents and maintenance as an RSS feed"],
    ['/status/:slug/summary.json', { kind: 'json' }, 'A status page as JSON (modelled on Statuspage summary.json)'],
  ] as const) {
    app.get(url, { config, schema: { tags, summary, params: slugParams } }, (request, reply) => servePublic(ctx, request, reply, request.params.slug, output, csp));
  }
  for (const badge of ['status', 'uptime'] as const) {
    app.get(`/status/:slug/badge/${badge}.svg`, {
      config,
      schema: { tags, summary: `A shields.io-style ${badge} badge of a status page or one component`, params: slugParams, querystring: z.object({ component: z.string().max(64).optional() }) },
      handler: (request, reply) => servePublic(ctx, request, reply, request.params.slug, { kind: 'badge', badge, component: request.query.component }, csp),
    });
  }

  app.post('/status/:slug/login', {
    config,
    schema: { tags, summary: 'Enter the password of a protected status page (sets an access cookie)', params: slugParams, body: z.object({ password: z.string().max(1000).optional() }) },
    handler: async (request, reply) => {
      const { slug } = request.params;
      const entry = await site.page(slug);
      void reply.header('content-security-policy', csp).header('cache-control', 'no-store');
      if (!entry) return reply.code(404).type(TYPES.page).send(renderNotFound());
      const target = (await site.slugForDomain(request.hostname.toLowerCase())) === slug ? '/' : pagePaths(slug).page;
      if (entry.passwordHash === null) return reply.redirect(target, 303);
      const key = `${slug}\n${request.ip}`;
      const wait = throttle.retryAfter(key);
      if (wait > 0) {
        return reply
          .code(429)
          .header('retry-after', String(wait))
          .type(TYPES.page)
          .send(renderLogin(entry.view.title, slug, `Too many wrong passwords. Try again in ${Math.ceil(wait / 60)} min.`));
      }
      if (!(await site.checkPassword(entry, request.body.password ?? ''))) {
        throttle.fail(key);
        return reply.code(401).type(TYPES.page).send(renderLogin(entry.view.title, slug, 'That password is not correct.'));
      }
      throttle.succeed(key);
      const cookie = site.access.issue(entry.pageId, entry.passwordHash);
      void reply.setCookie(site.access.cookieName(slug), cookie.value, { httpOnly: true, sameSite: 'lax', path: '/', secure: request.protocol === 'https', expires: new Date(cookie.expires) });
      return reply.redirect(target, 303);
    },
  });
}

/** Serves the page of a custom domain at `/` on that host; every other request passes through untouched. */
export function registerCustomDomains(app: ApiInstance, ctx: AppContext): void {
  const own = new URL(ctx.config.publicUrl).hostname;
  const csp = pageCsp(ctx.config.publicUrl.startsWith('https:'));
  app.addHook('onRequest', async (request, reply) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || request.url.split('?')[0] !== '/') return;
    const host = request.hostname.toLowerCase();
    if (host === own) return;
    const slug = await ctx.services.statusPages.site.slugForDomain(host);
    if (slug === undefined) return;
    await servePublic(ctx, request, reply, slug, { kind: 'page' }, csp);
    return reply;
  });
}

function allowed(ctx: AppContext, request: FastifyRequest, slug: string, entry: PublicEntry): boolean {
  if (entry.passwordHash === null) return true;
  const access = ctx.services.statusPages.site.access;
  return access.verify(request.cookies[access.cookieName(slug)], entry.pageId, entry.passwordHash);
}

/** Renders one output of a page (from the short-lived cache), with caching headers, 304s and the password gate. */
async function servePublic(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, slug: string, output: Output, csp: string): Promise<FastifyReply> {
  const entry = await ctx.services.statusPages.site.page(slug);
  if (output.kind === 'page') void reply.header('content-security-policy', csp);
  if (!entry) {
    void reply.header('cache-control', 'no-store');
    if (output.kind === 'page') return reply.code(404).type(TYPES.page).send(renderNotFound());
    return sendError(reply, request, 'WP_ERR_NOT_FOUND', 'No status page at this address');
  }
  if (!allowed(ctx, request, slug, entry)) {
    void reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex');
    if (output.kind === 'page') return reply.code(401).type(TYPES.page).send(renderLogin(entry.view.title, slug, null));
    return sendError(reply, request, 'WP_ERR_AUTH_REQUIRED', 'This status page is password-protected: enter the password on the page first');
  }
  const view = entry.view;
  let key: string = output.kind;
  let render: () => string;
  switch (output.kind) {
    case 'page':
      render = () => renderPage(view);
      break;
    case 'atom':
      render = () => renderAtom(view);
      break;
    case 'rss':
      render = () => renderRss(view);
      break;
    case 'json':
      render = () => renderSummary(view);
      break;
    case 'badge': {
      const component = output.component === undefined ? null : view.components.find((c) => c.id === output.component);
      if (component === undefined) return sendError(reply, request, 'WP_ERR_NOT_FOUND', 'No such component on this status page');
      key = `badge:${output.badge}:${component?.id ?? ''}`;
      if (output.badge === 'status') render = () => statusBadge(component?.status ?? view.overall.status, component?.name ?? null);
      else render = () => uptimeBadge(component ? component.uptime90d : pageUptime(view.components.map((c) => c.uptime90d)), component?.name ?? null);
      break;
    }
  }
  const rendered = entry.output(key, render);
  const { body, etag } = rendered;
  // Protected pages may be kept by the visitor's browser, never by a shared cache.
  void reply.header('cache-control', entry.passwordHash === null ? 'public, no-cache, s-maxage=30' : 'private, no-cache').header('etag', etag);
  const compressible = output.kind !== 'badge';
  if (compressible || entry.passwordHash !== null) void reply.header('vary', [compressible ? 'Accept-Encoding' : '', entry.passwordHash !== null ? 'Cookie' : ''].filter(Boolean).join(', '));
  if (output.kind === 'json' || output.kind === 'atom' || output.kind === 'rss') void reply.header('access-control-allow-origin', '*');
  // Badges are made to be embedded in other sites' pages and READMEs.
  if (output.kind === 'badge') void reply.header('cross-origin-resource-policy', 'cross-origin');
  if (notModified(request, etag)) return reply.code(304).send();
  // The page is read hardest during an outage: its 90-day bars shrink to a tenth gzipped (compressed once per cache period).
  if (compressible && body.length > 1400 && acceptsGzip(request)) return reply.type(TYPES[output.kind]).header('content-encoding', 'gzip').send(rendered.gzipped());
  return reply.type(TYPES[output.kind]).send(body);
}

/** A page's uptime: the mean of its components' (those with data). */
function pageUptime(values: ReadonlyArray<number | null>): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : Math.round((known.reduce((a, b) => a + b, 0) / known.length) * 1000) / 1000;
}
