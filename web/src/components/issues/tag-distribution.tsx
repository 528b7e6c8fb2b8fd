import type { IssueTag } from '../../api';
import { formatNumber, formatPercent } from '../../lib/format';

const TOP = 5;

/** Per tag key, the most common values of the issue's events with their share. */
export function TagDistribution({ tags }: { tags: IssueTag[] }) {
  if (tags.length === 0) return <p className="text-muted">No tags recorded for this issue.</p>;
  return (
    <div className="tag-dist">
      {tags.map((tag) => {
        const shown = tag.values.slice(0, TOP);
        const other = tag.total - shown.reduce((sum, value) => sum + value.count, 0);
        return (
          <section key={tag.key} className="tag-dist-key" aria-label={`Tag ${tag.key}`}>
            <h4 className="tag-dist-name mono">{tag.key}</h4>
            <ul className="tag-dist-values">
              {shown.map((value) => (
                <TagValue key={value.value} label={value.value} count={value.count} total={tag.total} />
              ))}
              {other > 0 && <TagValue label="Other" count={other} total={tag.total} muted />}
            </ul>
          </section>
        );
      })}
    </div>
  );
}

function TagValue({ label, count, total, muted = false }: { label: string; count: number; total: number; muted?: boolean }) {
  const share = total > 0 ? count / total : 0;
  return (
    <li className={`tag-dist-value ${muted ? 'is-muted' : ''}`} title={`${formatNumber(count)} of ${formatNumber(total)} events`}>
      <span className="tag-dist-bar" style={{ width: `${Math.max(1, share * 100)}%` }} aria-hidden="true" />
      <span className="tag-dist-label">{label}</span>
      <span className="tag-dist-pct">{formatPercent(share, 0)}</span>
    </li>
  );
}
