import { useCallback, useState } from 'react';
import { api, type BackupSource, type OrgWithRole, type Project } from '../api';
import { FirstSource } from '../components/backups/first-source';
import { SourceCard } from '../components/backups/source-card';
import { SourceDialog } from '../components/backups/source-dialog';
import { Button } from '../components/button';
import { PlusIcon } from '../components/icons';
import { LoadError, Loading } from '../components/loading';
import { PageHeader } from '../components/page-header';
import { WithProject } from '../components/with-project';
import { useApi } from '../hooks/use-api';
import { useDocumentTitle } from '../hooks/use-document-title';
import { NEEDS, roleAtLeast } from '../lib/roles';

export function BackupsPage({ org }: { org: OrgWithRole }) {
  return <WithProject org={org}>{(project) => <Backups org={org} project={project} />}</WithProject>;
}

function Backups({ org, project }: { org: OrgWithRole; project: Project }) {
  useDocumentTitle('Backups', project.name, org.name);
  const [adding, setAdding] = useState(false);
  const canManage = roleAtLeast(org.role, NEEDS.backupManage);
  const canRun = roleAtLeast(org.role, NEEDS.backupRun);
  const sources = useApi(`/projects/${project.id}/backup-sources`, (signal) => api.backupSources(project.id, signal));
  const items = sources.data?.items ?? [];
  const { mutate } = sources;

  const replace = useCallback(
    (source: BackupSource) =>
      mutate((current) => {
        const list = current?.items ?? [];
        return { items: list.some((s) => s.id === source.id) ? list.map((s) => (s.id === source.id ? source : s)) : [...list, source] };
      }),
    [mutate],
  );
  const remove = (id: string) => mutate((current) => ({ items: (current?.items ?? []).filter((s) => s.id !== id) }));

  return (
    <div className="page page-wide">
      <PageHeader
        title="Backups"
        description={`PostgreSQL backups of ${project.name}'s databases, proven by restoring them: the measured restore time is your real RTO.`}
        actions={
          canManage &&
          items.length > 0 && (
            <Button variant="primary" onClick={() => setAdding(true)}>
              <PlusIcon size={14} />
              Add database
            </Button>
          )
        }
      />
      {sources.error && <LoadError error={sources.error} onRetry={() => void sources.reload()} />}
      {sources.loading && <Loading label="Loading backup sources…" />}
      {sources.data && items.length === 0 && <FirstSource projectId={project.id} canManage={canManage} onAdd={() => setAdding(true)} />}
      {items.length > 0 && (
        <div className="stack-lg">
          {items.map((source) => (
            <SourceCard key={source.id} source={source} canRun={canRun} canManage={canManage} onSource={replace} onDeleted={() => remove(source.id)} />
          ))}
        </div>
      )}
      <SourceDialog open={adding} onClose={() => setAdding(false)} projectId={project.id} onCreated={replace} />
    </div>
  );
}
