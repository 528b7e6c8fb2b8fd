import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { fail } from '../lib/errors.js';
import type { ApiInstance } from '../server/api-types.js';
import { okResponse, projectIdParam } from '../server/api-types.js';
import { requireProject, type Permission } from '../server/authorize.js';
import type { AppContext } from '../server/context.js';
import { actorOf } from '../server/principal.js';
import { targetConfigSchema } from './targets/index.js';

const retentionSchema = z
  .object({
    keepLast: z.number().int().min(0).max(1000).default(7),
    keepHourly: z.number().int().min(0).max(1000).default(0),
    keepDaily: z.number().int().min(0).max(1000).default(14),
    keepWeekly: z.number().int().min(0).max(1000).default(8),
    keepMonthly: z.number().int().min(0).max(1000).default(12),
    keepYearly: z.number().int().min(0).max(100).default(3),
  })
  .strict();

export const sourceInputSchema = z
  .object({
    /** 'watchpost' backs up Watchpost's own database (SQLite file or its PostgreSQL): no url. */
    kind: z.enum(['postgres', 'watchpost']).default('postgres'),
    name: z.string().min(1).max(100),
    url: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection string').max(2000).nullable().default(null),
    targets: z.array(targetConfigSchema).min(1).max(5),
    schedule: z.string().min(1).max(200).nullable().default(null),
    timezone: z.string().min(1).max(64).default('UTC'),
    retention: retentionSchema.default({ keepLast: 7, keepHourly: 0, keepDaily: 14, keepWeekly: 8, keepMonthly: 12, keepYearly: 3 }),
    encryptionKey: z.string().min(16, 'must be at least 16 characters (e.g. openssl rand -base64 32)').max(500).nullable().default(null),
    includeRoles: z.boolean().default(false),
    verifySchedule: z.string().min(1).max(200).nullable().default(null),
    verifyUrl: z.string().regex(/^postgres(ql)?:\/\//).max(2000).nullable().default(null),
    assertions: z.array(z.string().min(1).max(2000)).max(20).default([]),
    rpoMinutes: z.number().int().min(1).max(525_600).nullable().default(null),
    rtoMinutes: z.number().int().min(1).max(525_600).nullable().default(null),
    smallBackupPct: z.number().int().min(1).max(100).default(50),
    timeoutMinutes: z.number().int().min(1).max(1440).default(240),
  })
  .strict()
  .refine((input) => input.kind === 'watchpost' || input.url !== null, { message: 'a postgres:// connection string is required', path: ['url'] });

const backupSchema = z.object({
  id: z.string(),
  sourceId: z.string(),
  status: z.enum(['running', 'succeeded', 'failed', 'cancelled']),
  trigger: z.string(),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  durationMs: z.number().nullable(),
  sizeBytes: z.number().nullable(),
  progressBytes: z.number(),
  sha256: z.string().nullable(),
  serverVersion: z.string().nullable(),
  dumpVersion: z.string().nullable(),
  tableCounts: z.record(z.string(), z.number()).nullable(),
  encrypted: z.boolean(),
  files: z.array(z.object({ target: z.number(), key: z.string(), bytes: z.number() })),
  error: z.string().nullable(),
  verifyStatus: z.enum(['running', 'verified', 'failed']).nullable(),
  verifiedAt: z.number().nullable(),
  restoreDurationMs: z.number().nullable(),
  verifyError: z.string().nullable(),
  deleted: z.boolean(),
});

const health = z.enum(['green', 'amber', 'red', 'unknown']);
const sourceSchema = z.object({
  id: z.string(),
  projectId: z.number(),
  name: z.string(),
  kind: z.string(),
  description: z.string(),
  targets: z.array(z.string()),
  schedule: z.string().nullable(),
  timezone: z.string(),
  retention: retentionSchema,
  retentionText: z.string(),
  encrypted: z.boolean(),
  includeRoles: z.boolean(),
  verifySchedule: z.string().nullable(),
  assertions: z.array(z.string()),
  rpoMinutes: z.number().nullable(),
  rtoMinutes: z.number().nullable(),
  smallBackupPct: z.number(),
  timeoutMinutes: z.number(),
  nextRunAt: z.number().nullable(),
  nextVerifyAt: z.number().nullable(),
  running: z.boolean(),
  lastBackup: backupSchema.nullable(),
  lastGoodBackup: backupSchema.nullable(),
  lastVerified: backupSchema.nullable(),
  health: z.object({ rpo: health, rto: health }),
  createdAt: z.number(),
});

const sourceParams = z.object({ sourceId: z.string().max(64) });
const backupParams = z.object({ backupId: z.string().max(64) });

/** Backup sources, backups, restore tests, restores and retention. */
export function backupRoutes(app: ApiInstance, ctx: AppContext): void {
  const { backups } = ctx.services;

  const sourceProject = async (request: FastifyRequest, sourceId: string, permission: Permission) => {
    const projectId = await backups.sourceProject(sourceId);
    if (projectId === undefined) throw fail('WP_ERR_NOT_FOUND', 'No such backup source');
    return requireProject(ctx, request, projectId, permission);
  };
  const backupProject = async (request: FastifyRequest, backupId: string, permission: Permission) => {
    const projectId = await backups.backupProject(backupId);
    if (projectId === undefined) throw fail('WP_ERR_NOT_FOUND', 'No such backup');
    return requireProject(ctx, request, projectId, permission);
  };

  app.get('/projects/:projectId/backup-sources', {
    schema: { tags: ['backups'], summary: "A project's backup sources with their last backup, last restore test and RPO/RTO health", params: z.object({ projectId: projectIdParam }), response: { 200: z.object({ items: z.array(sourceSchema) }) } },
    handler: async (request) => {
      await requireProject(ctx, request, request.params.projectId, 'project:read');
      return { items: await backups.listSources(request.params.projectId) };
    },
  });

  app.post('/projects/:projectId/backup-sources', {
    schema: {
      tags: ['backups'],
      summary: 'Add a PostgreSQL database to back up (checks the connection and the pg_dump version first)',
      params: z.object({ projectId: projectIdParam }),
      body: sourceInputSchema,
      response: { 201: sourceSchema },
    },
    handler: async (request, reply) => {
      // Backups hold database credentials: admins only.
      const { principal, project } = await requireProject(ctx, request, request.params.projectId, 'project:update');
      return reply.code(201).send(await backups.createSource(project.id, project.orgId, request.body, actorOf(principal, request.ip)));
    },
  });

  app.get('/backup-sources/:sourceId', {
    schema: { tags: ['backups'], summary: 'One backup source', params: sourceParams, response: { 200: sourceSchema } },
    handler: async (request) => {
      await sourceProject(request, request.params.sourceId, 'project:read');
      return backups.getSource(request.params.sourceId);
    },
  });

  app.patch('/backup-sources/:sourceId', {
    schema: {
      tags: ['backups'],
      summary: "Change a source's name, schedules, retention, assertions, RPO/RTO or timeout (connection, targets and keys stay)",
      params: sourceParams,
      body: z
        .object({
          name: z.string().min(1).max(100),
          schedule: z.string().min(1).max(200).nullable(),
          timezone: z.string().min(1).max(64),
          retention: retentionSchema,
          verifySchedule: z.string().min(1).max(200).nullable(),
          assertions: z.array(z.string().min(1).max(2000)).max(20),
          rpoMinutes: z.number().int().min(1).max(525_600).nullable(),
          rtoMinutes: z.number().int().min(1).max(525_600).nullable(),
          smallBackupPct: z.number().int().min(1).max(100),
          timeoutMinutes: z.number().int().min(1).max(1440),
        })
        .partial()
        .strict(),
      response: { 200: sourceSchema },
    },
    handler: async (request) => {
      const { principal, project } = await sourceProject(request, request.params.sourceId, 'project:update');
      return backups.updateSource(request.params.sourceId, project.orgId, request.body, actorOf(principal, request.ip));
    },
  });

  app.delete('/backup-sources/:sourceId', {
    schema: { tags: ['backups'], summary: 'Delete a backup source and its backup history (stored files stay where they are)', params: sourceParams, response: { 200: okResponse } },
    handler: async (request) => {
      const { principal, project } = await sourceProject(request, request.params.sourceId, 'project:update');
      await backups.deleteSource(request.params.sourceId, project.orgId, actorOf(principal, request.ip));
      return { ok: true as const };
    },
  });

  app.post('/backup-sources/:sourceId/run', {
    schema: { tags: ['backups'], summary: 'Back up now; returns the running backup (409 while one runs)', params: sourceParams, response: { 202: backupSchema } },
    handler: async (request, reply) => {
      await sourceProject(request, request.params.sourceId, 'project:write');
      return reply.code(202).send(await backups.runNow(request.params.sourceId, 'manual', { wait: false }));
    },
  });

  app.get('/backup-sources/:sourceId/backups', {
    schema: {
      tags: ['backups'],
      summary: 'Backups of a source, newest first, with live progress of a running one',
      params: sourceParams,
      querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), before: z.string().max(64).optional() }),
      response: { 200: z.object({ items: z.array(backupSchema) }) },
    },
    handler: async (request) => {
      await sourceProject(request, request.params.sourceId, 'project:read');
      return { items: await backups.backups(request.params.sourceId, request.query.limit, request.query.before) };
    },
  });

  app.post('/backup-sources/:sourceId/prune', {
    schema: {
      tags: ['backups'],
      summary: 'Apply the retention policy now, or preview it with dryRun',
      params: sourceParams,
      body: z.object({ dryRun: z.boolean().default(true) }),
      response: { 200: z.object({ dryRun: z.boolean(), keep: z.array(z.object({ id: z.string(), reasons: z.array(z.string()) })), remove: z.array(z.object({ id: z.string() })) }) },
    },
    handler: async (request) => {
      await sourceProject(request, request.params.sourceId, request.body.dryRun ? 'project:read' : 'project:update');
      const decision = await backups.prune(request.params.sourceId, { dryRun: request.body.dryRun });
      return { dryRun: decision.dryRun, keep: decision.keep.map((k) => ({ id: k.id, reasons: [...k.reasons] })), remove: decision.remove.map((r) => ({ id: r.id })) };
    },
  });

  app.get('/backups/:backupId', {
    schema: { tags: ['backups'], summary: 'One backup, with live progress while it runs', params: backupParams, response: { 200: backupSchema } },
    handler: async (request) => {
      await backupProject(request, request.params.backupId, 'project:read');
      return backups.getBackup(request.params.backupId);
    },
  });

  app.post('/backups/:backupId/cancel', {
    schema: { tags: ['backups'], summary: 'Cancel a running backup (nothing is stored; partial uploads are removed)', params: backupParams, response: { 200: okResponse } },
    handler: async (request) => {
      await backupProject(request, request.params.backupId, 'project:write');
      await backups.cancel(request.params.backupId);
      return { ok: true as const };
    },
  });

  app.post('/backups/:backupId/verify', {
    schema: { tags: ['backups'], summary: 'Run a restore test of this backup now (answers when it is done)', params: backupParams, response: { 200: backupSchema } },
    handler: async (request) => {
      await backupProject(request, request.params.backupId, 'project:write');
      return backups.verify(request.params.backupId);
    },
  });

  app.post('/backups/:backupId/restore', {
    schema: {
      tags: ['backups'],
      summary: 'Restore this backup into a database; it must be empty unless force. confirm must repeat the source name',
      params: backupParams,
      // A postgres:// URL; for a backup of Watchpost's own SQLite database, an absolute file path.
      body: z.object({ to: z.string().min(1).max(2000), force: z.boolean().default(false), confirm: z.string().max(100) }).strict(),
      response: { 200: z.object({ id: z.string(), status: z.literal('restored'), durationMs: z.number(), tables: z.number() }) },
    },
    handler: async (request) => {
      const { principal, project } = await backupProject(request, request.params.backupId, 'project:update');
      const backup = await backups.getBackup(request.params.backupId);
      const source = await backups.getSource(backup.sourceId);
      if (request.body.confirm !== source.name) throw fail('WP_ERR_VALIDATION', `Type the source's name ("${source.name}") in confirm to restore`);
      return backups.restore(request.params.backupId, request.body.to, { force: request.body.force, orgId: project.orgId, actor: actorOf(principal, request.ip) });
    },
  });
}
