import { useState, type FormEvent } from 'react';
import { useLocation } from 'wouter';
import { api, type Project } from '../../api';
import { useAction } from '../../hooks/use-action';
import { invalidate, primeCache } from '../../hooks/use-api';
import { slugify } from '../../lib/status-pages';
import { Button } from '../button';
import { Dialog } from '../dialog';
import { Field } from '../field';
import { FormError } from '../form-error';
import { SlugField } from './slug-field';

interface Props {
  open: boolean;
  onClose: () => void;
  project: Project;
  /** The status-page list's path; the new page's editor is below it. */
  base: string;
}

/** Creates a status page from a title and an address, then opens its editor to add components. */
export function CreateStatusPageDialog({ open, onClose, project, base }: Props) {
  return (
    <Dialog open={open} onClose={onClose} title="Create status page" description="Give it a name and an address; you add components, a custom domain or a password next.">
      <CreateForm project={project} base={base} onClose={onClose} />
    </Dialog>
  );
}

function CreateForm({ project, base, onClose }: Omit<Props, 'open'>) {
  const [, navigate] = useLocation();
  const [title, setTitle] = useState(`${project.name} status`);
  const [slug, setSlug] = useState(() => slugify(project.name));
  // The slug follows the title until the person types one of their own.
  const [slugEdited, setSlugEdited] = useState(false);
  const action = useAction(api.createStatusPage);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const created = await action.run(project.id, { title: title.trim(), slug });
    if (!created) return;
    primeCache(`/status-pages/${created.id}`, created);
    invalidate(`/projects/${project.id}/status-pages`);
    onClose();
    navigate(`${base}/${encodeURIComponent(created.id)}`);
  };

  return (
    <form className="stack" onSubmit={submit}>
      <Field label="Title" hint="Shown at the top of the page and in its feeds.">
        {(id, hint) => (
          <input
            id={id}
            aria-describedby={hint}
            className="input"
            value={title}
            onChange={(e) => {
              setTitle(e.target.value);
              if (!slugEdited) setSlug(slugify(e.target.value.replace(/\s+status$/i, '')));
            }}
            required
            maxLength={200}
            autoComplete="off"
            data-autofocus
          />
        )}
      </Field>
      <SlugField
        value={slug}
        onChange={(next) => {
          setSlug(next);
          setSlugEdited(true);
        }}
        origin={window.location.origin}
      />
      <FormError error={action.error} />
      <div className="dialog-footer">
        <Button onClick={onClose}>Cancel</Button>
        <Button type="submit" variant="primary" pending={action.pending}>
          Create status page
        </Button>
      </div>
    </form>
  );
}
