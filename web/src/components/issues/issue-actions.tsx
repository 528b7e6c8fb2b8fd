import { useId, useState, type FormEvent } from 'react';
import { api, errorMessage, type Issue, type IssuePatch, type Member } from '../../api';
import { useAction } from '../../hooks/use-action';
import { Button } from '../button';
import { Dialog } from '../dialog';
import { Dropdown } from '../dropdown';
import { Field } from '../field';
import { FormError } from '../form-error';
import { CheckIcon, ChevronDownIcon } from '../icons';
import { IGNORE_OPTIONS } from './triage-options';

interface Props {
  issue: Issue;
  canTriage: boolean;
  members: Member[];
  /** Release versions to suggest for "resolved in release…". */
  releases: string[];
  onChanged: (issue: Issue) => void;
  onDelete: () => void;
}

/** Resolve ▾, Ignore ▾ or Unresolve, the assignee, and delete: the triage controls of one issue. */
export function IssueActions({ issue, canTriage, members, releases, onChanged, onDelete }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [inRelease, setInRelease] = useState(false);
  const assigneeId = useId();
  const why = canTriage ? undefined : 'Triage needs the member role in this organisation';

  const update = async (change: IssuePatch) => {
    setBusy(true);
    setError(null);
    try {
      onChanged(await api.updateIssue(issue.id, change));
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="issue-actions">
      <div className="issue-actions-row">
        {issue.status === 'unresolved' ? (
          <>
            <Dropdown
              disabled={!canTriage || busy}
              triggerTitle={why}
              triggerClassName="btn btn-primary"
              trigger={
                <>
                  <CheckIcon size={14} />
                  Resolve
                  <ChevronDownIcon size={14} />
                </>
              }
            >
              {(close) => (
                <>
                  <div className="dropdown-heading">Resolve</div>
                  <button
                    type="button"
                    className="dropdown-item"
                    onClick={() => {
                      close();
                      void update({ status: 'resolved' });
                    }}
                  >
                    <span className="dropdown-item-text">Now</span>
                  </button>
                  <button
                    type="button"
                    className="dropdown-item"
                    title="It regresses only when it happens in a release newer than the latest one"
                    onClick={() => {
                      close();
                      void update({ status: 'resolved', resolvedInNextRelease: true });
                    }}
                  >
                    <span className="dropdown-item-text">In the next release</span>
                  </button>
                  <button
                    type="button"
                    className="dropdown-item"
                    onClick={() => {
                      close();
                      setInRelease(true);
                    }}
                  >
                    <span className="dropdown-item-text">In release…</span>
                  </button>
                </>
              )}
            </Dropdown>
            <Dropdown
              disabled={!canTriage || busy}
              triggerTitle={why}
              triggerClassName="btn"
              trigger={
                <>
                  Ignore
                  <ChevronDownIcon size={14} />
                </>
              }
            >
              {(close) => (
                <>
                  <div className="dropdown-heading">Ignore</div>
                  {IGNORE_OPTIONS.map((option) => (
                    <button
                      key={option.label}
                      type="button"
                      className="dropdown-item"
                      onClick={() => {
                        close();
                        void update(option.patch());
                      }}
                    >
                      <span className="dropdown-item-text">{option.label}</span>
                    </button>
                  ))}
                </>
              )}
            </Dropdown>
          </>
        ) : (
          <Button onClick={() => void update({ status: 'unresolved' })} pending={busy} disabled={!canTriage} title={why}>
            Unresolve
          </Button>
        )}
        <div className="inline-field issue-assignee">
          <label htmlFor={assigneeId}>Assignee</label>
          <select
            id={assigneeId}
            className="input input-sm"
            value={issue.assigneeId ?? ''}
            disabled={!canTriage || busy}
            title={why}
            onChange={(e) => void update({ assigneeId: e.target.value === '' ? null : e.target.value })}
          >
            <option value="">Unassigned</option>
            {members.map((member) => (
              <option key={member.userId} value={member.userId}>
                {member.name || member.email}
              </option>
            ))}
            {issue.assigneeId && !members.some((member) => member.userId === issue.assigneeId) && <option value={issue.assigneeId}>Former member</option>}
          </select>
        </div>
        {canTriage && (
          <Button variant="ghost" className="text-danger issue-delete" onClick={onDelete}>
            Delete
          </Button>
        )}
      </div>
      <FormError error={error} />
      <Dialog open={inRelease} onClose={() => setInRelease(false)} title="Resolve in release" description="It counts as a regression only when it happens again in a release newer than this one.">
        <ResolveInReleaseForm
          releases={releases}
          suggestion={issue.lastRelease ?? ''}
          onCancel={() => setInRelease(false)}
          onResolve={async (version) => {
            const updated = await api.updateIssue(issue.id, { status: 'resolved', resolvedInRelease: version });
            setInRelease(false);
            onChanged(updated);
          }}
        />
      </Dialog>
    </div>
  );
}

interface FormProps {
  releases: string[];
  suggestion: string;
  onCancel: () => void;
  onResolve: (version: string) => Promise<void>;
}

function ResolveInReleaseForm({ releases, suggestion, onCancel, onResolve }: FormProps) {
  const [version, setVersion] = useState(suggestion);
  const listId = useId();
  const action = useAction(onResolve);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await action.run(version.trim());
  };
  return (
    <form className="stack" onSubmit={submit}>
      <Field label="Release" hint="The version as your SDK reports it, e.g. checkout-api@2.4.1.">
        {(id, hint) => (
          <>
            <input id={id} aria-describedby={hint} className="input mono" list={listId} value={version} onChange={(e) => setVersion(e.target.value)} required maxLength={200} autoComplete="off" data-autofocus />
            <datalist id={listId}>
              {releases.map((release) => (
                <option key={release} value={release} />
              ))}
            </datalist>
          </>
        )}
      </Field>
      <FormError error={action.error} />
      <div className="dialog-footer">
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" pending={action.pending}>
          Resolve
        </Button>
      </div>
    </form>
  );
}
