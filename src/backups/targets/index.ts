import path from 'node:path';
import { z } from 'zod';
import type { BackupTarget, LocalTargetConfig, S3TargetConfig, TargetConfig } from '../types.js';
import { LocalTarget } from './local.js';
import { S3Target } from './s3.js';

/**
 * Backup targets: one file per kind, same shape. Adding a kind = adding a file, its schema here,
 * and a case in createTarget().
 */

/** A local directory; must be absolute because the server's working directory is not a contract. */
export const localTargetSchema = z.strictObject({
  kind: z.literal('local'),
  path: z
    .string()
    .trim()
    .min(1, 'Give the backup directory')
    .max(4096)
    .refine((p) => path.isAbsolute(p), 'The backup directory must be an absolute path, like /var/backups/watchpost')
    .refine((p) => !p.includes('\u0000'), 'The backup directory contains a NUL character'),
}) satisfies z.ZodType<LocalTargetConfig>;

/** An S3-compatible bucket (AWS, R2, B2, MinIO…). `secretAccessKey` is secret: see TARGET_SECRET_FIELDS. */
export const s3TargetSchema = z.strictObject({
  kind: z.literal('s3'),
  // Loose on purpose: AWS, R2, B2 and MinIO differ in their naming rules; the provider has the last word.
  bucket: z
    .string()
    .trim()
    .min(3, 'A bucket name has at least 3 characters')
    .max(255)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'A bucket name has only letters, digits, dots, hyphens and underscores'),
  prefix: z
    .string()
    .max(512)
    .refine((p) => !p.startsWith('/'), 'The key prefix must not start with a slash')
    .refine((p) => !p.split('/').some((s) => s === '..' || s === '.'), "The key prefix must not contain '.' or '..' segments")
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    .refine((p) => !/[\u0000-\u001f\u007f\\]/.test(p), 'The key prefix must not contain backslashes or control characters')
    .refine((p) => !p.replace(/\/+$/, '').includes('//'), 'The key prefix must not contain empty segments')
    .default(''),
  region: z.string().trim().min(1).max(64).default('us-east-1'),
  endpoint: z
    .url({ protocol: /^https?$/, error: 'The endpoint must be an http:// or https:// URL' })
    .refine((u) => {
      const url = new URL(u);
      return url.username === '' && url.password === '';
    }, 'Put credentials in accessKeyId and secretAccessKey, not in the endpoint URL')
    .optional(),
  forcePathStyle: z.boolean().optional(),
  accessKeyId: z.string().trim().min(1, 'Give the access key ID').max(256),
  secretAccessKey: z.string().min(1, 'Give the secret access key').max(512),
}) satisfies z.ZodType<S3TargetConfig>;

/** Either kind, told apart by `kind`. */
export const targetConfigSchema = z.discriminatedUnion('kind', [localTargetSchema, s3TargetSchema]) satisfies z.ZodType<TargetConfig>;

/** Config fields the API must store sealed and never return (see src/lib/sealed-config.ts). */
export const TARGET_SECRET_FIELDS = ['secretAccessKey'] as const satisfies readonly (keyof S3TargetConfig)[];

/** The target for a validated config. */
export function createTarget(config: TargetConfig): BackupTarget {
  switch (config.kind) {
    case 'local':
      return new LocalTarget(config);
    case 's3':
      return new S3Target(config);
    default: {
      const unknownKind: never = config;
      throw new Error(`Unknown backup target kind: ${JSON.stringify((unknownKind as { kind?: unknown }).kind)}`);
    }
  }
}

export { LocalTarget } from './local.js';
export { S3Target, type S3TargetOptions } from './s3.js';
