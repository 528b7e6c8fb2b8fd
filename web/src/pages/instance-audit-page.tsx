import { api } from '../api';
import { AuditLog } from '../components/audit/audit-log';
import { PageHeader } from '../components/page-header';
import { useDocumentTitle } from '../hooks/use-document-title';
import { useSession } from '../hooks/use-session';
import { NotFoundPage } from './not-found-page';

/** Every audit event of the instance, including logins and events of organisations you're not in. */
export function InstanceAuditPage() {
  useDocumentTitle('Instance audit');
  const { me } = useSession();
  if (!me.user.isAdmin) return <NotFoundPage title="Instance administrators only" message="This page shows events across every organisation of this Watchpost instance." />;
  return (
    <div className="page">
      <PageHeader title="Instance audit" description="Every event on this Watchpost instance: sign-ins, and changes in every organisation." />
      <AuditLog scope="instance" fetchPage={(request, signal) => api.instanceAudit(request, signal)} />
    </div>
  );
}
