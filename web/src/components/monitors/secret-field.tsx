import { inSentence } from '../../lib/format';
import { Field } from '../field';

interface Props {
  label: string;
  /** Whether the API holds a value for it. */
  stored: boolean;
  value: string;
  onChange: (value: string) => void;
  /** Marked for removal on save. */
  cleared: boolean;
  onClear: (cleared: boolean) => void;
  hint?: string;
  placeholder?: string;
  multiline?: boolean;
  /** A password field: connection strings and URLs with credentials in them. */
  concealed?: boolean;
  /** Needed when nothing is stored yet. */
  required?: boolean;
}

/**
 * A secret setting. The API never sends stored secrets back, so on edit the field starts empty:
 * "set — leave empty to keep", with a way to remove the stored value.
 */
export function SecretField({ label, stored, value, onChange, cleared, onClear, hint, placeholder, multiline = false, concealed = false, required = false }: Props) {
  const shownHint = stored ? (cleared ? 'The stored value will be removed when you save.' : 'A value is stored (not shown): leave empty to keep it, or type a new one.') : hint;
  const shownPlaceholder = stored ? (cleared ? 'Will be removed' : 'set — leave empty to keep') : placeholder;
  return (
    <div className="stack-xs">
      <Field label={label} hint={shownHint}>
        {(id, describedBy) =>
          multiline ? (
            <textarea
              id={id}
              aria-describedby={describedBy}
              className="input textarea mono"
              rows={3}
              value={value}
              placeholder={shownPlaceholder}
              disabled={cleared}
              required={required && !stored}
              spellCheck={false}
              onChange={(e) => onChange(e.target.value)}
            />
          ) : (
            <input
              id={id}
              aria-describedby={describedBy}
              className="input mono"
              type={concealed ? 'password' : 'text'}
              autoComplete="off"
              value={value}
              placeholder={shownPlaceholder}
              disabled={cleared}
              required={required && !stored}
              spellCheck={false}
              onChange={(e) => onChange(e.target.value)}
            />
          )
        }
      </Field>
      {stored && (
        <label className="check-row">
          <input
            type="checkbox"
            checked={cleared}
            onChange={(e) => {
              onClear(e.target.checked);
              if (e.target.checked) onChange('');
            }}
          />
          Remove the stored {inSentence(label)}
        </label>
      )}
    </div>
  );
}
