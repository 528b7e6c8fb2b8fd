import { useState, type FormEvent } from 'react';
import { useLocation } from 'wouter';
import { api, type OrgWithRole } from '../../api';
import { useAction } from '../../hooks/use-action';
import { invalidate, primeCache } from '../../hooks/use-api';
import { PLATFORMS, type PlatformId } from '../../lib/platforms';
import { Button } from '../button';
import { Dialog } from '../dialog';
import { Field } from '../field';
import { FormError } from '../form-error';

interface Props {
  org: OrgWithRole;
  open: boolean;
  onClose: () => void;
}

/** Creates a project and opens its settings, where the new DSN waits. */
export function NewProjectDialog({ org, open, onClose }: Props) {
  return (
    <Dialog open={open} onClose={onClose} title="New project" description="A project receives events from one application. It gets its own DSN to put in your Sentry SDK.">
      <NewProjectForm org={org} onClose={onClose} />
    </Dialog>
  );
}

function NewProjectForm({ org, onClose }: { org: OrgWithRole; onClose: () => void }) {
  const [, navigate] = useLocation();
  const [name, setName] = useState('');
  const [platform, setPlatform] = useState<PlatformId>('node');
  const action = useAction(api.createProject);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const created = await action.run(org.id, name.trim(), platform);
    if (!created) return;
    const { project, key } = created;
    primeCache(`/projects/${project.id}`, project);
    primeCache(`/projects/${project.id}/keys`, { items: [key] });
    invalidate(`/orgs/${org.id}/projects`);
    onClose();
    navigate(`/orgs/${org.slug}/projects/${project.id}/settings`);
  };

  return (
    <form onSubmit={submit} className="stack">
      <Field label="Project name" hint="For example the name of the app or service: checkout-api, web-frontend.">
        {(id, hint) => <input id={id} aria-describedby={hint} className="input" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} autoComplete="off" data-autofocus />}
      </Field>
      <Field label="Platform">
        {(id) => (
          <select id={id} className="input" value={platform} onChange={(e) => setPlatform(e.target.value as PlatformId)}>
            {PLATFORMS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <FormError error={action.error} />
      <div className="dialog-footer">
        <Button onClick={onClose}>Cancel</Button>
        <Button type="submit" variant="primary" pending={action.pending}>
          Create project
        </Button>
      </div>
    </form>
  );
}
