import type { CheckOutcome } from '../../api';
import { formatDate, formatMs } from '../../lib/format';
import { MonitorStatusBadge } from './monitor-status';

const TONE: Record<CheckOutcome['status'], string> = { up: 'callout-success', degraded: 'callout-warning', down: 'callout-danger' };

/** A detail value as short text: arrays comma-separated, objects as JSON. */
export function detailText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(detailText).join(', ');
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** A checker's facts: status code, grade, missing headers, certificate… */
export function CheckDetails({ details, certificate }: { details?: Record<string, unknown> | null; certificate?: CheckOutcome['certificate'] }) {
  const cert = certificate ?? (details?.certificate as CheckOutcome['certificate'] | undefined);
  const facts = Object.entries(details ?? {}).filter(([key]) => key !== 'certificate');
  if (facts.length === 0 && !cert) return null;
  return (
    <dl className="check-facts">
      {facts.map(([key, value]) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd className="mono">{detailText(value)}</dd>
        </div>
      ))}
      {cert && (
        <>
          <div>
            <dt>Certificate</dt>
            <dd className="mono">{cert.subject}</dd>
          </div>
          <div>
            <dt>Issuer</dt>
            <dd className="mono">{cert.issuer}</dd>
          </div>
          <div>
            <dt>Valid</dt>
            <dd>
              {formatDate(cert.validFrom)} – {formatDate(cert.validTo)} <span className={cert.daysLeft < 14 ? 'text-warning' : 'text-muted'}>({cert.daysLeft} days left)</span>
            </dd>
          </div>
        </>
      )}
    </dl>
  );
}

/** What a test run found, before anything is saved. */
export function TestOutcome({ outcome }: { outcome: CheckOutcome }) {
  return (
    <div className={`callout ${TONE[outcome.status]} test-outcome`} data-testid="test-outcome">
      <div className="test-outcome-head">
        <MonitorStatusBadge status={outcome.status} ofCheck />
        <span className="test-outcome-latency">{formatMs(outcome.latencyMs)}</span>
        <span className="test-outcome-message">{outcome.message}</span>
      </div>
      <CheckDetails details={outcome.details} certificate={outcome.certificate} />
    </div>
  );
}
