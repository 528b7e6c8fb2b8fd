import { useState } from 'react';
import { api, type OrgWithRole, type Project } from '../api';
import { Button } from '../components/button';
import { EmptyState } from '../components/empty-state';
import { GlobeIcon, PlusIcon } from '../components/icons';
import { LoadError, Loading } from '../components/loading';
import { PageHeader } from '../components/page-header';
import { CreateStatusPageDialog } from '../components/status-pages/create-status-page-dialog';
import { StatusPagesTable } from '../components/status-pages/status-pages-table';
import { WithProject } from '../components/with-project';
import { useApi } from '../hooks/use-api';
import { useDocumentTitle } from '../hooks/use-document-title';
import { NEEDS, roleAtLeast } from '../lib/roles';

export function StatusPagesPage({ org }: { org: OrgWithRole }) {
  return <WithProject org={org}>{(project) => <StatusPages org={org} project={project} />}</WithProject>;
}

function StatusPages({ org, project }: { org: OrgWithRole; project: Project }) {
  useDocumentTitle('Status pages', project.name, org.name);
  const [creating, setCreating] = useState(false);
  const canManage = roleAtLeast(org.role, NEEDS.statusPageManage);
  const pages = useApi(`/projects/${project.id}/status-pages`, (signal) => api.statusPages(project.id, signal));
  const base = `/orgs/${org.slug}/projects/${project.id}/status-pages`;
  const items = pages.data?.items ?? [];

  return (
    <div className="page page-wide">
      <PageHeader
        title="Status pages"
        description={`Public pages that tell ${project.name}'s users what works, what doesn't, and what you are doing about it.`}
        actions={
          canManage &&
          items.length > 0 && (
            <Button variant="primary" onClick={() => setCreating(true)}>
              <PlusIcon size={14} />
              Create status page
            </Button>
          )
        }
      />
      {pages.error && <LoadError error={pages.error} onRetry={() => void pages.reload()} />}
      {pages.loading && <Loading label="Loading status pages…" />}
      {pages.data && items.length === 0 && (
        <div className="card">
          <EmptyState
            icon={<GlobeIcon size={22} />}
            title="Tell your users what is going on, before they ask"
            action={
              canManage ? (
                <Button variant="primary" onClick={() => setCreating(true)}>
                  Create status page
                </Button>
              ) : undefined
            }
          >
            <p>
              A status page is a public web page at <span className="mono">/status/your-name</span> (or on your own domain). It lists components such as “Website” or
              “API”, each showing the live state of the monitors behind it with 90 days of uptime, and the incidents and maintenance you post, with every update.
            </p>
            <p>Visitors can follow it by RSS or Atom, embed its badges in a README, and read it as JSON. It can be password-protected for internal use.</p>
            {!canManage && <p>Ask a member of the project to create one.</p>}
          </EmptyState>
        </div>
      )}
      {items.length > 0 && (
        <div className="card">
          <StatusPagesTable pages={items} hrefOf={(page) => `${base}/${encodeURIComponent(page.id)}`} />
        </div>
      )}
      <CreateStatusPageDialog open={creating} onClose={() => setCreating(false)} project={project} base={base} />
    </div>
  );
}
