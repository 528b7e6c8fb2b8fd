import { useState } from 'react';
import { Link } from 'wouter';
import { useCurrentOrg } from '../hooks/use-current-org';
import { useSession } from '../hooks/use-session';
import { ROLE_LABELS } from '../lib/roles';
import { CreateOrgForm } from './create-org-form';
import { Dialog } from './dialog';
import { Dropdown } from './dropdown';
import { CheckIcon, ChevronsUpDownIcon, PlusIcon } from './icons';

/** Lists the person's organisations; switching keeps them on the projects page of the new one. */
export function OrgSwitcher({ onNavigate }: { onNavigate?: () => void }) {
  const { me } = useSession();
  const current = useCurrentOrg();
  const [creating, setCreating] = useState(false);

  return (
    <>
      <Dropdown
        triggerClassName="switcher"
        triggerTitle="Switch organisation"
        trigger={
          <>
            <span className="org-avatar" aria-hidden="true">
              {(current?.name ?? '?').slice(0, 1).toUpperCase()}
            </span>
            <span className="switcher-text">
              <span className="switcher-label">{current?.name ?? 'No organisation'}</span>
              {current && <span className="switcher-sub">{ROLE_LABELS[current.role]}</span>}
            </span>
            <ChevronsUpDownIcon className="switcher-chevron" />
          </>
        }
      >
        {(close) => (
          <>
            <div className="dropdown-heading">Organisations</div>
            {me.orgs.map((org) => (
              <Link
                key={org.id}
                href={`/orgs/${org.slug}/projects`}
                className="dropdown-item"
                aria-current={org.id === current?.id ? 'true' : undefined}
                onClick={() => {
                  close();
                  onNavigate?.();
                }}
              >
                <span className="org-avatar org-avatar-sm" aria-hidden="true">
                  {org.name.slice(0, 1).toUpperCase()}
                </span>
                <span className="dropdown-item-text">{org.name}</span>
                {org.id === current?.id && <CheckIcon className="dropdown-item-check" />}
              </Link>
            ))}
            <div className="dropdown-separator" role="separator" />
            <button
              type="button"
              className="dropdown-item"
              onClick={() => {
                close();
                setCreating(true);
              }}
            >
              <PlusIcon />
              <span className="dropdown-item-text">New organisation</span>
            </button>
          </>
        )}
      </Dropdown>
      <Dialog open={creating} onClose={() => setCreating(false)} title="New organisation" description="Organisations hold projects, members and API tokens. You will be its owner.">
        <CreateOrgForm
          onCancel={() => setCreating(false)}
          onCreated={() => {
            setCreating(false);
            onNavigate?.();
          }}
        />
      </Dialog>
    </>
  );
}
