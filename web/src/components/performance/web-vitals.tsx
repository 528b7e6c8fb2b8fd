import type { VitalStats, VitalsReport } from '../../api';
import { formatMsShort, formatNumber } from '../../lib/format';
import { formatVital, rateVital, RATING_LABELS, VITAL_ORDER, VITALS, vitalInfo } from '../../lib/vitals';
import { DistributionBar } from '../charts/distribution-bar';

const RATING_CLASS = { good: 'vital-good', meh: 'vital-meh', poor: 'vital-poor' } as const;

function VitalValue({ vital, value }: { vital: string; value: number | null }) {
  const rating = rateVital(vital, value);
  return (
    <span className={rating ? RATING_CLASS[rating] : 'text-subtle'} title={rating ? RATING_LABELS[rating] : undefined}>
      {formatVital(vital, value)}
    </span>
  );
}

function VitalCard({ stats }: { stats: VitalStats }) {
  const info = vitalInfo(stats.vital);
  const unit = (value: number) => (info?.unitless ? String(value) : formatMsShort(value));
  return (
    <div className="vital-card">
      <div className="vital-card-head">
        <span className="vital-name">{stats.vital.toUpperCase()}</span>
        <span className="vital-label" title={info?.description}>
          {info?.label ?? stats.vital}
        </span>
      </div>
      <div className="vital-value">
        <VitalValue vital={stats.vital} value={stats.p75} />
        <span className="vital-p75">p75</span>
      </div>
      <DistributionBar
        label={`${stats.vital.toUpperCase()} page loads`}
        segments={[
          { key: 'good', label: RATING_LABELS.good, value: stats.good, tone: 'green' },
          { key: 'meh', label: RATING_LABELS.meh, value: stats.meh, tone: 'amber' },
          { key: 'poor', label: RATING_LABELS.poor, value: stats.poor, tone: 'red' },
        ]}
      />
      <div className="vital-foot text-subtle">
        {formatNumber(stats.count)} {stats.count === 1 ? 'sample' : 'samples'}
        {info && ` · good ≤ ${unit(info.good)}, poor > ${unit(info.poor)}`}
      </div>
    </div>
  );
}

/** p75 per Web Vital with the good / needs improvement / poor split, then the same per page. */
export function WebVitals({ report }: { report: VitalsReport }) {
  const byVital = new Map(report.items.map((item) => [item.vital, item]));
  const known = VITAL_ORDER.filter((vital) => byVital.has(vital));
  const others = report.items.filter((item) => !(item.vital in VITALS));
  const cards = [...known.map((vital) => byVital.get(vital)).filter((item): item is VitalStats => item !== undefined), ...others];
  const columns = [...known, ...others.map((item) => item.vital)];
  return (
    <div className="stack">
      <div className="vital-grid">
        {cards.map((stats) => (
          <VitalCard key={stats.vital} stats={stats} />
        ))}
      </div>
      {report.pages.length > 0 && (
        <div className="card">
          <div className="table-wrap">
            <table className="table table-dense">
              <caption className="visually-hidden">Web Vitals per page (p75)</caption>
              <thead>
                <tr>
                  <th scope="col">Page</th>
                  {columns.map((vital) => (
                    <th key={vital} scope="col" className="cell-num" title={vitalInfo(vital)?.label}>
                      {vital.toUpperCase()}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {report.pages.map((page) => (
                  <tr key={page.page}>
                    <td className="mono details-cell" title={page.page}>
                      {page.page}
                    </td>
                    {columns.map((vital) => {
                      const stats = page.vitals.find((item) => item.vital === vital);
                      return (
                        <td key={vital} className="cell-num nowrap" title={stats ? `${formatNumber(stats.count)} samples` : undefined}>
                          <VitalValue vital={vital} value={stats?.p75 ?? null} />
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </div>
  );
}
