import { Link } from 'wouter';
import { api, type OrgWithRole, type Project, type Release } from '../api';
import { EmptyState } from '../components/empty-state';
import { PackageIcon } from '../components/icons';
import { LoadError, Loading } from '../components/loading';
import { PageHeader } from '../components/page-header';
import { SdkGuide } from '../components/projects/sdk-guide';
import { releaseSnippets } from '../components/projects/snippets';
import { RelativeTime } from '../components/relative-time';
import { WithProject } from '../components/with-project';
import { useApi } from '../hooks/use-api';
import { useDocumentTitle } from '../hooks/use-document-title';
import { formatCompact, formatNumber, formatPercent } from '../lib/format';

export function ReleasesPage({ org }: { org: OrgWithRole }) {
  return <WithProject org={org}>{(project) => <Releases org={org} project={project} />}</WithProject>;
}

/** Crash-free rates: green from 99.5 %, amber from 98 %, red below. */
function CrashFree({ rate }: { rate: number | null }) {
  if (rate === null) return <span className="text-subtle">—</span>;
  const tone = rate >= 0.995 ? 'text-success' : rate >= 0.98 ? 'text-warning' : 'text-danger';
  return (
    <span className="crash-free">
      <span className={tone}>{formatPercent(rate, 2)}</span>
      <span className="crash-free-track" aria-hidden="true">
        <span className={`crash-free-fill ${tone}`} style={{ width: `${Math.max(0, Math.min(1, rate)) * 100}%` }} />
      </span>
    </span>
  );
}

function Releases({ org, project }: { org: OrgWithRole; project: Project }) {
  useDocumentTitle('Releases', project.name, org.name);
  const releases = useApi(`/projects/${project.id}/releases`, (signal) => api.releases(project.id, signal));
  const issuesHref = (release: Release) => `/orgs/${org.slug}/projects/${project.id}/issues?status=all&release=${encodeURIComponent(release.version)}`;

  return (
    <div className="page page-wide">
      <PageHeader title="Releases" description={`Versions of ${project.name} seen in events and sessions, newest first, with their stability.`} />
      {releases.error && <LoadError error={releases.error} onRetry={() => void releases.reload()} />}
      {releases.loading && <Loading />}
      {releases.data && releases.data.items.length === 0 && (
        <div className="card">
          <EmptyState icon={<PackageIcon size={22} />} title="No releases yet">
            Set <code>release</code> in the SDK to the version you deploy. Each release then lists its new issues, sessions and crash-free rates.
          </EmptyState>
          <div className="onboarding-body">
            <SdkGuide project={project} orgSlug={org.slug} build={releaseSnippets} />
          </div>
        </div>
      )}
      {releases.data && releases.data.items.length > 0 && (
        <div className="card">
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">First seen</th>
                  <th scope="col">Last seen</th>
                  <th scope="col" className="cell-num">
                    New issues
                  </th>
                  <th scope="col" className="cell-num">
                    Sessions
                  </th>
                  <th scope="col">Crash-free sessions</th>
                  <th scope="col">Crash-free users</th>
                </tr>
              </thead>
              <tbody>
                {releases.data.items.map((release) => (
                  <tr key={release.version}>
                    <td className="mono release-version">{release.version}</td>
                    <td className="nowrap">
                      <RelativeTime ms={release.createdAt} />
                    </td>
                    <td className="nowrap">
                      <RelativeTime ms={release.lastSeen} />
                    </td>
                    <td className="cell-num">
                      {release.newIssues > 0 ? (
                        <Link href={issuesHref(release)} title="Issues seen in this release">
                          {formatNumber(release.newIssues)}
                        </Link>
                      ) : (
                        <span className="text-subtle">0</span>
                      )}
                    </td>
                    <td className="cell-num" title={formatNumber(release.sessions)}>
                      {release.sessions > 0 ? formatCompact(release.sessions) : <span className="text-subtle">0</span>}
                    </td>
                    <td>
                      <CrashFree rate={release.crashFreeSessions} />
                    </td>
                    <td>
                      <CrashFree rate={release.crashFreeUsers} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </div>
  );
}
