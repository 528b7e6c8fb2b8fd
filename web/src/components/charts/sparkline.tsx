import { formatNumber } from '../../lib/format';

interface Props {
  values: number[];
  /** What the values are, for the tooltip and screen readers: "events per hour, last 24 hours". */
  label: string;
  width?: number;
  height?: number;
}

/** A tiny bar chart (an issue's last 24 hours): shape only, no axes. */
export function Sparkline({ values, label, width = 96, height = 24 }: Props) {
  const max = Math.max(0, ...values);
  const total = values.reduce((sum, value) => sum + value, 0);
  const slot = values.length > 0 ? width / values.length : width;
  const barWidth = Math.max(1, slot - 1.5);
  const description = `${formatNumber(total)} ${label}`;
  return (
    <svg className="sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={description}>
      <title>{description}</title>
      <line x1={0} x2={width} y1={height - 0.5} y2={height - 0.5} className="sparkline-base" />
      {values.map((value, index) => {
        if (value <= 0 || max === 0) return null;
        // At least 2 px, so a single event still shows.
        const barHeight = Math.max(2, (value / max) * (height - 1));
        return <rect key={index} x={index * slot} y={height - barHeight} width={barWidth} height={barHeight} rx={0.75} fill="currentColor" />;
      })}
    </svg>
  );
}
