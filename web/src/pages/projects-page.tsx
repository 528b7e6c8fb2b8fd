import { useState } from 'react';
import { Link } from 'wouter';
import { api, type OrgWithRole } from '../api';
import { Button } from '../components/button';
import { EmptyState } from '../components/empty-state';
import { FolderIcon, PlusIcon } from '../components/icons';
import { LoadError, Loading } from '../components/loading';
import { PageHeader } from '../components/page-header';
import { NewProjectDialog } from '../components/projects/new-project-dialog';
import { RelativeTime } from '../components/relative-time';
import { useApi } from '../hooks/use-api';
import { useDocumentTitle } from '../hooks/use-document-title';
import { platformLabel } from '../lib/platforms';
import { NEEDS, roleAtLeast } from '../lib/roles';

export function ProjectsPage({ org }: { org: OrgWithRole }) {
  useDocumentTitle('Projects', org.name);
  const projects = useApi(`/orgs/${org.id}/projects`, (signal) => api.projects(org.id, signal));
  const [creating, setCreating] = useState(false);
  const canCreate = roleAtLeast(org.role, NEEDS.projectManage);
  const why = canCreate ? undefined : 'Creating projects needs the admin role in this organisation';

  return (
    <div className="page">
      <PageHeader
        title="Projects"
        description="Each project has its own DSN: point a Sentry SDK at it to send events here."
        actions={
          <span title={why}>
            <Button variant="primary" onClick={() => setCreating(true)} disabled={!canCreate} aria-describedby={why ? 'new-project-why' : undefined}>
              <PlusIcon />
              New project
            </Button>
            {why && (
              <span id="new-project-why" className="visually-hidden">
                {why}
              </span>
            )}
          </span>
        }
      />
      {projects.error && <LoadError error={projects.error} onRetry={() => void projects.reload()} />}
      {projects.loading && <Loading />}
      {projects.data && projects.data.items.length === 0 && (
        <EmptyState
          icon={<FolderIcon size={22} />}
          title="No projects yet"
          action={
            canCreate ? (
              <Button variant="primary" onClick={() => setCreating(true)}>
                Create your first project
              </Button>
            ) : undefined
          }
        >
          {canCreate ? 'Create your first project to get a DSN for your Sentry SDK.' : 'An admin of this organisation can create the first project; you will see it here.'}
        </EmptyState>
      )}
      {projects.data && projects.data.items.length > 0 && (
        <ul className="project-grid">
          {projects.data.items.map((project) => (
            <li key={project.id}>
              <Link href={`/orgs/${org.slug}/projects/${project.id}/settings`} className="card project-card">
                <span className="project-card-top">
                  <span className="project-avatar" aria-hidden="true">
                    {project.name.slice(0, 1).toUpperCase()}
                  </span>
                  <span className="project-card-name">{project.name}</span>
                </span>
                <span className="project-card-meta">
                  <span className="chip">{platformLabel(project.platform)}</span>
                  <span className="text-muted">
                    Created <RelativeTime ms={project.createdAt} />
                  </span>
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      <NewProjectDialog org={org} open={creating} onClose={() => setCreating(false)} />
    </div>
  );
}
