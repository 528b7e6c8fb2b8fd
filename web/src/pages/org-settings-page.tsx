import { useState, type FormEvent } from 'react';
import { useLocation } from 'wouter';
import { api, type OrgWithRole } from '../api';
import { Button } from '../components/button';
import { ConfirmDialog } from '../components/confirm-dialog';
import { CopyButton } from '../components/copy-button';
import { CreateOrgForm } from '../components/create-org-form';
import { Field } from '../components/field';
import { FormError } from '../components/form-error';
import { PageHeader } from '../components/page-header';
import { Section } from '../components/section';
import { useAction } from '../hooks/use-action';
import { clearApiCache } from '../hooks/use-api';
import { useDocumentTitle } from '../hooks/use-document-title';
import { useSession } from '../hooks/use-session';
import { NEEDS, roleAtLeast } from '../lib/roles';

export function OrgSettingsPage({ org }: { org: OrgWithRole }) {
  useDocumentTitle('Settings', org.name);
  const { reload } = useSession();
  const [, navigate] = useLocation();
  const [deleting, setDeleting] = useState(false);
  const canRename = roleAtLeast(org.role, NEEDS.orgUpdate);
  const canDelete = roleAtLeast(org.role, NEEDS.orgDelete);

  return (
    <div className="page">
      <PageHeader title="Settings" description={`Settings of ${org.name}.`} />
      <div className="stack-lg">
        <Section title="Organisation" description={canRename ? undefined : 'Only admins can rename the organisation.'}>
          <RenameForm key={org.name} org={org} disabled={!canRename} onRenamed={() => void reload()} />
          <dl className="facts">
            <div>
              <dt>Slug</dt>
              <dd className="mono">{org.slug}</dd>
            </div>
            <div>
              <dt>ID (for the CLI’s --org and the API)</dt>
              <dd className="mono copy-inline">
                {org.id}
                <CopyButton text={org.id} label="Copy organisation ID" />
              </dd>
            </div>
          </dl>
        </Section>
        <Section title="Create another organisation" description="For another team or client. You will be its owner; members and projects are separate.">
          <CreateOrgForm />
        </Section>
        {canDelete && (
          <Section title="Danger zone" tone="danger" description="Deleting the organisation deletes all its projects, their data, members’ access and API tokens. This cannot be undone.">
            <Button variant="danger" onClick={() => setDeleting(true)}>
              Delete organisation
            </Button>
          </Section>
        )}
      </div>
      <ConfirmDialog
        open={deleting}
        onClose={() => setDeleting(false)}
        title={`Delete ${org.name}?`}
        confirmLabel="Delete organisation"
        confirmText={org.name}
        onConfirm={async () => {
          await api.deleteOrg(org.id);
          clearApiCache();
          await reload();
          navigate('/', { replace: true });
        }}
      >
        Every project, event, key and token of {org.name} is deleted, and its members lose access.
      </ConfirmDialog>
    </div>
  );
}

function RenameForm({ org, disabled, onRenamed }: { org: OrgWithRole; disabled: boolean; onRenamed: () => void }) {
  const [name, setName] = useState(org.name);
  const action = useAction(api.renameOrg);
  const dirty = name.trim() !== org.name && name.trim() !== '';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await action.run(org.id, name.trim())) onRenamed();
  };

  return (
    <form onSubmit={submit} className="stack">
      <Field label="Organisation name">
        {(id) => (
          <div className="inline-form">
            <input id={id} className="input" value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} disabled={disabled} />
            {!disabled && (
              <Button type="submit" variant="primary" disabled={!dirty} pending={action.pending}>
                Rename
              </Button>
            )}
          </div>
        )}
      </Field>
      <FormError error={action.error} />
    </form>
  );
}
