import { Link, useLocation, useSearch } from 'wouter';
import { api, type OrgWithRole, type PerformancePeriod, type Project } from '../api';
import { EmptyState } from '../components/empty-state';
import { ActivityIcon, GaugeIcon } from '../components/icons';
import { LoadError, Loading } from '../components/loading';
import { PageHeader } from '../components/page-header';
import { EndpointDetail } from '../components/performance/endpoint-detail';
import { EndpointsTable } from '../components/performance/endpoints-table';
import { WebVitals } from '../components/performance/web-vitals';
import { PeriodPicker } from '../components/period-picker';
import { SdkGuide } from '../components/projects/sdk-guide';
import { tracingSnippets } from '../components/projects/snippets';
import { Section } from '../components/section';
import { WithProject } from '../components/with-project';
import { useApi } from '../hooks/use-api';
import { useDocumentTitle } from '../hooks/use-document-title';

const PERIODS: { value: PerformancePeriod; label: string; title: string }[] = [
  { value: '1h', label: '1h', title: 'Last hour' },
  { value: '24h', label: '24h', title: 'Last 24 hours' },
  { value: '7d', label: '7d', title: 'Last 7 days' },
  { value: '30d', label: '30d', title: 'Last 30 days' },
];
const DEFAULT_PERIOD: PerformancePeriod = '24h';

export function PerformancePage({ org }: { org: OrgWithRole }) {
  return <WithProject org={org}>{(project) => <Performance org={org} project={project} />}</WithProject>;
}

function Performance({ org, project }: { org: OrgWithRole; project: Project }) {
  const [location, navigate] = useLocation();
  const params = new URLSearchParams(useSearch());
  const period = PERIODS.find((option) => option.value === params.get('period'))?.value ?? DEFAULT_PERIOD;
  const endpoint = params.get('endpoint');
  useDocumentTitle(endpoint ?? 'Performance', project.name, org.name);

  const hrefWith = (next: { period?: PerformancePeriod; endpoint?: string | null }) => {
    const search = new URLSearchParams();
    const nextEndpoint = next.endpoint === undefined ? endpoint : next.endpoint;
    const nextPeriod = next.period ?? period;
    if (nextEndpoint) search.set('endpoint', nextEndpoint);
    if (nextPeriod !== DEFAULT_PERIOD) search.set('period', nextPeriod);
    const text = search.toString();
    return `${location}${text ? `?${text}` : ''}`;
  };

  const endpoints = useApi(`/projects/${project.id}/performance/endpoints?period=${period}`, (signal) => api.endpoints(project.id, period, signal));
  const vitals = useApi(endpoint ? null : `/projects/${project.id}/performance/vitals?period=${period}`, (signal) => api.vitals(project.id, period, signal));
  const picker = <PeriodPicker label="Period" value={period} options={PERIODS} onChange={(value) => navigate(hrefWith({ period: value }))} />;

  if (endpoint) {
    return (
      <div className="page page-wide">
        <Link href={hrefWith({ endpoint: null })} className="back-link">
          ← All endpoints
        </Link>
        <PageHeader title={<span className="mono endpoint-title">{endpoint}</span>} description="Latency, throughput and the slowest operations of this endpoint." actions={picker} />
        <EndpointDetail projectId={project.id} name={endpoint} period={period} summary={endpoints.data?.items.find((item) => item.name === endpoint)} />
      </div>
    );
  }

  const nothing = endpoints.data?.items.length === 0 && vitals.data?.items.length === 0;
  return (
    <div className="page page-wide">
      <PageHeader title="Performance" description={`How fast ${project.name} answers, from the transactions its SDK samples.`} actions={picker} />
      {nothing ? (
        <div className="card">
          <EmptyState icon={<ActivityIcon size={22} />} title="No transactions in this period">
            Turn on tracing in the Sentry SDK by setting <code>tracesSampleRate</code>: each sampled request or page load reports its duration, its spans and, in browsers, its Web Vitals.
          </EmptyState>
          <div className="onboarding-body">
            <SdkGuide project={project} orgSlug={org.slug} build={tracingSnippets} />
          </div>
        </div>
      ) : (
        <div className="stack-lg">
          <Section title="Endpoints" description="Transactions grouped by name. Click a column to sort; an endpoint for its charts." flush>
            {endpoints.error && <LoadError error={endpoints.error} onRetry={() => void endpoints.reload()} />}
            {endpoints.loading && <Loading />}
            {endpoints.data && endpoints.data.items.length === 0 && (
              <p className="section-empty text-muted">
                No server transactions in this period. Server SDKs send them once <code>tracesSampleRate</code> is set.
              </p>
            )}
            {endpoints.data && endpoints.data.items.length > 0 && <EndpointsTable endpoints={endpoints.data.items} hrefOf={(name) => hrefWith({ endpoint: name })} />}
          </Section>
          <section className="stack" aria-labelledby="web-vitals-title">
            <div className="section-heading">
              <h2 id="web-vitals-title" className="section-title">
                Web Vitals
              </h2>
              <p className="section-description">What visitors experience, at the 75th percentile of page loads (as Google rates it).</p>
            </div>
            {vitals.error && <LoadError error={vitals.error} onRetry={() => void vitals.reload()} />}
            {vitals.loading && <Loading />}
            {vitals.data && vitals.data.items.length === 0 && (
              <EmptyState icon={<GaugeIcon size={22} />} title="No Web Vitals in this period">
                Browser SDKs report them with <code>browserTracingIntegration()</code> and a <code>tracesSampleRate</code>.
              </EmptyState>
            )}
            {vitals.data && vitals.data.items.length > 0 && <WebVitals report={vitals.data} />}
          </section>
        </div>
      )}
    </div>
  );
}
