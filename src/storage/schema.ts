import type { AccountsTables } from '../accounts/types.js';
import type { AuditTables } from '../audit/types.js';
import type { BackupsTables } from '../backups/types.js';
import type { DeploysTables } from '../deploys/types.js';
import type { SourceMapsTables } from '../errors/sourcemaps/types.js';
import type { ErrorsTables } from '../errors/types.js';
import type { IngestTables } from '../ingest/types.js';
import type { JobsTables } from '../jobs/types.js';
import type { NotifyTables } from '../notify/types.js';
import type { OrgsTables } from '../orgs/types.js';
import type { PerformanceTables } from '../performance/types.js';
import type { ProjectsTables } from '../projects/types.js';
import type { StatusPagesTables } from '../status-pages/types.js';
import type { TokensTables } from '../tokens/types.js';
import type { UptimeTables } from '../uptime/types.js';

/**
 * Every table Kysely knows about. Each feature declares its own tables in its types.ts; this file
 * only composes them, so adding a feature adds one line here.
 */
export interface Database
  extends AccountsTables,
    OrgsTables,
    TokensTables,
    AuditTables,
    ProjectsTables,
    JobsTables,
    IngestTables,
    ErrorsTables,
    PerformanceTables,
    SourceMapsTables,
    DeploysTables,
    NotifyTables,
    UptimeTables,
    BackupsTables,
    StatusPagesTables {}
