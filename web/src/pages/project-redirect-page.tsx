import { Redirect, useParams, useSearch } from 'wouter';
import { ApiError, api } from '../api';
import { LoadError, Loading } from '../components/loading';
import { useApi } from '../hooks/use-api';
import { useSession } from '../hooks/use-session';
import { NotFoundPage } from './not-found-page';

/**
 * `/projects/:projectId/*`: links in notification emails and messages don't know the
 * organisation's slug; this finds the project's organisation and sends the person on.
 */
export function ProjectRedirectPage() {
  const params = useParams<{ projectId: string; '*'?: string }>();
  const search = useSearch();
  const { me } = useSession();
  const projectId = Number(params.projectId);
  const valid = Number.isInteger(projectId) && projectId > 0;
  const project = useApi(valid ? `/projects/${projectId}` : null, (signal) => api.project(projectId, signal));

  const missing = !valid || (project.error instanceof ApiError && (project.error.status === 404 || project.error.status === 403));
  if (missing) return <NotFoundPage title="Project not found" message="It may have been deleted, or it belongs to an organisation you are not in." />;
  if (project.error) return <LoadError error={project.error} onRetry={() => void project.reload()} />;
  if (!project.data) return <Loading />;
  const org = me.orgs.find((candidate) => candidate.id === project.data?.orgId);
  if (!org) return <NotFoundPage title="Project not found" message="It belongs to an organisation you are not in." />;
  const rest = params['*'] ? `/${params['*']}` : '';
  return <Redirect to={`/orgs/${org.slug}/projects/${projectId}${rest}${search ? `?${search}` : ''}`} replace />;
}
