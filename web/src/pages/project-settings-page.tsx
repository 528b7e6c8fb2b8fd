import { useState } from 'react';
import { Link, Redirect, useLocation, useParams } from 'wouter';
import { ApiError, api, type OrgWithRole } from '../api';
import { Button } from '../components/button';
import { ConfirmDialog } from '../components/confirm-dialog';
import { LoadError, Loading } from '../components/loading';
import { PageHeader } from '../components/page-header';
import { ClientKeys } from '../components/projects/client-keys';
import { IngestStatsPanel } from '../components/projects/ingest-stats';
import { ProjectGeneralForm } from '../components/projects/project-general-form';
import { SetupSnippets } from '../components/projects/setup-snippets';
import { Section } from '../components/section';
import { useRememberProject } from '../components/with-project';
import { invalidate, useApi } from '../hooks/use-api';
import { useDocumentTitle } from '../hooks/use-document-title';
import { useSession } from '../hooks/use-session';
import { platformLabel } from '../lib/platforms';
import { NEEDS, roleAtLeast } from '../lib/roles';
import { NotFoundPage } from './not-found-page';

export function ProjectSettingsPage({ org }: { org: OrgWithRole }) {
  const params = useParams<{ projectId: string }>();
  const projectId = Number(params.projectId);
  const valid = Number.isInteger(projectId) && projectId > 0;
  const { me } = useSession();
  const [, navigate] = useLocation();
  const [deleting, setDeleting] = useState(false);
  const project = useApi(valid ? `/projects/${projectId}` : null, (signal) => api.project(projectId, signal));
  const keys = useApi(valid ? `/projects/${projectId}/keys` : null, (signal) => api.keys(projectId, signal));
  useDocumentTitle(project.data?.name, org.name);
  useRememberProject(org.id, project.data?.orgId === org.id ? project.data.id : null);

  const canManage = roleAtLeast(org.role, NEEDS.projectManage);
  const missing = !valid || (project.error instanceof ApiError && (project.error.status === 404 || project.error.status === 403));
  if (missing) return <NotFoundPage title="Project not found" message="It may have been deleted, or it belongs to an organisation you are not in." />;
  if (project.error) return <LoadError error={project.error} onRetry={() => void project.reload()} />;
  if (!project.data) return <Loading />;

  const current = project.data;
  if (current.orgId !== org.id) {
    // An old link with the wrong organisation in it: send it to the right one if the person is in it.
    const owner = me.orgs.find((candidate) => candidate.id === current.orgId);
    if (owner) return <Redirect to={`/orgs/${owner.slug}/projects/${current.id}/settings`} replace />;
    return <NotFoundPage title="Project not found" />;
  }

  return (
    <div className="page">
      <Link href={`/orgs/${org.slug}/projects`} className="back-link">
        ← Project list
      </Link>
      <PageHeader
        title={current.name}
        description={
          <>
            {platformLabel(current.platform)} · project id <span className="mono">{current.id}</span> · slug <span className="mono">{current.slug}</span>
          </>
        }
      />
      <div className="stack-lg">
        {keys.error && <LoadError error={keys.error} onRetry={() => void keys.reload()} />}
        {keys.loading && <Loading label="Loading keys…" />}
        {keys.data && <ClientKeys projectId={current.id} keys={keys.data.items} canManage={canManage} onChanged={() => void keys.reload()} />}
        {keys.data && <SetupSnippets project={current} keys={keys.data.items} />}
        <IngestStatsPanel projectId={current.id} />
        <ProjectGeneralForm key={current.updatedAt} project={current} canEdit={canManage} onSaved={(updated) => project.mutate(() => updated)} />
        {canManage && (
          <Section title="Danger zone" tone="danger" description="Deleting a project removes its keys and all the data it received. This cannot be undone.">
            <Button variant="danger" onClick={() => setDeleting(true)}>
              Delete project
            </Button>
          </Section>
        )}
      </div>
      <ConfirmDialog
        open={deleting}
        onClose={() => setDeleting(false)}
        title={`Delete ${current.name}?`}
        confirmLabel="Delete project"
        confirmText={current.name}
        onConfirm={async () => {
          await api.deleteProject(current.id);
          invalidate(`/orgs/${org.id}/projects`);
          navigate(`/orgs/${org.slug}/projects`, { replace: true });
        }}
      >
        Its DSNs stop working at once and every event it received is deleted.
      </ConfirmDialog>
    </div>
  );
}
