import { useState, type PointerEvent, type ReactNode } from 'react';
import { useElementWidth } from '../../hooks/use-element-width';
import { axisTicks, labelIndices, PADDING, type ChartSeries } from './scale';

interface CommonProps {
  /** Bucket start times (epoch ms), oldest first; every series has one value per bucket. */
  times: number[];
  formatValue: (value: number) => string;
  /** Value-axis labels, when they read better shorter than `formatValue` ("1 s" rather than "1.00 s"). */
  formatTick?: (value: number) => string;
  formatTime: (ms: number) => string;
  /** Describes the chart for screen readers. */
  label: string;
  height?: number;
}

interface Layout {
  width: number;
  height: number;
  plotWidth: number;
  plotHeight: number;
  ticks: number[];
  max: number;
  y: (value: number) => number;
}

function layout(width: number, height: number, maxValue: number, integer = false): Layout {
  const ticks = axisTicks(maxValue, 4, integer);
  const max = ticks.at(-1) ?? 1;
  const plotWidth = Math.max(10, width - PADDING.left - PADDING.right);
  const plotHeight = Math.max(10, height - PADDING.top - PADDING.bottom);
  return { width, height, plotWidth, plotHeight, ticks, max, y: (value) => PADDING.top + plotHeight - (value / max) * plotHeight };
}

/** Grid lines with value labels on the left, time labels along the bottom. */
function Axes({ box, times, x, formatValue, formatTime }: { box: Layout; times: number[]; x: (index: number) => number; formatValue: (v: number) => string; formatTime: (t: number) => string }) {
  const labels = labelIndices(times.length, Math.max(2, Math.min(7, Math.floor(box.plotWidth / 90))));
  return (
    <g className="chart-axes" aria-hidden="true">
      {box.ticks.map((tick) => (
        <g key={tick}>
          <line x1={PADDING.left} x2={box.width - PADDING.right} y1={box.y(tick)} y2={box.y(tick)} className="chart-grid" />
          <text x={PADDING.left - 8} y={box.y(tick)} dy="0.32em" textAnchor="end" className="chart-label">
            {formatValue(tick)}
          </text>
        </g>
      ))}
      {labels.map((index) => {
        const time = times[index];
        if (time === undefined) return null;
        const anchor = labels.length > 1 && index === 0 ? 'start' : index === times.length - 1 && labels.length > 1 ? 'end' : 'middle';
        return (
          <text key={index} x={x(index)} y={box.height - 6} textAnchor={anchor} className="chart-label">
            {formatTime(time)}
          </text>
        );
      })}
    </g>
  );
}

function Legend({ series }: { series: { key: string; label: string; tone: string }[] }) {
  return (
    <ul className="chart-legend">
      {series.map((item) => (
        <li key={item.key} className={`chart-tone-${item.tone}`}>
          <span className="chart-swatch" aria-hidden="true" />
          <span>{item.label}</span>
        </li>
      ))}
    </ul>
  );
}

interface TooltipProps {
  left: number;
  width: number;
  title: string;
  rows: { key: string; label: string; tone: string; value: string }[];
  footer?: ReactNode;
}

function Tooltip({ left, width, title, rows, footer }: TooltipProps) {
  // Flip to the left of the pointer in the right half, so it never leaves the chart.
  const flip = left > width / 2;
  return (
    <div className={`chart-tooltip ${flip ? 'chart-tooltip-flip' : ''}`} style={{ left: flip ? undefined : left + 12, right: flip ? width - left + 12 : undefined }}>
      <div className="chart-tooltip-title">{title}</div>
      {rows.map((row) => (
        <div key={row.key} className={`chart-tooltip-row chart-tone-${row.tone}`}>
          <span className="chart-swatch" aria-hidden="true" />
          <span className="chart-tooltip-label">{row.label}</span>
          <span className="chart-tooltip-value">{row.value}</span>
        </div>
      ))}
      {footer}
    </div>
  );
}

/** The bucket under the pointer, or null when the pointer is outside the plot. */
function useHoverIndex(count: number, indexAt: (px: number) => number) {
  const [hover, setHover] = useState<number | null>(null);
  const onPointerMove = (event: PointerEvent<SVGSVGElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    const px = event.clientX - rect.left;
    if (px < PADDING.left - 4 || count === 0) return setHover(null);
    setHover(Math.min(count - 1, Math.max(0, indexAt(px))));
  };
  return { hover, onPointerMove, onPointerLeave: () => setHover(null) };
}

/** Lines over time, e.g. latency percentiles; nulls (no data in a bucket) break the line. */
export function LineChart({ times, series, formatValue, formatTick, formatTime, label, height = 220 }: CommonProps & { series: ChartSeries[] }) {
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const maxValue = Math.max(0, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null)));
  const box = layout(width, height, maxValue);
  const step = times.length > 1 ? box.plotWidth / (times.length - 1) : 0;
  const x = (index: number) => (times.length > 1 ? PADDING.left + index * step : PADDING.left + box.plotWidth / 2);
  const { hover, onPointerMove, onPointerLeave } = useHoverIndex(times.length, (px) => (step > 0 ? Math.round((px - PADDING.left) / step) : 0));

  const path = (values: (number | null)[]) => {
    let d = '';
    let open = false;
    values.forEach((value, index) => {
      if (value === null) {
        open = false;
        return;
      }
      d += `${open ? 'L' : 'M'}${x(index).toFixed(1)},${box.y(value).toFixed(1)}`;
      open = true;
    });
    return d;
  };

  return (
    <div className="chart" ref={ref}>
      <svg width={width} height={height} role="img" aria-label={label} onPointerMove={onPointerMove} onPointerLeave={onPointerLeave}>
        <Axes box={box} times={times} x={x} formatValue={formatTick ?? formatValue} formatTime={formatTime} />
        {series.map((s) => (
          <g key={s.key} className={`chart-tone-${s.tone}`}>
            <path d={path(s.values)} className="chart-line" />
            {/* Lone points (a bucket between gaps) would not show as a line. */}
            {s.values.map((value, index) =>
              value !== null && (s.values[index - 1] ?? null) === null && (s.values[index + 1] ?? null) === null ? <circle key={index} cx={x(index)} cy={box.y(value)} r={2.5} className="chart-fill" /> : null,
            )}
          </g>
        ))}
        {hover !== null && (
          <g aria-hidden="true">
            <line x1={x(hover)} x2={x(hover)} y1={PADDING.top} y2={PADDING.top + box.plotHeight} className="chart-cursor" />
            {series.map((s) => {
              const value = s.values[hover];
              return value === null || value === undefined ? null : <circle key={s.key} cx={x(hover)} cy={box.y(value)} r={3.5} className={`chart-dot chart-tone-${s.tone}`} />;
            })}
          </g>
        )}
      </svg>
      {hover !== null && times[hover] !== undefined && (
        <Tooltip
          left={x(hover)}
          width={width}
          title={formatTime(times[hover])}
          rows={series.map((s) => ({ key: s.key, label: s.label, tone: s.tone, value: s.values[hover] == null ? '—' : formatValue(s.values[hover]) }))}
        />
      )}
      <Legend series={series} />
    </div>
  );
}

/** Bars per bucket, stacked bottom-up in the order of `series` (e.g. accepted, then dropped). */
export function StackedBarChart({
  times,
  series,
  formatValue,
  formatTick,
  formatTime,
  label,
  height = 180,
  showTotal = true,
  maxBarWidth = Infinity,
}: CommonProps & { series: ChartSeries<number>[]; showTotal?: boolean; /** Keeps a handful of bars from filling the whole width. */ maxBarWidth?: number }) {
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const totals = times.map((_, index) => series.reduce((sum, s) => sum + (s.values[index] ?? 0), 0));
  const box = layout(width, height, Math.max(0, ...totals), true);
  const slot = times.length > 0 ? box.plotWidth / times.length : box.plotWidth;
  const barWidth = Math.max(1, Math.min(maxBarWidth, slot * 0.72));
  const x = (index: number) => PADDING.left + index * slot + slot / 2;
  const { hover, onPointerMove, onPointerLeave } = useHoverIndex(times.length, (px) => Math.floor((px - PADDING.left) / slot));

  return (
    <div className="chart" ref={ref}>
      <svg width={width} height={height} role="img" aria-label={label} onPointerMove={onPointerMove} onPointerLeave={onPointerLeave}>
        <Axes box={box} times={times} x={x} formatValue={formatTick ?? formatValue} formatTime={formatTime} />
        {hover !== null && <rect x={x(hover) - slot / 2} y={PADDING.top} width={slot} height={box.plotHeight} className="chart-hover-band" aria-hidden="true" />}
        {times.map((time, index) => {
          let base = 0;
          return (
            <g key={time}>
              {series.map((s) => {
                const value = s.values[index] ?? 0;
                if (value <= 0) return null;
                const top = box.y(base + value);
                const bottom = box.y(base);
                base += value;
                return <rect key={s.key} x={x(index) - barWidth / 2} y={top} width={barWidth} height={Math.max(1, bottom - top)} className={`chart-fill chart-tone-${s.tone}`} />;
              })}
            </g>
          );
        })}
      </svg>
      {hover !== null && times[hover] !== undefined && (
        <Tooltip
          left={x(hover)}
          width={width}
          title={formatTime(times[hover])}
          rows={series.filter((s) => (s.values[hover] ?? 0) > 0).map((s) => ({ key: s.key, label: s.label, tone: s.tone, value: formatValue(s.values[hover] ?? 0) }))}
          footer={
            showTotal && series.length > 1 ? (
              <div className="chart-tooltip-row chart-tooltip-total">
                <span className="chart-tooltip-label">Total</span>
                <span className="chart-tooltip-value">{formatValue(totals[hover] ?? 0)}</span>
              </div>
            ) : undefined
          }
        />
      )}
      {series.length > 1 && <Legend series={series} />}
    </div>
  );
}
