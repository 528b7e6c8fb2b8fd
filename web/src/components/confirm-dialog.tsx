import { useState, type FormEvent, type ReactNode } from 'react';
import { useAction } from '../hooks/use-action';
import { Button } from './button';
import { Dialog } from './dialog';
import { Field } from './field';
import { FormError } from './form-error';

interface Props {
  open: boolean;
  onClose: () => void;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** For irreversible deletes: the person types this (a name) before the button enables. */
  confirmText?: string;
  onConfirm: () => Promise<unknown>;
  tone?: 'danger' | 'primary';
}

/** Asks before doing something; shows the API's error in place if it fails. */
export function ConfirmDialog({ open, onClose, title, children, confirmLabel, confirmText, onConfirm, tone = 'danger' }: Props) {
  return (
    <Dialog open={open} onClose={onClose} title={title} size="sm">
      <ConfirmForm onClose={onClose} confirmLabel={confirmLabel} confirmText={confirmText} onConfirm={onConfirm} tone={tone}>
        {children}
      </ConfirmForm>
    </Dialog>
  );
}

function ConfirmForm({ children, onClose, confirmLabel, confirmText, onConfirm, tone }: Omit<Props, 'open' | 'title'>) {
  const [typed, setTyped] = useState('');
  const action = useAction(async () => {
    await onConfirm();
    return true;
  });
  const matches = confirmText === undefined || typed.trim() === confirmText;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!matches) return;
    if (await action.run()) onClose();
  };

  return (
    <form onSubmit={submit} className="stack">
      <div className="dialog-body">{children}</div>
      {confirmText !== undefined && (
        <Field label={`Type ${confirmText} to confirm`}>
          {(id) => (
            <input id={id} className="input" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" spellCheck={false} data-autofocus />
          )}
        </Field>
      )}
      <FormError error={action.error} />
      <div className="dialog-footer">
        <Button onClick={onClose}>Cancel</Button>
        <Button type="submit" variant={tone === 'danger' ? 'danger' : 'primary'} disabled={!matches} pending={action.pending} data-autofocus={confirmText === undefined || undefined}>
          {confirmLabel}
        </Button>
      </div>
    </form>
  );
}
