import { Suspense, useEffect } from 'react';
import { Redirect, Route, Switch, useLocation } from 'wouter';
import { setAuthRequiredHandler } from './api';
import { ErrorBoundary } from './components/error-boundary';
import { AppLayout } from './components/layout';
import { Loading } from './components/loading';
import { SessionProvider } from './components/session-provider';
import { WithOrg } from './components/with-org';
import { clearApiCache } from './hooks/use-api';
import { lazyPage, preloadWhenIdle } from './lazy-page';
import { loginHref } from './lib/url';
import { NotFoundPage } from './pages/not-found-page';

// Every page is its own chunk: the first paint only needs the shell and the current page.
const SetupPage = lazyPage(() => import('./pages/setup-page'), 'SetupPage');
const LoginPage = lazyPage(() => import('./pages/login-page'), 'LoginPage');
const InvitePage = lazyPage(() => import('./pages/invite-page'), 'InvitePage');
const HomePage = lazyPage(() => import('./pages/home-page'), 'HomePage');
const ProjectsPage = lazyPage(() => import('./pages/projects-page'), 'ProjectsPage');
const ProjectSettingsPage = lazyPage(() => import('./pages/project-settings-page'), 'ProjectSettingsPage');
const IssuesPage = lazyPage(() => import('./pages/issues-page'), 'IssuesPage');
const IssuePage = lazyPage(() => import('./pages/issue-page'), 'IssuePage');
const PerformancePage = lazyPage(() => import('./pages/performance-page'), 'PerformancePage');
const ReleasesPage = lazyPage(() => import('./pages/releases-page'), 'ReleasesPage');
const MonitorsPage = lazyPage(() => import('./pages/monitors-page'), 'MonitorsPage');
const MonitorPage = lazyPage(() => import('./pages/monitor-page'), 'MonitorPage');
const MonitorFormPage = lazyPage(() => import('./pages/monitor-form-page'), 'MonitorFormPage');
const NotificationsPage = lazyPage(() => import('./pages/notifications-page'), 'NotificationsPage');
const StatusPagesPage = lazyPage(() => import('./pages/status-pages-page'), 'StatusPagesPage');
const StatusPagePage = lazyPage(() => import('./pages/status-page-page'), 'StatusPagePage');
const BackupsPage = lazyPage(() => import('./pages/backups-page'), 'BackupsPage');
const ProjectRedirectPage = lazyPage(() => import('./pages/project-redirect-page'), 'ProjectRedirectPage');
const MembersPage = lazyPage(() => import('./pages/members-page'), 'MembersPage');
const TokensPage = lazyPage(() => import('./pages/tokens-page'), 'TokensPage');
const AuditPage = lazyPage(() => import('./pages/audit-page'), 'AuditPage');
const OrgSettingsPage = lazyPage(() => import('./pages/org-settings-page'), 'OrgSettingsPage');
const JobsPage = lazyPage(() => import('./pages/jobs-page'), 'JobsPage');
const InstanceAuditPage = lazyPage(() => import('./pages/instance-audit-page'), 'InstanceAuditPage');
const AccountPage = lazyPage(() => import('./pages/account-page'), 'AccountPage');

/** Sends the person to /login when the API says the session is missing or over, and back afterwards. */
function useLoginRedirect(): void {
  const [, navigate] = useLocation();
  useEffect(() => {
    setAuthRequiredHandler((code) => {
      if (window.location.pathname === '/login') return;
      clearApiCache();
      navigate(loginHref(code === 'WP_ERR_AUTH_SESSION_EXPIRED'), { replace: true });
    });
    return () => setAuthRequiredHandler(null);
  }, [navigate]);
}

const LOGGED_IN_PAGES = [
  HomePage,
  ProjectsPage,
  ProjectSettingsPage,
  IssuesPage,
  IssuePage,
  PerformancePage,
  ReleasesPage,
  MonitorsPage,
  MonitorPage,
  MonitorFormPage,
  NotificationsPage,
  StatusPagesPage,
  StatusPagePage,
  BackupsPage,
  MembersPage,
  TokensPage,
  AuditPage,
  OrgSettingsPage,
  JobsPage,
  InstanceAuditPage,
  AccountPage,
  ProjectRedirectPage,
];

function LoggedInApp() {
  const [location] = useLocation();
  useEffect(() => preloadWhenIdle(LOGGED_IN_PAGES), []);
  return (
    <SessionProvider>
      <AppLayout>
        <ErrorBoundary resetKey={location}>
          <Suspense fallback={<Loading />}>
            <Switch>
              <Route path="/" component={HomePage} />
              <Route path="/orgs/:orgSlug/projects">{() => <WithOrg page={ProjectsPage} />}</Route>
              <Route path="/orgs/:orgSlug/projects/:projectId/settings">{() => <WithOrg page={ProjectSettingsPage} />}</Route>
              <Route path="/orgs/:orgSlug/projects/:projectId/issues">{() => <WithOrg page={IssuesPage} />}</Route>
              <Route path="/orgs/:orgSlug/projects/:projectId/issues/:issueId">{() => <WithOrg page={IssuePage} />}</Route>
              <Route path="/orgs/:orgSlug/projects/:projectId/performance">{() => <WithOrg page={PerformancePage} />}</Route>
              <Route path="/orgs/:orgSlug/projects/:projectId/releases">{() => <WithOrg page={ReleasesPage} />}</Route>
              <Route path="/orgs/:orgSlug/projects/:projectId/monitors">{() => <WithOrg page={MonitorsPage} />}</Route>
              <Route path="/orgs/:orgSlug/projects/:projectId/monitors/new">{() => <WithOrg page={MonitorFormPage} />}</Route>
              <Route path="/orgs/:orgSlug/projects/:projectId/monitors/:monitorId/edit">{() => <WithOrg page={MonitorFormPage} />}</Route>
              <Route path="/orgs/:orgSlug/projects/:projectId/monitors/:monitorId">{() => <WithOrg page={MonitorPage} />}</Route>
              <Route path="/orgs/:orgSlug/projects/:projectId/notifications">{() => <WithOrg page={NotificationsPage} />}</Route>
              <Route path="/orgs/:orgSlug/projects/:projectId/status-pages">{() => <WithOrg page={StatusPagesPage} />}</Route>
              <Route path="/orgs/:orgSlug/projects/:projectId/status-pages/:statusPageId">{() => <WithOrg page={StatusPagePage} />}</Route>
              <Route path="/orgs/:orgSlug/projects/:projectId/backups">{() => <WithOrg page={BackupsPage} />}</Route>
              <Route path="/orgs/:orgSlug/projects/:projectId">
                {(params) => <Redirect to={`/orgs/${params.orgSlug}/projects/${params.projectId}/settings`} replace />}
              </Route>
              <Route path="/orgs/:orgSlug/members">{() => <WithOrg page={MembersPage} />}</Route>
              <Route path="/orgs/:orgSlug/tokens">{() => <WithOrg page={TokensPage} />}</Route>
              <Route path="/orgs/:orgSlug/audit">{() => <WithOrg page={AuditPage} />}</Route>
              <Route path="/orgs/:orgSlug/settings">{() => <WithOrg page={OrgSettingsPage} />}</Route>
              <Route path="/orgs/:orgSlug">{(params) => <Redirect to={`/orgs/${params.orgSlug}/projects`} replace />}</Route>
              {/* Links in notifications name the project only: find its organisation. */}
              <Route path="/projects/:projectId/*?" component={ProjectRedirectPage} />
              <Route path="/admin/jobs" component={JobsPage} />
              <Route path="/admin/audit" component={InstanceAuditPage} />
              <Route path="/account" component={AccountPage} />
              <Route component={NotFoundPage} />
            </Switch>
          </Suspense>
        </ErrorBoundary>
      </AppLayout>
    </SessionProvider>
  );
}

export function App() {
  useLoginRedirect();
  const [location] = useLocation();
  return (
    <ErrorBoundary resetKey={location}>
      <Suspense
        fallback={
          <div className="full-page">
            <Loading />
          </div>
        }
      >
        <Switch>
          <Route path="/setup" component={SetupPage} />
          <Route path="/login" component={LoginPage} />
          <Route path="/invite" component={InvitePage} />
          <Route>
            <LoggedInApp />
          </Route>
        </Switch>
      </Suspense>
    </ErrorBoundary>
  );
}
