import { useEffect, useState } from 'react';
import { Link, useLocation, useParams, useSearch } from 'wouter';
import { ApiError, api, statusIncidentsPath, type OrgWithRole, type Project, type StatusPage } from '../api';
import { Badge } from '../components/badge';
import { Button } from '../components/button';
import { ConfirmDialog } from '../components/confirm-dialog';
import { LoadError, Loading } from '../components/loading';
import { PageHeader } from '../components/page-header';
import { Section } from '../components/section';
import { ComponentsEditor } from '../components/status-pages/components-editor';
import { IncidentsPanel } from '../components/status-pages/incidents-panel';
import { PageSettingsForm } from '../components/status-pages/page-settings-form';
import { PasswordSection } from '../components/status-pages/password-section';
import { PublicLink } from '../components/status-pages/public-link';
import { ShareSnippets } from '../components/status-pages/share-snippets';
import { StatusPreview } from '../components/status-pages/status-preview';
import { Tabs } from '../components/tabs';
import { WithProject } from '../components/with-project';
import { invalidate, useApi } from '../hooks/use-api';
import { useDocumentTitle } from '../hooks/use-document-title';
import { useInterval } from '../hooks/use-interval';
import { useMonitorLookup } from '../hooks/use-monitor-lookup';
import { changed, type ComponentDraft } from '../lib/component-drafts';
import { NEEDS, roleAtLeast } from '../lib/roles';
import { publicUrls } from '../lib/status-pages';
import { NotFoundPage } from './not-found-page';

const VIEWS = ['components', 'incidents', 'settings', 'share'] as const;
/** Monitor states in the preview follow the monitors page's pace, a little slower. */
const REFRESH_MS = 30_000;
type View = (typeof VIEWS)[number];

export function StatusPagePage({ org }: { org: OrgWithRole }) {
  return <WithProject org={org}>{(project) => <StatusPageLoader org={org} project={project} />}</WithProject>;
}

function StatusPageLoader({ org, project }: { org: OrgWithRole; project: Project }) {
  const { statusPageId = '' } = useParams<{ statusPageId: string }>();
  const page = useApi(`/status-pages/${statusPageId}`, (signal) => api.statusPage(statusPageId, signal));
  useDocumentTitle(page.data?.title ?? 'Status page', project.name, org.name);
  const missing = (page.error instanceof ApiError && page.error.status === 404) || (page.data && page.data.projectId !== project.id);
  if (missing) return <NotFoundPage title="Status page not found" message="It may have been deleted, or it belongs to another project." />;
  if (page.error && !page.data) return <LoadError error={page.error} onRetry={() => void page.reload()} />;
  if (!page.data) return <Loading />;
  return <StatusPageEditor org={org} project={project} page={page.data} onChanged={(updated) => page.mutate(() => updated)} reload={page.reload} />;
}

interface EditorProps {
  org: OrgWithRole;
  project: Project;
  page: StatusPage;
  onChanged: (page: StatusPage) => void;
  reload: () => Promise<void>;
}

function StatusPageEditor({ org, project, page, onChanged, reload }: EditorProps) {
  const [location, navigate] = useLocation();
  const requested = new URLSearchParams(useSearch()).get('view');
  const view: View = VIEWS.find((v) => v === requested) ?? 'components';
  const [drafts, setDrafts] = useState<ComponentDraft[] | null>(null);
  const [deleting, setDeleting] = useState(false);
  const canManage = roleAtLeast(org.role, NEEDS.statusPageManage);
  const listPath = `/orgs/${org.slug}/projects/${project.id}/status-pages`;
  const urls = publicUrls(page);

  const openQuery = { state: 'open' as const, limit: 200 };
  const openIncidents = useApi(statusIncidentsPath(page.id, openQuery), (signal) => api.statusIncidents(page.id, openQuery, signal));
  const lookup = useMonitorLookup(project.id, page.components.flatMap((c) => c.monitorIds));
  useInterval(lookup.reload, REFRESH_MS);
  const unsaved = drafts !== null && changed(drafts, page.components);
  // Unsaved components live in this page only: ask before the tab closes or reloads.
  useEffect(() => {
    if (!unsaved) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [unsaved]);
  const members = useApi(`/orgs/${org.id}/members`, (signal) => api.members(org.id, signal));
  const authorName = (userId: string | null) => {
    const member = userId === null ? undefined : members.data?.items.find((m) => m.userId === userId);
    return member ? member.name || member.email : null;
  };
  const saved = (updated: StatusPage) => {
    onChanged(updated);
    invalidate(`/projects/${project.id}/status-pages`);
  };

  return (
    <div className="page page-wide">
      <Link href={listPath} className="back-link">
        ← Status pages
      </Link>
      <PageHeader
        title={
          <span className="monitor-title">
            <span>{page.title}</span>
            {page.passwordProtected && <Badge tone="amber">Protected</Badge>}
          </span>
        }
        description={
          <span className="status-page-addresses">
            <PublicLink url={urls.page} />
            {page.customDomain && <PublicLink url={page.url} label="custom domain URL" />}
          </span>
        }
      />
      <div className="status-editor">
        <div className="status-editor-main">
          <Tabs
            label="Status page sections"
            value={view}
            onChange={(next) => navigate(next === 'components' ? location : `${location}?view=${next}`)}
            tabs={[
              {
                id: 'components',
                label: unsaved ? 'Components (unsaved)' : 'Components',
                content: (
                  <ComponentsEditor
                    page={page}
                    drafts={drafts}
                    onDrafts={setDrafts}
                    onSaved={(components) => saved({ ...page, components })}
                    lookup={lookup}
                    canManage={canManage}
                  />
                ),
              },
              { id: 'incidents', label: 'Incidents and maintenance', content: <IncidentsPanel page={page} open={openIncidents} authorName={authorName} canManage={canManage} /> },
              {
                id: 'settings',
                label: 'Settings',
                content: (
                  <div className="stack-lg">
                    <PageSettingsForm page={page} canManage={canManage} onSaved={saved} />
                    <PasswordSection
                      page={page}
                      canManage={canManage}
                      onChanged={async () => {
                        await reload();
                        invalidate(`/projects/${project.id}/status-pages`);
                      }}
                    />
                    {canManage && (
                      <Section title="Danger zone" tone="danger" description="Deleting the page removes its components, incidents and their updates. Its address, feeds and badges stop working.">
                        <Button variant="danger" onClick={() => setDeleting(true)}>
                          Delete status page
                        </Button>
                      </Section>
                    )}
                  </div>
                ),
              },
              { id: 'share', label: 'Badges and feeds', content: <ShareSnippets page={page} /> },
            ]}
          />
        </div>
        <aside className="status-editor-aside" aria-label="Preview">
          <StatusPreview page={page} openIncidents={openIncidents.data?.items} lookup={lookup} />
        </aside>
      </div>
      <ConfirmDialog
        open={deleting}
        onClose={() => setDeleting(false)}
        title={`Delete ${page.title}?`}
        confirmLabel="Delete status page"
        confirmText={page.slug}
        onConfirm={async () => {
          await api.deleteStatusPage(page.id);
          invalidate(`/projects/${project.id}/status-pages`);
          navigate(listPath, { replace: true });
        }}
      >
        {urls.page} stops working at once{page.customDomain ? `, and so does ${page.customDomain}` : ''}. Its components, incidents and updates are deleted. The monitors stay.
      </ConfirmDialog>
    </div>
  );
}
