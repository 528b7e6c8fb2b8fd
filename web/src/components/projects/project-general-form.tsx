import { useState, type FormEvent } from 'react';
import { api, type Project } from '../../api';
import { useAction } from '../../hooks/use-action';
import { invalidate } from '../../hooks/use-api';
import { PLATFORMS } from '../../lib/platforms';
import { Button } from '../button';
import { Field } from '../field';
import { FormError } from '../form-error';
import { Section } from '../section';

interface Props {
  project: Project;
  canEdit: boolean;
  onSaved: (project: Project) => void;
}

export function ProjectGeneralForm({ project, canEdit, onSaved }: Props) {
  const [name, setName] = useState(project.name);
  const [platform, setPlatform] = useState(project.platform ?? 'other');
  const [saved, setSaved] = useState(false);
  const action = useAction(api.updateProject);
  const dirty = name.trim() !== project.name || platform !== (project.platform ?? 'other');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const updated = await action.run(project.id, { name: name.trim(), platform });
    if (!updated) return;
    onSaved(updated);
    invalidate(`/orgs/${project.orgId}/projects`);
    setSaved(true);
  };

  return (
    <Section title="General" description={canEdit ? 'The name is shown across the dashboard; the platform picks the set-up snippet shown first.' : 'Only admins of the organisation can change these.'}>
      <form onSubmit={submit} className="form-grid" onChange={() => setSaved(false)}>
        <Field label="Name">
          {(id) => <input id={id} className="input" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} disabled={!canEdit} />}
        </Field>
        <Field label="Platform">
          {(id) => (
            <select id={id} className="input" value={platform} onChange={(e) => setPlatform(e.target.value)} disabled={!canEdit}>
              {PLATFORMS.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
              {!PLATFORMS.some((option) => option.value === platform) && <option value={platform}>{platform}</option>}
            </select>
          )}
        </Field>
        <div className="form-grid-full">
          <FormError error={action.error} />
          {canEdit && (
            <div className="form-actions form-actions-start">
              <Button type="submit" variant="primary" disabled={!dirty} pending={action.pending}>
                Save changes
              </Button>
              {saved && !dirty && (
                <span className="text-success" role="status">
                  Saved
                </span>
              )}
            </div>
          )}
        </div>
      </form>
    </Section>
  );
}
