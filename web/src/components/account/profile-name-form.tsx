import { useCallback, useState, type FormEvent } from 'react';
import { api, type User } from '../../api';
import { useAction } from '../../hooks/use-action';
import { useSession } from '../../hooks/use-session';
import { Button } from '../button';
import { Field } from '../field';
import { FormError } from '../form-error';

const MAX_NAME = 200;

/** Edits the display name; the session is refreshed so the user menu shows the new one. */
export function ProfileNameForm({ user }: { user: User }) {
  const { reload } = useSession();
  const [name, setName] = useState(user.name);
  const [done, setDone] = useState(false);
  const save = useCallback(
    async (next: string) => {
      const result = await api.updateProfile(next);
      // Inside the action, so the button stays busy until the menu shows the new name too.
      await reload();
      return result;
    },
    [reload],
  );
  const action = useAction(save);
  // The server trims and needs at least one character: an unchanged or blank name has nothing to save.
  const dirty = name.trim() !== user.name && name.trim() !== '';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setDone(false);
    const result = await action.run(name.trim());
    if (!result) return;
    setName(result.user.name);
    setDone(true);
  };

  return (
    <form onSubmit={submit} className="stack profile-form">
      <Field label="Display name" hint="Shown in the user menu and to the other members of your organisations.">
        {(id, hint) => (
          <div className="inline-form">
            <input
              id={id}
              aria-describedby={hint}
              className="input"
              value={name}
              onChange={(e) => {
                setName(e.target.value);
                setDone(false);
              }}
              required
              maxLength={MAX_NAME}
              autoComplete="name"
              placeholder="e.g. Ada Lovelace"
            />
            <Button type="submit" variant="primary" disabled={!dirty} pending={action.pending}>
              Save
            </Button>
          </div>
        )}
      </Field>
      <FormError error={action.error} />
      {done && (
        <div className="callout callout-success" role="status">
          Name saved.
        </div>
      )}
    </form>
  );
}
