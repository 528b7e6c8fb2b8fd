import { useState } from 'react';
import { formatClockPrecise, formatDateTime } from '../../lib/format';
import { levelClass } from '../../lib/issues';
import type { Breadcrumb } from '../../lib/sentry-event';
import { Button } from '../button';

const SHOWN = 12;

function summary(crumb: Breadcrumb): string {
  if (crumb.message) return crumb.message;
  const data = crumb.data;
  if (!data) return '';
  // HTTP breadcrumbs carry the request in data: "GET https://… [500]".
  const method = typeof data['method'] === 'string' ? data['method'] : null;
  const url = typeof data['url'] === 'string' ? data['url'] : null;
  const status = data['status_code'];
  if (url) return [method, url, typeof status === 'number' || typeof status === 'string' ? `[${status}]` : null].filter(Boolean).join(' ');
  return JSON.stringify(data);
}

/** What happened before the error, oldest first as it unfolded, the last ones shown first. */
export function Breadcrumbs({ crumbs }: { crumbs: Breadcrumb[] }) {
  const [all, setAll] = useState(false);
  const hidden = all ? 0 : Math.max(0, crumbs.length - SHOWN);
  const visible = crumbs.slice(hidden);
  return (
    <div className="stack">
      {hidden > 0 && (
        <div>
          <Button size="sm" variant="ghost" onClick={() => setAll(true)}>
            Show {hidden} earlier {hidden === 1 ? 'breadcrumb' : 'breadcrumbs'}
          </Button>
        </div>
      )}
      <ol className="breadcrumbs">
        {visible.map((crumb, index) => {
          const text = summary(crumb);
          return (
            <li key={hidden + index} className={`breadcrumb ${levelClass(crumb.level === 'warning' || crumb.level === 'error' || crumb.level === 'fatal' ? crumb.level : 'debug')}`}>
              <span className="breadcrumb-dot" aria-hidden="true" />
              <span className="breadcrumb-category mono">{crumb.category ?? crumb.type ?? 'default'}</span>
              <span className="breadcrumb-message">
                {text || <span className="text-subtle">—</span>}
                {crumb.message && crumb.data && <span className="breadcrumb-data mono">{JSON.stringify(crumb.data)}</span>}
              </span>
              <span className="breadcrumb-level">{crumb.level && crumb.level !== 'info' ? crumb.level : ''}</span>
              <span className="breadcrumb-time mono" title={crumb.timestamp !== null ? formatDateTime(crumb.timestamp) : undefined}>
                {crumb.timestamp !== null ? formatClockPrecise(crumb.timestamp) : ''}
              </span>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
