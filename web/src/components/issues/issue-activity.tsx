import { useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import { api, type IssueActivity } from '../../api';
import { useAction } from '../../hooks/use-action';
import { formatDateTime, initials } from '../../lib/format';
import { Button } from '../button';
import { FormError } from '../form-error';
import { RelativeTime } from '../relative-time';

type Data = Record<string, unknown>;
const asData = (value: unknown): Data => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Data) : {});
const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** What an activity entry says, after the actor's name. */
function describe(entry: IssueActivity, memberName: (id: string) => string | null): ReactNode {
  const data = asData(entry.data);
  switch (entry.kind) {
    case 'first_seen':
      return 'First seen';
    case 'regressed':
      return text(data['release']) ? (
        <>
          Regressed in release <span className="mono">{text(data['release'])}</span>
        </>
      ) : (
        'Regressed: it happened again after it was resolved'
      );
    case 'unignored':
      return 'Came back from being ignored';
    case 'status': {
      const to = text(data['to']);
      if (to === 'resolved') {
        const release = text(data['resolvedInRelease']);
        return release ? (
          <>
            marked this resolved in release <span className="mono">{release}</span>
          </>
        ) : (
          'marked this resolved'
        );
      }
      if (to === 'ignored') {
        const until = typeof data['ignoreUntil'] === 'number' ? data['ignoreUntil'] : null;
        const count = typeof data['ignoreUntilCount'] === 'number' ? data['ignoreUntilCount'] : null;
        if (until !== null) return `ignored this until ${formatDateTime(until)}`;
        if (count !== null) return `ignored this until it reaches ${count} events`;
        return 'ignored this';
      }
      return 'marked this unresolved';
    }
    case 'assigned': {
      const id = text(data['assigneeId']);
      return id ? `assigned this to ${memberName(id) ?? 'a former member'}` : 'unassigned this';
    }
    case 'merged': {
      const merged = Array.isArray(data['merged']) ? data['merged'].length : 0;
      return `merged ${merged} ${merged === 1 ? 'issue' : 'issues'} into this one`;
    }
    case 'comment':
      return 'commented';
    default:
      return String(entry.kind);
  }
}

interface Props {
  issueId: string;
  activity: IssueActivity[];
  canComment: boolean;
  memberName: (id: string) => string | null;
  onCommented: () => void;
}

/** The issue's history (newest first) and a box for comments. */
export function IssueActivityLog({ issueId, activity, canComment, memberName, onCommented }: Props) {
  return (
    <div className="stack">
      {canComment && <CommentForm issueId={issueId} onCommented={onCommented} />}
      {activity.length === 0 ? (
        <p className="text-muted">No activity yet.</p>
      ) : (
        <ol className="activity">
          {activity.map((entry) => {
            const actor = entry.user ? entry.user.name || entry.user.email : null;
            const system = entry.kind === 'first_seen' || entry.kind === 'regressed' || entry.kind === 'unignored';
            return (
              <li key={entry.id} className={`activity-item activity-${entry.kind}`}>
                <span className={`avatar activity-avatar ${actor ? '' : 'activity-avatar-system'}`} aria-hidden="true">
                  {actor ? initials(actor) : 'W'}
                </span>
                <div className="activity-body">
                  <div className="activity-line">
                    {!system && <strong>{actor ?? 'Watchpost'} </strong>}
                    <span>{describe(entry, memberName)}</span>
                    <span className="text-subtle activity-time">
                      <RelativeTime ms={entry.createdAt} />
                    </span>
                  </div>
                  {entry.kind === 'comment' && <div className="activity-comment">{text(asData(entry.data)['text']) ?? ''}</div>}
                </div>
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}

function CommentForm({ issueId, onCommented }: { issueId: string; onCommented: () => void }) {
  const [body, setBody] = useState('');
  const action = useAction(api.commentIssue);
  const submit = async (event: FormEvent | KeyboardEvent<HTMLTextAreaElement>) => {
    event.preventDefault();
    if (body.trim() === '' || action.pending) return;
    if (!(await action.run(issueId, body.trim()))) return;
    setBody('');
    onCommented();
  };
  return (
    <form className="comment-form" onSubmit={submit}>
      <label htmlFor="issue-comment" className="visually-hidden">
        Comment
      </label>
      <textarea
        id="issue-comment"
        className="input textarea"
        rows={3}
        maxLength={10_000}
        placeholder="Add a comment: what you found, who is on it, links…"
        value={body}
        onChange={(e) => setBody(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) void submit(e);
        }}
      />
      <FormError error={action.error} />
      <div className="form-actions">
        <span className="text-subtle comment-hint">Ctrl/⌘ + Enter to send</span>
        <Button type="submit" variant="primary" size="sm" pending={action.pending} disabled={body.trim() === ''}>
          Comment
        </Button>
      </div>
    </form>
  );
}
