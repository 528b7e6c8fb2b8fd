import { useId, useState, type FormEvent } from 'react';
import type { AuditEvent, Page } from '../../api';
import { usePaged, type PageRequest } from '../../hooks/use-paged';
import { AUDIT_FILTER_SUGGESTIONS } from '../../lib/audit-actions';
import { formatDetails } from '../../lib/format';
import { Button } from '../button';
import { EmptyState } from '../empty-state';
import { ScrollIcon } from '../icons';
import { LoadError, Loading } from '../loading';
import { RelativeTime } from '../relative-time';

/** "project:3", or "invite:01a2017d…" for long ids (the full id is in the title). */
function targetText(target: AuditEvent['target']): string {
  if (!target.type) return '—';
  const id = target.id ?? '';
  return `${target.type}:${id.length > 12 ? `${id.slice(0, 8)}…` : id}`;
}

interface Props {
  /** Names the list for pagination resets: the organisation id, or "instance". */
  scope: string;
  fetchPage: (request: PageRequest & { action?: string }, signal: AbortSignal) => Promise<Page<AuditEvent>>;
}

/** The audit trail with an action filter and "Load more"; used for an organisation and the instance. */
export function AuditLog({ scope, fetchPage }: Props) {
  const [draft, setDraft] = useState('');
  const [action, setAction] = useState('');
  const listId = useId();
  const inputId = useId();
  const log = usePaged(`${scope}|${action}`, (request, signal) => fetchPage({ ...request, action: action || undefined }, signal));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAction(draft.trim());
  };

  return (
    <div className="stack">
      <form className="filter-bar" onSubmit={submit} role="search">
        <label htmlFor={inputId}>Action</label>
        <input id={inputId} className="input input-sm mono" list={listId} value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="e.g. member.invited or member.*" autoComplete="off" />
        <datalist id={listId}>
          {AUDIT_FILTER_SUGGESTIONS.map((suggestion) => (
            <option key={suggestion.value} value={suggestion.value} label={suggestion.label} />
          ))}
        </datalist>
        <Button type="submit" size="sm">
          Filter
        </Button>
        {action && (
          <Button
            size="sm"
            variant="ghost"
            onClick={() => {
              setDraft('');
              setAction('');
            }}
          >
            Clear
          </Button>
        )}
      </form>
      <div className="card">
        {log.error && <LoadError error={log.error} onRetry={() => void log.refresh()} />}
        {log.loading && <Loading />}
        {!log.loading && !log.error && log.items.length === 0 && (
          <EmptyState icon={<ScrollIcon size={22} />} title={action ? `No “${action}” events` : 'No events yet'}>
            {action ? 'Try another action, or clear the filter.' : 'Sign-ins, changes to members, projects and tokens are recorded here.'}
          </EmptyState>
        )}
        {log.items.length > 0 && (
          <div className="table-wrap">
            <table className="table table-dense">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Action</th>
                  <th scope="col">Target</th>
                  <th scope="col">IP</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {log.items.map((event) => (
                  <tr key={event.id}>
                    <td className="nowrap">
                      <RelativeTime ms={event.createdAt} />
                    </td>
                    <td>{event.actor.label ?? <span className="text-subtle">system</span>}</td>
                    <td>
                      <span className="action-name">{event.action}</span>
                    </td>
                    <td className="mono text-muted nowrap" title={event.target.id ?? undefined}>
                      {targetText(event.target)}
                    </td>
                    <td className="mono text-muted nowrap">{event.ip ?? '—'}</td>
                    <td className="mono details-cell" title={formatDetails(event.details)}>
                      {formatDetails(event.details) || <span className="text-subtle">—</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
      {log.hasMore && (
        <div className="load-more">
          <Button onClick={() => void log.loadMore()} pending={log.loadingMore}>
            Load more
          </Button>
        </div>
      )}
    </div>
  );
}
