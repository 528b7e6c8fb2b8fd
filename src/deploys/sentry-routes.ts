import { z } from 'zod';
import type { Project } from '../projects/types.js';
import type { ApiInstance } from '../server/api-types.js';
import type { AppContext } from '../server/context.js';
import { requireSentryOrg, sentryProjects } from '../server/sentry-api.js';
import type { Deploy } from './service.js';

const orgParams = z.object({ org: z.string().min(1).max(100) });
const version = z.string().min(1).max(200).regex(/^[^\r\n\t/\\]+$/, 'no slashes, tabs or line breaks').refine((v) => v !== '.' && v !== '..', 'not . or ..');
const releaseParams = orgParams.extend({ version });
const date = z.iso.datetime({ offset: true }).nullable().optional();
const slugs = z.array(z.string().min(1).max(100)).max(100);

const releaseResponse = z.object({
  version: z.string(),
  shortVersion: z.string(),
  ref: z.string().nullable(),
  url: z.string().nullable(),
  dateCreated: z.string(),
  dateReleased: z.string().nullable(),
  newGroups: z.number(),
  projects: z.array(z.object({ id: z.number(), slug: z.string(), name: z.string() })),
});
const deployResponse = z.object({ id: z.string(), environment: z.string(), name: z.string().nullable(), url: z.string().nullable(), dateStarted: z.string().nullable(), dateFinished: z.string() });

const iso = (ms: number) => new Date(ms).toISOString();
const ms = (value: string | null | undefined) => (value ? Date.parse(value) : null);

function releaseJson(value: string, projects: readonly Project[], createdAt: number, extra: { ref?: string | null | undefined; url?: string | null | undefined; dateReleased?: string | null | undefined }) {
  return {
    version: value,
    shortVersion: value,
    ref: extra.ref ?? null,
    url: extra.url ?? null,
    dateCreated: iso(createdAt),
    dateReleased: extra.dateReleased ?? null,
    newGroups: 0,
    projects: projects.map((p) => ({ id: p.id, slug: p.slug, name: p.name })),
  };
}

function deployJson(deploy: Deploy) {
  return { id: deploy.id, environment: deploy.environment, name: deploy.name, url: deploy.url, dateStarted: deploy.dateStarted === null ? null : iso(deploy.dateStarted), dateFinished: iso(deploy.dateFinished) };
}

/** Sentry's release and deploy endpoints as sentry-cli calls them (`releases new|finalize`, `releases deploys … new`). */
export function sentryReleaseRoutes(scope: ApiInstance, ctx: AppContext): void {
  const { deploys } = ctx.services;
  /** Named projects, or every project of the organisation when none are named. */
  const projectsOf = async (orgId: string, names: readonly string[] | undefined) => (names && names.length > 0 ? sentryProjects(ctx, orgId, names) : ctx.services.projects.list(orgId));

  scope.post('/organizations/:org/releases', {
    schema: {
      tags: ['sentry-cli'],
      summary: 'Create a release in projects (sentry-cli releases new)',
      params: orgParams,
      body: z.object({ version, projects: slugs.min(1), ref: z.string().max(200).nullable().optional(), url: z.string().max(2000).nullable().optional(), dateReleased: date, dateStarted: date }),
      response: { 201: releaseResponse },
    },
    handler: async (request, reply) => {
      const { org } = await requireSentryOrg(ctx, request, request.params.org, 'project:write');
      const projects = await sentryProjects(ctx, org.id, request.body.projects);
      const created = await deploys.createRelease(projects.map((p) => p.id), request.body.version);
      const createdAt = Math.min(...created.map((c) => c.createdAt));
      return reply.code(201).send(releaseJson(request.body.version, projects, createdAt, request.body));
    },
  });

  scope.put('/organizations/:org/releases/:version', {
    schema: {
      tags: ['sentry-cli'],
      summary: 'Update a release (sentry-cli releases finalize); only acknowledged for now',
      params: releaseParams,
      body: z.object({ projects: slugs.optional(), ref: z.string().max(200).nullable().optional(), url: z.string().max(2000).nullable().optional(), dateReleased: date }),
      response: { 200: releaseResponse },
    },
    handler: async (request) => {
      const { org } = await requireSentryOrg(ctx, request, request.params.org, 'project:write');
      const projects = await projectsOf(org.id, request.body.projects);
      const found = await deploys.releaseProjects(projects.map((p) => p.id), request.params.version);
      const having = projects.filter((p) => found.some((f) => f.projectId === p.id));
      return releaseJson(request.params.version, having, Math.min(...found.map((f) => f.createdAt)), request.body);
    },
  });

  scope.post('/organizations/:org/releases/:version/deploys', {
    schema: {
      tags: ['sentry-cli'],
      summary: 'Record a deploy of a release (sentry-cli releases deploys VERSION new)',
      params: releaseParams,
      body: z.object({ environment: z.string().min(1).max(64), name: z.string().max(200).nullable().optional(), url: z.string().max(2000).nullable().optional(), dateStarted: date, dateFinished: date, projects: slugs.optional() }),
      response: { 201: deployResponse },
    },
    handler: async (request, reply) => {
      const { org } = await requireSentryOrg(ctx, request, request.params.org, 'project:write');
      const projects = await projectsOf(org.id, request.body.projects);
      const body = request.body;
      const recorded = await deploys.recordDeploy(projects.map((p) => p.id), request.params.version, {
        environment: body.environment,
        name: body.name ?? null,
        url: body.url ?? null,
        dateStarted: ms(body.dateStarted),
        dateFinished: ms(body.dateFinished),
      });
      // Sentry answers with one deploy; each project got its own row with the same values.
      return reply.code(201).send(deployJson(recorded[0] as Deploy));
    },
  });

  scope.get('/organizations/:org/releases/:version/deploys', {
    schema: { tags: ['sentry-cli'], summary: "A release's deploys (sentry-cli releases deploys VERSION list)", params: releaseParams, response: { 200: z.array(deployResponse) } },
    handler: async (request) => {
      const { org } = await requireSentryOrg(ctx, request, request.params.org, 'project:read');
      const projects = await ctx.services.projects.list(org.id);
      const seen = new Set<string>();
      // One deploy recorded for several projects shows once.
      return (await deploys.deploys(projects.map((p) => p.id), request.params.version))
        .filter((d) => {
          const key = `${d.environment}\n${d.dateFinished}\n${d.name ?? ''}`;
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        })
        .map(deployJson);
    },
  });
}
