import { useEffect, type ReactNode } from 'react';
import { Redirect, useLocation, useParams, useSearch } from 'wouter';
import { ApiError, api, type OrgWithRole, type Project } from '../api';
import { useApi } from '../hooks/use-api';
import { useSession } from '../hooks/use-session';
import { writeStored } from '../lib/storage';
import { NotFoundPage } from '../pages/not-found-page';
import { LoadError, Loading } from './loading';

/** localStorage key of the project last opened in an organisation: the sidebar keeps showing its pages. */
export function lastProjectKey(orgId: string): string {
  return `wp-last-project:${orgId}`;
}

/** Remembers the project for the sidebar's project navigation. */
export function useRememberProject(orgId: string, projectId: number | null): void {
  useEffect(() => {
    if (projectId !== null) writeStored(lastProjectKey(orgId), String(projectId));
  }, [orgId, projectId]);
}

interface Props {
  org: OrgWithRole;
  children: (project: Project) => ReactNode;
}

/**
 * Resolves the URL's project id for pages inside a project: loading, "not found", and an old link
 * with the wrong organisation in it (sent on to the right one, same page).
 */
export function WithProject({ org, children }: Props) {
  const params = useParams<{ projectId: string }>();
  const projectId = Number(params.projectId);
  const valid = Number.isInteger(projectId) && projectId > 0;
  const { me } = useSession();
  const [location] = useLocation();
  const search = useSearch();
  const project = useApi(valid ? `/projects/${projectId}` : null, (signal) => api.project(projectId, signal));
  const current = project.data?.orgId === org.id ? project.data : undefined;
  useRememberProject(org.id, current ? current.id : null);

  const missing = !valid || (project.error instanceof ApiError && (project.error.status === 404 || project.error.status === 403));
  if (missing) return <NotFoundPage title="Project not found" message="It may have been deleted, or it belongs to an organisation you are not in." />;
  if (project.error) return <LoadError error={project.error} onRetry={() => void project.reload()} />;
  if (!project.data) return <Loading />;
  if (!current) {
    const owner = me.orgs.find((candidate) => candidate.id === project.data?.orgId);
    if (owner) return <Redirect to={`${location.replace(`/orgs/${org.slug}/`, `/orgs/${owner.slug}/`)}${search ? `?${search}` : ''}`} replace />;
    return <NotFoundPage title="Project not found" />;
  }
  return children(current);
}
