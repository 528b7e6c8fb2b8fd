import { SLUG_PATTERN } from '../../lib/status-pages';
import { Field } from '../field';

interface Props {
  value: string;
  onChange: (slug: string) => void;
  /** Where Watchpost answers, for the resulting address. */
  origin: string;
  disabled?: boolean;
}

/** The page's address part, with the public URL it results in. */
export function SlugField({ value, onChange, origin, disabled }: Props) {
  return (
    <Field
      label="Slug"
      hint={
        <>
          Public URL: <span className="mono slug-result">{`${origin}/status/${value || '…'}`}</span>
          <br />
          Lower-case letters, digits and inner hyphens. Changing it breaks links and badges that use the old address.
        </>
      }
    >
      {(id, hint) => (
        <input
          id={id}
          aria-describedby={hint}
          className="input mono"
          value={value}
          onChange={(e) => onChange(e.target.value.toLowerCase().replace(/[^a-z0-9-]/g, '-'))}
          required
          maxLength={64}
          pattern={SLUG_PATTERN}
          title="Lower-case letters, digits and inner hyphens, at most 64"
          spellCheck={false}
          autoComplete="off"
          disabled={disabled}
        />
      )}
    </Field>
  );
}
