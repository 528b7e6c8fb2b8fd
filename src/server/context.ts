import pino, { type Logger } from 'pino';
import { AccountsService } from '../accounts/service.js';
import { SetupService } from '../accounts/setup.js';
import { AuditService } from '../audit/service.js';
import { BackupsService } from '../backups/service.js';
import type { Config } from '../config/index.js';
import { DeploysService } from '../deploys/service.js';
import { IssuesService } from '../errors/service.js';
import { SourceMapsService } from '../errors/sourcemaps/service.js';
import { ProcessPool } from '../ingest/sentry/process-pool.js';
import { IngestService } from '../ingest/service.js';
import { IngestSettingsService } from '../ingest/settings.js';
import { PerformanceService } from '../performance/service.js';
import { JobScheduler } from '../jobs/scheduler.js';
import { SecretBox, TokenHasher } from '../lib/crypto.js';
import { configureEgress } from '../lib/egress.js';
import { NotifyService } from '../notify/service.js';
import { OrgsService } from '../orgs/service.js';
import { ProjectsService } from '../projects/service.js';
import { StatusPagesService } from '../status-pages/service.js';
import { openStorage, type Storage } from '../storage/db.js';
import { TokensService } from '../tokens/service.js';
import { UptimeService } from '../uptime/service.js';
import { createMetrics, type Metrics } from './metrics.js';

export interface Services {
  readonly audit: AuditService;
  readonly accounts: AccountsService;
  readonly setup: SetupService;
  readonly orgs: OrgsService;
  readonly tokens: TokensService;
  readonly projects: ProjectsService;
  readonly ingest: IngestService;
  /** Threads that process Sentry envelopes off the main thread (`WATCHPOST_INGEST_WORKERS`). */
  readonly ingestWorkers: ProcessPool;
  readonly ingestSettings: IngestSettingsService;
  readonly issues: IssuesService;
  readonly performance: PerformanceService;
  readonly sourcemaps: SourceMapsService;
  readonly deploys: DeploysService;
  readonly notify: NotifyService;
  readonly uptime: UptimeService;
  readonly backups: BackupsService;
  readonly statusPages: StatusPagesService;
}

/**
 * Everything one Watchpost node holds: config, database, services, scheduler, metrics. Built once by
 * `createContext` and handed to the HTTP app, the jobs and the CLI; no module keeps globals.
 */
export interface AppContext {
  readonly config: Config;
  readonly log: Logger;
  readonly storage: Storage;
  readonly secrets: SecretBox;
  readonly hasher: TokenHasher;
  readonly services: Services;
  readonly jobs: JobScheduler;
  readonly metrics: Metrics;
  close(): Promise<void>;
}

export interface ContextOptions {
  /** Use an already-open database (tests). */
  readonly storage?: Storage;
  readonly logger?: Logger;
}

/** Opens the database and wires the services together. */
export function createContext(config: Config, options: ContextOptions = {}): AppContext {
  const log = options.logger ?? pino({ level: config.logLevel, base: { node: config.nodeName } });
  const storage = options.storage ?? openStorage(config.database);
  const db = storage.db;
  const hasher = new TokenHasher(config.secretKey);
  const audit = new AuditService(db);
  const accounts = new AccountsService(db, audit, hasher, {
    sessionTtlMs: config.sessionTtlMs,
    maxFailures: config.login.maxFailures,
    lockoutMs: config.login.lockoutMs,
  });
  const orgs = new OrgsService(db, audit, accounts, hasher, storage.dialect);
  const projects = new ProjectsService(db, audit, config.publicUrl);
  const metrics = createMetrics(storage);
  // Each refers to the other: settings changes clear ingest's cache; ingest reads settings through it.
  const ingestSettings = new IngestSettingsService(db, audit, (projectId) => ingest.invalidateSettings(projectId));
  const ingest = new IngestService(db, storage.dialect, projects, (projectId) => ingestSettings.get(projectId), config.ingest, log, {
    items: (category, outcome, n) => metrics.ingestItems.inc({ category, outcome }, n),
    batch: (durationMs, failed) => metrics.ingestBatch.observe({ result: failed ? 'error' : 'ok' }, durationMs / 1000),
    queue: (envelopes) => metrics.ingestQueue.set(envelopes),
  }, { writerFile: config.ingest.writerThread ? storage.file : null, writerTurn: storage.writeTurn });
  const secrets = new SecretBox(config.secretKey);
  // Webhooks and uptime checks: link-local / cloud-metadata addresses refused unless allowed.
  configureEgress(config.egress);
  const notify = new NotifyService(db, storage.dialect, secrets, audit, {
    node: config.nodeName,
    smtp: config.smtp,
    log,
    concurrency: config.workers.deliveries,
    onAttempt: (channel, result) => metrics.notifyAttempts.inc({ channel, result }),
  });
  const uptime = new UptimeService(db, storage.dialect, secrets, audit, notify, {
    node: config.nodeName,
    publicUrl: config.publicUrl,
    log,
    onCheck: ({ type, status, lagMs }) => {
      metrics.uptimeChecks.inc({ type, status });
      if (lagMs !== null) metrics.uptimeCheckLag.observe(lagMs / 1000);
    },
  });
  const services: Services = {
    audit,
    accounts,
    setup: new SetupService(db, accounts, orgs, hasher),
    orgs,
    tokens: new TokensService(db, audit, hasher, accounts),
    projects,
    ingest,
    ingestWorkers: new ProcessPool({ size: config.ingest.workers, maxQueuedBytes: config.ingest.queueBytes, log }),
    ingestSettings,
    issues: new IssuesService(db, storage.dialect),
    performance: new PerformanceService(db, () => ingest.flushPerformance()),
    sourcemaps: new SourceMapsService(db, { log }),
    deploys: new DeploysService(db),
    notify,
    uptime,
    statusPages: new StatusPagesService(db, audit, uptime, { publicUrl: config.publicUrl, secretKey: config.secretKey }),
    backups: new BackupsService(db, storage.dialect, secrets, audit, notify, { node: config.nodeName, publicUrl: config.publicUrl, log, defaultKey: config.backups.key,
      pgBinDir: config.backups.pgBinDir,
      pgSearchPath: config.backups.pgSearchPath,
      self: config.database.dialect === 'sqlite' ? { dialect: 'sqlite', file: config.database.file } : { dialect: 'postgres', url: config.database.url },
      dataDir: config.dataDir,
    }),
  };
  // Sentry cron check-ins feed heartbeat monitors once their batch has committed, one at a time
  // so a run's in_progress is applied before its ok.
  let checkIns: Promise<void> = Promise.resolve();
  ingest.signals.on('checkIn', (checkIn) => {
    checkIns = checkIns
      .then(async () => {
        const project = await projects.get(checkIn.project_id);
        if (project) await services.uptime.sentryCheckIn(project.orgId, checkIn);
      })
      .catch((error: unknown) => log.error({ err: error, slug: checkIn.monitor_slug }, 'could not apply a Sentry check-in to its monitor'));
  });
  const jobs = new JobScheduler(db, log, {
    node: config.nodeName,
    onRunFinished: ({ job, status }) => metrics.jobRuns.inc({ job, status }),
  });
  return {
    config,
    log,
    storage,
    secrets,
    hasher,
    services,
    jobs,
    metrics,
    async close() {
      await jobs.stop();
      await services.uptime.stop();
      await services.backups.stop();
      await notify.stop();
      // Commit what ingest has accepted before the database goes away. (Requests still being
      // processed by a worker fail with 503 and their clients retry.)
      await services.ingestWorkers.close();
      await services.ingest.close();
      metrics.dispose();
      if (!options.storage) await storage.close();
    },
  };
}
