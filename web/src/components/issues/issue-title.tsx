import type { Issue } from '../../api';
import { issueHeadline } from '../../lib/issues';

/** "TypeError: x is undefined" with the type emphasised, as in Sentry. */
export function IssueTitle({ issue }: { issue: Pick<Issue, 'title' | 'type' | 'value'> }) {
  const { type, rest } = issueHeadline(issue);
  return (
    <>
      {type && <strong className="issue-type">{type}: </strong>}
      <span className="issue-message">{rest}</span>
    </>
  );
}
