import { useState } from 'react';
import { api, errorMessage, type IssuePatch, type IssueStatus } from '../../api';
import { Button } from '../button';
import { ConfirmDialog } from '../confirm-dialog';
import { Dropdown } from '../dropdown';
import { FormError } from '../form-error';
import { ChevronDownIcon } from '../icons';
import { IGNORE_OPTIONS } from './triage-options';

interface Props {
  projectId: number;
  selected: string[];
  /** The status tab on screen: which actions make sense. */
  status: IssueStatus | 'all';
  /** After a change: clear the selection and reload. */
  onDone: () => void;
}

/** Resolve, ignore, reopen, merge or delete the checked issues. */
export function BulkActions({ projectId, selected, status, onDone }: Props) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<'merge' | 'delete' | null>(null);
  const count = selected.length;
  const none = count === 0;

  const update = async (label: string, change: IssuePatch) => {
    setBusy(label);
    setError(null);
    try {
      await api.updateIssues(projectId, selected, change);
      onDone();
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(null);
    }
  };

  const noun = `${count} ${count === 1 ? 'issue' : 'issues'}`;
  return (
    <div className="bulk-bar">
      <span className="bulk-count" aria-live="polite">
        {none ? 'Select issues to act on them' : `${noun} selected`}
      </span>
      <div className="bulk-actions">
        {status !== 'resolved' && (
          <Button size="sm" disabled={none} pending={busy === 'resolve'} onClick={() => void update('resolve', { status: 'resolved' })}>
            Resolve
          </Button>
        )}
        {status !== 'ignored' && (
          <Dropdown
            triggerClassName="btn btn-sm"
            disabled={none || busy !== null}
            trigger={
              <>
                Ignore
                <ChevronDownIcon size={14} />
              </>
            }
          >
            {(close) =>
              IGNORE_OPTIONS.map((option) => (
                <button
                  key={option.label}
                  type="button"
                  className="dropdown-item"
                  onClick={() => {
                    close();
                    void update('ignore', option.patch());
                  }}
                >
                  <span className="dropdown-item-text">{option.label}</span>
                </button>
              ))
            }
          </Dropdown>
        )}
        {status !== 'unresolved' && (
          <Button size="sm" disabled={none} pending={busy === 'unresolve'} onClick={() => void update('unresolve', { status: 'unresolved' })}>
            Unresolve
          </Button>
        )}
        <Button size="sm" disabled={count < 2} onClick={() => setConfirm('merge')} title={count < 2 ? 'Select two or more issues to merge' : undefined}>
          Merge
        </Button>
        <Button size="sm" variant="ghost" className="text-danger" disabled={none} onClick={() => setConfirm('delete')}>
          Delete
        </Button>
      </div>
      <FormError error={error} />
      <ConfirmDialog
        open={confirm === 'merge'}
        onClose={() => setConfirm(null)}
        title={`Merge ${noun}?`}
        confirmLabel="Merge issues"
        tone="primary"
        onConfirm={async () => {
          await api.mergeIssues(projectId, selected);
          onDone();
        }}
      >
        Their events move into the issue with the most events, and future events of any of them are grouped there. This can’t be undone.
      </ConfirmDialog>
      <ConfirmDialog
        open={confirm === 'delete'}
        onClose={() => setConfirm(null)}
        title={`Delete ${noun}?`}
        confirmLabel="Delete"
        onConfirm={async () => {
          await api.deleteIssues(projectId, selected);
          onDone();
        }}
      >
        Their events are deleted. If the errors happen again, they come back as new issues.
      </ConfirmDialog>
    </div>
  );
}
