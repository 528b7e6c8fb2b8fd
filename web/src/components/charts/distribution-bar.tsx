import { formatNumber, formatPercent } from '../../lib/format';
import type { ChartTone } from './scale';

export interface Segment {
  key: string;
  label: string;
  value: number;
  tone: ChartTone;
}

/** One horizontal bar split into shares (good / needs improvement / poor), with a legend of percentages. */
export function DistributionBar({ segments, label }: { segments: Segment[]; label: string }) {
  const total = segments.reduce((sum, segment) => sum + segment.value, 0);
  const description = `${label}: ${segments.map((s) => `${s.label} ${formatPercent(total > 0 ? s.value / total : 0, 0)}`).join(', ')}`;
  return (
    <div className="dist">
      <div className="dist-bar" role="img" aria-label={description}>
        {total === 0 ? (
          <span className="dist-empty" />
        ) : (
          segments.map((segment) =>
            segment.value > 0 ? (
              <span
                key={segment.key}
                className={`dist-segment chart-tone-${segment.tone}`}
                style={{ width: `${(segment.value / total) * 100}%` }}
                title={`${segment.label}: ${formatNumber(segment.value)} (${formatPercent(segment.value / total)})`}
              />
            ) : null,
          )
        )}
      </div>
      <ul className="dist-legend" aria-hidden="true">
        {segments.map((segment) => (
          <li key={segment.key} className={`chart-tone-${segment.tone}`}>
            <span className="chart-swatch" />
            {formatPercent(total > 0 ? segment.value / total : 0, 0)}
          </li>
        ))}
      </ul>
    </div>
  );
}
