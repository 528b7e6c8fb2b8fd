import { Link } from 'wouter';
import type { IssueListItem } from '../../api';
import { formatCompact, formatNumber } from '../../lib/format';
import { levelClass, LEVEL_LABELS, substatusBadge } from '../../lib/issues';
import { Badge } from '../badge';
import { Sparkline } from '../charts/sparkline';
import { RelativeTime } from '../relative-time';
import { IssueTitle } from './issue-title';

interface Props {
  issues: IssueListItem[];
  /** Link target of an issue. */
  hrefOf: (issue: IssueListItem) => string;
  selected: ReadonlySet<string>;
  /** Null when the person may not triage: no checkboxes then. */
  onSelect: ((id: string, on: boolean) => void) | null;
  onSelectAll: (on: boolean) => void;
  assigneeName: (id: string) => string | null;
}

/** The issue stream: level colour, title, culprit, badges, times, 24 h sparkline, counts. */
export function IssuesTable({ issues, hrefOf, selected, onSelect, onSelectAll, assigneeName }: Props) {
  const allSelected = issues.length > 0 && issues.every((issue) => selected.has(issue.id));
  const someSelected = !allSelected && issues.some((issue) => selected.has(issue.id));
  return (
    <div className="table-wrap">
      <table className="table issues-table">
        <thead>
          <tr>
            {onSelect && (
              <th scope="col" className="cell-check">
                <input
                  type="checkbox"
                  aria-label="Select all issues on this page"
                  checked={allSelected}
                  ref={(input) => {
                    if (input) input.indeterminate = someSelected;
                  }}
                  onChange={(e) => onSelectAll(e.target.checked)}
                />
              </th>
            )}
            <th scope="col">Issue</th>
            <th scope="col" className="cell-graph">
              Last 24 hours
            </th>
            <th scope="col" className="cell-num">
              Events
            </th>
            <th scope="col" className="cell-num">
              Users
            </th>
          </tr>
        </thead>
        <tbody>
          {issues.map((issue) => {
            const badge = substatusBadge(issue);
            const assignee = issue.assigneeId ? assigneeName(issue.assigneeId) : null;
            return (
              <tr key={issue.id} className={`issue-row ${levelClass(issue.level)} ${selected.has(issue.id) ? 'is-selected' : ''}`} data-testid="issue-row">
                {onSelect && (
                  <td className="cell-check">
                    <input type="checkbox" aria-label={`Select ${issue.title}`} checked={selected.has(issue.id)} onChange={(e) => onSelect(issue.id, e.target.checked)} />
                  </td>
                )}
                <td className="issue-cell">
                  <div className="issue-cell-title">
                    <span className="level-bar" title={LEVEL_LABELS[issue.level] ?? issue.level} aria-hidden="true" />
                    <Link href={hrefOf(issue)} className="issue-link">
                      <IssueTitle issue={issue} />
                    </Link>
                  </div>
                  {issue.culprit && <div className="issue-culprit">{issue.culprit}</div>}
                  <div className="issue-meta">
                    {badge && (
                      <Badge tone={badge.tone} title={badge.title}>
                        {badge.label}
                      </Badge>
                    )}
                    {issue.status === 'resolved' && <Badge tone="green">Resolved</Badge>}
                    {issue.status === 'ignored' && <Badge tone="neutral">Ignored</Badge>}
                    <span className="visually-hidden">Level {LEVEL_LABELS[issue.level] ?? issue.level}.</span>
                    <span>
                      <RelativeTime ms={issue.lastSeen} /> <span className="text-subtle">last seen</span>
                    </span>
                    <span aria-hidden="true" className="text-subtle">
                      ·
                    </span>
                    <span>
                      <RelativeTime ms={issue.firstSeen} /> <span className="text-subtle">first seen</span>
                    </span>
                    {issue.lastRelease && (
                      <>
                        <span aria-hidden="true" className="text-subtle">
                          ·
                        </span>
                        <span className="mono issue-release" title="Last release it was seen in">
                          {issue.lastRelease}
                        </span>
                      </>
                    )}
                    {assignee && (
                      <>
                        <span aria-hidden="true" className="text-subtle">
                          ·
                        </span>
                        <span>Assigned to {assignee}</span>
                      </>
                    )}
                  </div>
                </td>
                <td className="cell-graph">
                  <Sparkline values={issue.sparkline} label="events in the last 24 hours" />
                </td>
                <td className="cell-num" data-testid="issue-events" title={formatNumber(issue.count)}>
                  {formatCompact(issue.count)}
                </td>
                <td className="cell-num" title={formatNumber(issue.userCount)}>
                  {formatCompact(issue.userCount)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
