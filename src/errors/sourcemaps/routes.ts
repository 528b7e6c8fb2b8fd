import { z } from 'zod';
import { fail } from '../../lib/errors.js';
import type { ApiInstance } from '../../server/api-types.js';
import { okResponse, projectIdParam } from '../../server/api-types.js';
import { requireProject } from '../../server/authorize.js';
import type { AppContext } from '../../server/context.js';
import { MAX_ARTIFACT_BYTES } from './prepare.js';

const artifact = z.object({
  id: z.string(),
  projectId: z.number(),
  release: z.string().nullable(),
  dist: z.string().nullable(),
  name: z.string().describe('The URL the file is served from, or `~/path` for any origin'),
  kind: z.enum(['source', 'sourcemap']),
  debugId: z.string().nullable(),
  sourcemap: z.string().nullable().describe("A minified file's sourceMappingURL, relative to its name"),
  sha1: z.string(),
  size: z.number(),
  createdAt: z.number(),
});

const version = z.string().min(1).max(200);
const releaseParams = z.object({ projectId: projectIdParam, version });
const fileParams = releaseParams.extend({ fileId: z.string().max(64) });
const projectParams = z.object({ projectId: projectIdParam });

const uploadBody = z
  .object({
    name: z.string().min(1).max(1024).describe('`~/static/js/main.js`, or the full URL the browser loads it from'),
    content: z.string().describe('The file, as text or (with encoding "base64") base64'),
    encoding: z.enum(['utf8', 'base64']).default('utf8'),
    kind: z.enum(['source', 'sourcemap']).optional().describe('Inferred from the name (`.map`) and content when left out'),
    dist: z.string().min(1).max(64).optional(),
    debugId: z.string().max(64).optional().describe('Read from the file (`//# debugId=` or `debug_id`) when left out'),
  })
  .strict();

/** Base64 grows a file by a third; the JSON around it is small. */
const UPLOAD_BODY_LIMIT = Math.ceil((MAX_ARTIFACT_BYTES * 4) / 3) + 64 * 1024;

/** Release files (minified sources and source maps): upload, list, delete. */
export function sourceMapRoutes(app: ApiInstance, ctx: AppContext): void {
  const { sourcemaps } = ctx.services;

  app.post('/projects/:projectId/releases/:version/files', {
    bodyLimit: UPLOAD_BODY_LIMIT,
    schema: {
      tags: ['source maps'],
      summary: 'Upload a minified file or source map for a release',
      description: `JSON body; files up to ${MAX_ARTIFACT_BYTES} bytes. A file with the same name in the release (or the same debug id) is replaced. For many files use \`watchpost sourcemaps upload\` or sentry-cli.`,
      params: releaseParams,
      body: uploadBody,
      response: { 201: artifact },
    },
    handler: async (request, reply) => {
      await requireProject(ctx, request, request.params.projectId, 'project:write');
      const body = request.body;
      const content = Buffer.from(body.content, body.encoding);
      if (content.length > MAX_ARTIFACT_BYTES) throw fail('WP_ERR_SOURCEMAP_TOO_LARGE', `The file is larger than ${MAX_ARTIFACT_BYTES} bytes`);
      const result = await sourcemaps.upload(request.params.projectId, { release: request.params.version, dist: body.dist ?? null }, [
        { name: body.name, content, ...(body.kind ? { kind: body.kind } : {}), ...(body.debugId ? { debugId: body.debugId } : {}) },
      ]);
      const stored = result.artifacts.find((a) => a.name === body.name.trim()) ?? result.artifacts[0];
      if (!stored) throw fail('WP_ERR_SOURCEMAP_INVALID', result.skipped[0]?.reason ?? undefined);
      return reply.code(201).send(stored);
    },
  });

  app.get('/projects/:projectId/releases/:version/files', {
    schema: {
      tags: ['source maps'],
      summary: "A release's minified files and source maps",
      params: releaseParams,
      querystring: z.object({ cursor: z.coerce.number().int().min(0).max(1_000_000).default(0), limit: z.coerce.number().int().min(1).max(1000).default(100) }),
      response: { 200: z.object({ items: z.array(artifact), nextCursor: z.number().nullable() }) },
    },
    handler: async (request) => {
      await requireProject(ctx, request, request.params.projectId, 'project:read');
      const { cursor, limit } = request.query;
      const items = await sourcemaps.list(request.params.projectId, { release: request.params.version, offset: cursor, limit });
      return { items, nextCursor: items.length === limit ? cursor + limit : null };
    },
  });

  app.delete('/projects/:projectId/releases/:version/files/:fileId', {
    schema: { tags: ['source maps'], summary: 'Delete a release file', params: fileParams, response: { 200: okResponse } },
    handler: async (request) => {
      await requireProject(ctx, request, request.params.projectId, 'project:write');
      const found = await sourcemaps.get(request.params.projectId, request.params.fileId);
      if (found.release !== request.params.version) throw fail('WP_ERR_NOT_FOUND', 'No such file in this release');
      await sourcemaps.delete(request.params.projectId, request.params.fileId);
      return { ok: true as const };
    },
  });

  app.get('/projects/:projectId/artifacts', {
    schema: {
      tags: ['source maps'],
      summary: "All of a project's minified files and source maps, including debug-id uploads without a release",
      params: projectParams,
      querystring: z.object({
        release: version.optional(),
        debugId: z.string().max(64).optional(),
        cursor: z.coerce.number().int().min(0).max(1_000_000).default(0),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
      }),
      response: { 200: z.object({ items: z.array(artifact), nextCursor: z.number().nullable() }) },
    },
    handler: async (request) => {
      await requireProject(ctx, request, request.params.projectId, 'project:read');
      const { cursor, limit, release, debugId } = request.query;
      const items = await sourcemaps.list(request.params.projectId, { ...(release ? { release } : {}), ...(debugId ? { debugId } : {}), offset: cursor, limit });
      return { items, nextCursor: items.length === limit ? cursor + limit : null };
    },
  });

  app.delete('/projects/:projectId/artifacts/:artifactId', {
    schema: { tags: ['source maps'], summary: 'Delete a minified file or source map', params: projectParams.extend({ artifactId: z.string().max(64) }), response: { 200: okResponse } },
    handler: async (request) => {
      await requireProject(ctx, request, request.params.projectId, 'project:write');
      await sourcemaps.delete(request.params.projectId, request.params.artifactId);
      return { ok: true as const };
    },
  });
}
