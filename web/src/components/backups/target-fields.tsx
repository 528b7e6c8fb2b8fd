import type { TargetDraft } from '../../lib/backup-form';
import { Button } from '../button';
import { Field } from '../field';
import { TrashIcon } from '../icons';
import { CheckField } from '../check-field';

interface Props {
  target: TargetDraft;
  index: number;
  onChange: (change: Partial<TargetDraft>) => void;
  /** Null when it is the only target (one is required). */
  onRemove: (() => void) | null;
}

/** One place backups go: a directory on this server or an S3-compatible bucket. */
export function TargetFields({ target, index, onChange, onRemove }: Props) {
  const text = (key: 'path' | 'bucket' | 'prefix' | 'region' | 'endpoint' | 'accessKeyId', label: string, options: { hint?: string; placeholder?: string; required?: boolean; full?: boolean } = {}) => (
    <Field label={label} hint={options.hint} className={options.full ? 'form-grid-full' : undefined}>
      {(id, d) => (
        <input
          id={id}
          aria-describedby={d}
          className="input mono"
          value={target[key]}
          placeholder={options.placeholder}
          required={options.required}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => onChange({ [key]: e.target.value })}
        />
      )}
    </Field>
  );
  return (
    <fieldset className="schema-group backup-target" data-testid="backup-target">
      <legend className="field-label">Target {index + 1}</legend>
      <div className="backup-target-head">
        <Field label="Kind">
          {(id) => (
            <select id={id} className="input" value={target.kind} onChange={(e) => onChange({ kind: e.target.value === 's3' ? 's3' : 'local' })}>
              <option value="local">Local directory</option>
              <option value="s3">S3-compatible storage</option>
            </select>
          )}
        </Field>
        {onRemove && (
          <Button variant="ghost" size="sm" className="text-danger" onClick={onRemove} aria-label={`Remove target ${index + 1}`} title="Remove this target">
            <TrashIcon size={14} />
          </Button>
        )}
      </div>
      {target.kind === 'local' ? (
        text('path', 'Directory', { hint: 'An absolute path on the Watchpost server; created if missing.', placeholder: '/var/backups/watchpost', required: true })
      ) : (
        <div className="form-grid">
          {text('bucket', 'Bucket', { placeholder: 'my-backups', required: true })}
          {text('prefix', 'Key prefix', { hint: 'Optional folder inside the bucket.', placeholder: 'shop/' })}
          {text('region', 'Region', { placeholder: 'us-east-1' })}
          {text('endpoint', 'Endpoint', { hint: 'For R2, MinIO, B2…; empty for AWS.', placeholder: 'https://…' })}
          {text('accessKeyId', 'Access key ID', { required: true })}
          <Field label="Secret access key" hint="Stored encrypted, never shown again.">
            {(id, d) => (
              <input
                id={id}
                aria-describedby={d}
                className="input mono"
                type="password"
                autoComplete="new-password"
                value={target.secretAccessKey}
                required
                onChange={(e) => onChange({ secretAccessKey: e.target.value })}
              />
            )}
          </Field>
          <div className="form-grid-full">
            <CheckField label="Path-style addressing" checked={target.forcePathStyle} onChange={(on) => onChange({ forcePathStyle: on })} hint="MinIO and most self-hosted servers need it." />
          </div>
        </div>
      )}
    </fieldset>
  );
}
