import { z } from 'zod';

/** Parses "true"/"false"/"1"/"0"/"yes"/"no" the way operators write booleans in env files. */
const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], {
    error: 'must be one of true/false/1/0/yes/no/on/off',
  })
  .transform((value) => ['true', '1', 'yes', 'on'].includes(value));

const port = z.coerce
  .number({ error: 'must be a port number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');

const positiveInt = (what: string) =>
  z.coerce.number({ error: `must be ${what}` }).int(`must be ${what}`).positive(`must be ${what}`);

const url = z.url({ error: 'must be an absolute URL such as https://watchpost.example.com' });

/**
 * Every variable Watchpost reads, with its default. Keys are the environment variable names so a
 * validation problem names exactly what the operator has to fix. Documented in docs/configuration.md.
 */
export const envSchema = z.object({
  WATCHPOST_PORT: port.default(8080),
  WATCHPOST_HOST: z.string().min(1, 'must not be empty').default('0.0.0.0'),
  WATCHPOST_DATA_DIR: z.string().min(1, 'must not be empty').default('./data'),
  DATABASE_URL: z
    .string()
    .refine((value) => /^(postgres|postgresql|sqlite):/.test(value), {
      message: 'must start with postgres://, postgresql:// or sqlite: (leave unset for the default SQLite file)',
    })
    .optional(),
  WATCHPOST_DB_POOL_SIZE: positiveInt('a positive whole number').default(10),
  WATCHPOST_PUBLIC_URL: url.optional(),
  WATCHPOST_SECRET_KEY: z
    .string()
    .min(32, 'must be at least 32 characters (generate one with: openssl rand -base64 48)')
    .optional(),
  WATCHPOST_ADMIN_EMAIL: z.email({ error: 'must be an email address' }).optional(),
  WATCHPOST_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').max(256).optional(),
  WATCHPOST_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * false; true = the one proxy directly in front (not every hop: clients can put anything in
   * X-Forwarded-For); a number of proxy hops; or a comma list of proxy addresses/CIDRs.
   */
  WATCHPOST_TRUST_PROXY: z
    .string()
    .transform((value, ctx): false | number | string[] => {
      const v = value.trim().toLowerCase();
      if (['false', '0', 'no', 'off'].includes(v)) return false;
      if (['true', 'yes', 'on'].includes(v)) return 1;
      if (/^\d+$/.test(v)) return Number(v);
      const list = v.split(',').map((part) => part.trim()).filter(Boolean);
      if (list.length > 0 && list.every((part) => /^[0-9a-f.:]+(\/\d{1,3})?$/.test(part) || ['loopback', 'linklocal', 'uniquelocal'].includes(part))) return list;
      ctx.addIssue({ code: 'custom', message: 'must be false, true, a number of proxy hops, or a comma list of proxy addresses/CIDRs' });
      return z.NEVER;
    })
    .default(false),
  WATCHPOST_SESSION_TTL_HOURS: positiveInt('a positive whole number of hours').default(168),
  WATCHPOST_LOGIN_MAX_FAILURES: positiveInt('a positive whole number').default(5),
  WATCHPOST_LOGIN_LOCKOUT_MINUTES: positiveInt('a positive whole number of minutes').default(15),
  WATCHPOST_API_BODY_LIMIT_BYTES: positiveInt('a positive number of bytes').default(1024 * 1024),
  WATCHPOST_INGEST_MAX_BODY_MB: positiveInt('a positive whole number of MiB').default(20),
  WATCHPOST_INGEST_MAX_DECOMPRESSED_MB: positiveInt('a positive whole number of MiB').default(40),
  WATCHPOST_INGEST_MAX_EVENT_KB: positiveInt('a positive whole number of KiB').default(1024),
  WATCHPOST_INGEST_KEY_RATE_LIMIT: z.coerce.number({ error: 'must be a whole number (0 = no limit)' }).int().min(0).default(0),
  WATCHPOST_INGEST_QUEUE_SIZE: positiveInt('a positive whole number of envelopes').default(5000),
  WATCHPOST_INGEST_QUEUE_MB: positiveInt('a positive whole number of MiB').default(128),
  WATCHPOST_INGEST_WORKERS: z.coerce.number({ error: 'must be a whole number of threads (0 = process on the main thread)' }).int().min(0).max(32).optional(),
  WATCHPOST_INGEST_WRITER_THREAD: booleanFlag.default(true),
  WATCHPOST_RETENTION_EVENT_DAYS: positiveInt('a positive whole number of days').default(90),
  WATCHPOST_RETENTION_CHECK_DAYS: positiveInt('a positive whole number of days').default(90),
  WATCHPOST_UPTIME_CONCURRENCY: positiveInt('a positive whole number of checks').max(2000).default(100),
  /** Lets webhooks and uptime checks reach link-local / cloud-metadata addresses (src/lib/egress.ts). */
  WATCHPOST_EGRESS_ALLOW_LINK_LOCAL: booleanFlag.default(false),
  WATCHPOST_NOTIFY_CONCURRENCY: positiveInt('a positive whole number of deliveries').max(500).default(16),
  WATCHPOST_BACKUP_KEY: z.string().min(16, 'must be at least 16 characters (generate one with: openssl rand -base64 32)').optional(),
  WATCHPOST_PG_BIN_DIR: z.string().min(1).optional(),
  WATCHPOST_SMTP_URL: z
    .string()
    .refine((value) => /^smtps?:\/\/[^/]+/.test(value), { message: 'must look like smtp://user:password@host:587 or smtps://host:465' })
    .optional(),
  WATCHPOST_SMTP_FROM: z.string().min(3).max(200).optional(),
  WATCHPOST_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  WATCHPOST_JOBS: booleanFlag.default(true),
  WATCHPOST_NODE_NAME: z.string().min(1).max(100).optional(),
});

/** Variables that hold secrets: they also accept NAME_FILE and are masked by `watchpost doctor`. */
export const SECRET_VARIABLES = [
  'DATABASE_URL',
  'WATCHPOST_SECRET_KEY',
  'WATCHPOST_ADMIN_PASSWORD',
  'WATCHPOST_METRICS_TOKEN',
  'WATCHPOST_SMTP_URL',
  'WATCHPOST_BACKUP_KEY',
] as const;
