import { api, type OrgWithRole } from '../api';
import { AuditLog } from '../components/audit/audit-log';
import { EmptyState } from '../components/empty-state';
import { ScrollIcon } from '../components/icons';
import { PageHeader } from '../components/page-header';
import { useDocumentTitle } from '../hooks/use-document-title';
import { NEEDS, roleAtLeast } from '../lib/roles';

export function AuditPage({ org }: { org: OrgWithRole }) {
  useDocumentTitle('Audit log', org.name);
  const allowed = roleAtLeast(org.role, NEEDS.auditRead);
  return (
    <div className="page">
      <PageHeader title="Audit log" description={`Who did what in ${org.name}, newest first.`} />
      {allowed ? (
        <AuditLog scope={org.id} fetchPage={(request, signal) => api.orgAudit(org.id, request, signal)} />
      ) : (
        <EmptyState icon={<ScrollIcon size={22} />} title="The audit log needs the admin role">
          Ask an owner or admin of {org.name} if you need to know who changed something.
        </EmptyState>
      )}
    </div>
  );
}
