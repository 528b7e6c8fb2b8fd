import { cliSnippet } from '../../lib/backups';
import { Button } from '../button';
import { CodeBlock } from '../code-block';
import { EmptyState } from '../empty-state';
import { DatabaseIcon } from '../icons';

/** The project backs up nothing yet: what Watchpost backups do, and the two ways to add a database. */
export function FirstSource({ projectId, canManage, onAdd }: { projectId: number; canManage: boolean; onAdd: () => void }) {
  return (
    <div className="card">
      <EmptyState
        icon={<DatabaseIcon size={22} />}
        title="Backups you know you can restore"
        action={
          canManage ? (
            <Button variant="primary" onClick={onAdd}>
              Add database
            </Button>
          ) : undefined
        }
      >
        <p>
          Watchpost backs up PostgreSQL databases — yours, on Supabase, RDS or Neon — with <code>pg_dump</code>, encrypts them with AES-256-GCM and writes them to a local
          directory and/or S3-compatible storage, keeping daily, weekly and monthly copies. It can back up its own database too.
        </p>
        <p>
          Then it regularly <strong>restores them into a scratch database</strong>, compares every table’s row count and runs your checks. The measured restore time is your real RTO,
          shown here next to the age of the last good backup.
        </p>
        {!canManage && <p>Ask an admin of the organisation to add a database.</p>}
      </EmptyState>
      <div className="backup-cli">
        <p className="field-hint">Or from the server’s command line (the connection string stays in an environment variable):</p>
        <CodeBlock code={cliSnippet(projectId)} title="shell" copyLabel="Copy CLI command" />
      </div>
    </div>
  );
}
