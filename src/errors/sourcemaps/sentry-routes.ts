import fastifyMultipart from '@fastify/multipart';
import { z } from 'zod';
import { fail } from '../../lib/errors.js';
import type { ApiInstance } from '../../server/api-types.js';
import type { AppContext } from '../../server/context.js';
import { publicPath, requireSentryOrg, sentryProjects } from '../../server/sentry-api.js';
import { ChunkUploads, chunkUploadOptions } from './chunk-uploads.js';

const orgParams = z.object({ org: z.string().min(1).max(100) });
const sha1 = z.string().regex(/^[0-9a-fA-F]{40}$/, 'a SHA-1 (40 hex digits)');

const optionsResponse = z.object({
  url: z.string(),
  chunkSize: z.number(),
  chunksPerRequest: z.number(),
  maxFileSize: z.number(),
  maxRequestSize: z.number(),
  concurrency: z.number(),
  hashAlgorithm: z.literal('sha1'),
  compression: z.array(z.string()),
  accept: z.array(z.string()),
});

const assembleBody = z.object({
  checksum: sha1,
  chunks: z.array(sha1).max(10_000),
  projects: z.array(z.string().min(1).max(100)).min(1).max(100),
  version: z.string().min(1).max(200).optional(),
  dist: z.string().min(1).max(64).optional(),
});

const assembleResponse = z.object({ state: z.enum(['created', 'ok', 'not_found', 'error']), missingChunks: z.array(z.string()), detail: z.string().nullable() });

/**
 * sentry-cli's upload endpoints (`sentry-cli sourcemaps upload`, the Sentry bundler plugins):
 * chunk-upload options, chunk upload (multipart, gzip) and artifact bundle assembly.
 */
export async function sentryArtifactRoutes(scope: ApiInstance, ctx: AppContext): Promise<void> {
  const uploads = new ChunkUploads(ctx.storage.db, ctx.services.sourcemaps);
  const { limits } = uploads;
  await scope.register(fastifyMultipart, {
    limits: { fileSize: limits.chunkSize + 64 * 1024, files: limits.chunksPerRequest, fields: 20, fieldSize: 1024, parts: limits.chunksPerRequest + 20, headerPairs: 100 },
  });

  scope.get('/organizations/:org/chunk-upload', {
    schema: { tags: ['sentry-cli'], summary: 'Chunk upload options for sentry-cli', params: orgParams, response: { 200: optionsResponse } },
    handler: async (request) => {
      await requireSentryOrg(ctx, request, request.params.org, 'project:write');
      return chunkUploadOptions(publicPath(ctx, `/api/0/organizations/${encodeURIComponent(request.params.org)}/chunk-upload/`), limits);
    },
  });

  scope.post('/organizations/:org/chunk-upload', {
    bodyLimit: limits.maxRequestSize,
    schema: {
      tags: ['sentry-cli'],
      summary: 'Upload chunks (multipart/form-data, `file_gzip` or `file` parts named by their SHA-1)',
      description: `At most ${limits.chunksPerRequest} chunks of ${limits.chunkSize} bytes (uncompressed) per request.`,
      params: orgParams,
      response: { 200: z.object({ chunks: z.array(z.string()) }) },
    },
    handler: async (request) => {
      const { org } = await requireSentryOrg(ctx, request, request.params.org, 'project:write');
      if (!request.isMultipart()) throw fail('WP_ERR_UNSUPPORTED_MEDIA_TYPE', 'Chunks are sent as multipart/form-data');
      const stored: string[] = [];
      for await (const part of request.parts()) {
        if (part.type !== 'file') continue;
        if (part.fieldname !== 'file' && part.fieldname !== 'file_gzip') {
          part.file.resume();
          continue;
        }
        stored.push(await uploads.putChunk(org.id, part.filename, await part.toBuffer(), part.fieldname === 'file_gzip'));
      }
      await uploads.pruneStale();
      return { chunks: stored };
    },
  });

  scope.post('/organizations/:org/artifactbundle/assemble', {
    schema: {
      tags: ['sentry-cli'],
      summary: 'Assemble uploaded chunks into an artifact bundle and store its files',
      description: '`not_found` lists the chunks still to upload; `ok` means the files are stored; `error` says why in `detail`.',
      params: orgParams,
      body: assembleBody,
      response: { 200: assembleResponse },
    },
    handler: async (request) => {
      const { org } = await requireSentryOrg(ctx, request, request.params.org, 'project:write');
      const projects = await sentryProjects(ctx, org.id, request.body.projects);
      const { checksum, chunks, version, dist } = request.body;
      return uploads.assemble(
        org.id,
        projects.map((p) => p.id),
        { checksum, chunks, version, dist },
      );
    },
  });
}
