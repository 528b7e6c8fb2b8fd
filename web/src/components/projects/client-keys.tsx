import { useRef, useState, type FormEvent } from 'react';
import { api, type IngestKey } from '../../api';
import { useAction } from '../../hooks/use-action';
import { Button } from '../button';
import { ConfirmDialog } from '../confirm-dialog';
import { CopyButton } from '../copy-button';
import { EmptyState } from '../empty-state';
import { FormError } from '../form-error';
import { KeyIcon, PlusIcon, RefreshIcon } from '../icons';
import { RelativeTime } from '../relative-time';
import { Section } from '../section';
import { KeyStatus } from './key-status';
import { RotateKeyDialog } from './rotate-key-dialog';

interface Props {
  projectId: number;
  keys: IngestKey[];
  canManage: boolean;
  onChanged: () => void;
}

/** The project's ingest keys: each DSN with copy, rotate and revoke. */
export function ClientKeys({ projectId, keys, canManage, onChanged }: Props) {
  const [rotating, setRotating] = useState<IngestKey | null>(null);
  const [revoking, setRevoking] = useState<IngestKey | null>(null);
  // Working keys first; revoked ones stay listed so their DSNs can still be recognised in old configs.
  const sorted = [...keys].sort((a, b) => Number(b.active) - Number(a.active) || b.createdAt - a.createdAt);

  return (
    <Section title="Client keys (DSN)" description="SDKs send events with a DSN. Use one key per app or environment so you can rotate them separately." flush>
      {sorted.length === 0 && (
        <EmptyState icon={<KeyIcon size={22} />} title="No keys">
          {canManage ? 'Add a key below to get a DSN.' : 'An admin can add a key to get a DSN.'}
        </EmptyState>
      )}
      <ul className="key-list">
        {sorted.map((key) => (
          <KeyRow key={key.id} keyInfo={key} canManage={canManage} onRotate={() => setRotating(key)} onRevoke={() => setRevoking(key)} />
        ))}
      </ul>
      {canManage && <AddKeyForm projectId={projectId} onAdded={onChanged} />}
      <RotateKeyDialog projectId={projectId} keyInfo={rotating} onClose={() => setRotating(null)} onRotated={onChanged} />
      <ConfirmDialog
        open={revoking !== null}
        onClose={() => setRevoking(null)}
        title={`Revoke “${revoking?.label ?? ''}”?`}
        confirmLabel="Revoke key"
        onConfirm={async () => {
          if (revoking) await api.revokeKey(projectId, revoking.id);
          onChanged();
        }}
      >
        Apps still using this DSN will have their events rejected from now on. To switch without losing events, rotate the key with a grace period instead.
      </ConfirmDialog>
    </Section>
  );
}

interface RowProps {
  keyInfo: IngestKey;
  canManage: boolean;
  onRotate: () => void;
  onRevoke: () => void;
}

function KeyRow({ keyInfo, canManage, onRotate, onRevoke }: RowProps) {
  const dsnRef = useRef<HTMLElement>(null);
  return (
    <li className={`key-row ${keyInfo.active ? '' : 'key-row-revoked'}`}>
      <div className="key-row-head">
        <span className="key-row-label">{keyInfo.label}</span>
        <KeyStatus keyInfo={keyInfo} />
        {canManage && keyInfo.active && (
          <span className="key-row-actions">
            {/* A key already replaced by a rotation only counts down; rotating it again would fork it. */}
            {keyInfo.revokedAt === null && (
              <Button size="sm" onClick={onRotate}>
                <RefreshIcon size={14} />
                Rotate
              </Button>
            )}
            <Button size="sm" variant="ghost" className="text-danger" onClick={onRevoke}>
              Revoke
            </Button>
          </span>
        )}
      </div>
      <div className="dsn">
        <code className="dsn-value" data-testid="dsn" ref={dsnRef}>
          {keyInfo.dsn}
        </code>
        <CopyButton text={keyInfo.dsn} label={`Copy DSN of ${keyInfo.label}`} selectRef={dsnRef} />
      </div>
      <div className="key-row-meta text-muted">
        <span>
          Created <RelativeTime ms={keyInfo.createdAt} />
        </span>
        <span aria-hidden="true">·</span>
        <span>
          Last used <RelativeTime ms={keyInfo.lastUsedAt} empty="never" />
        </span>
      </div>
    </li>
  );
}

function AddKeyForm({ projectId, onAdded }: { projectId: number; onAdded: () => void }) {
  const [label, setLabel] = useState('');
  const action = useAction(api.createKey);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!(await action.run(projectId, label.trim()))) return;
    setLabel('');
    onAdded();
  };

  return (
    <form onSubmit={submit} className="section-footer">
      <div className="inline-form">
        <label htmlFor="new-key-label" className="visually-hidden">
          Key label
        </label>
        <input id="new-key-label" className="input" placeholder="Key label, e.g. production" value={label} onChange={(e) => setLabel(e.target.value)} required maxLength={100} />
        <Button type="submit" pending={action.pending}>
          <PlusIcon />
          Add key
        </Button>
      </div>
      <FormError error={action.error} />
    </form>
  );
}
