import { Fragment, useId, useState } from 'react';
import { api, errorMessage, type Channel, type Delivery, type DeliveryStatus } from '../../api';
import { useInterval } from '../../hooks/use-interval';
import { usePaged } from '../../hooks/use-paged';
import { formatDateTime, formatMs } from '../../lib/format';
import { Button } from '../button';
import { EmptyState } from '../empty-state';
import { FormError } from '../form-error';
import { ChevronDownIcon, ChevronRightIcon, InboxIcon } from '../icons';
import { LoadError, Loading } from '../loading';
import { RelativeTime } from '../relative-time';
import { DeliveryStatusBadge } from './delivery-status';

const REFRESH_MS = 15_000;

interface Props {
  projectId: number;
  channels: Channel[];
  canRetry: boolean;
}

/** Every notification sent, newest first; each opens to its attempts. Failed ones can be sent again. */
export function DeliveryLog({ projectId, channels, canRetry }: Props) {
  const id = useId();
  const [channelId, setChannelId] = useState('');
  const [status, setStatus] = useState<DeliveryStatus | ''>('');
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const [retrying, setRetrying] = useState<string | null>(null);
  const [retryError, setRetryError] = useState<string | null>(null);
  const filters = { channelId: channelId || undefined, status: status || undefined };
  const log = usePaged(`/projects/${projectId}/deliveries?${channelId}&${status}`, async (request, signal) => {
    const page = await api.deliveries(projectId, { ...filters, before: request.before, limit: request.limit }, signal);
    const last = page.items.at(-1);
    return { items: page.items, nextBefore: page.items.length === request.limit && last ? last.id : null };
  });
  useInterval(() => void log.refresh(), REFRESH_MS);
  const channelName = (channelId: string) => channels.find((channel) => channel.id === channelId)?.name ?? 'Deleted channel';
  const toggle = (deliveryId: string) =>
    setOpen((current) => {
      const next = new Set(current);
      if (next.has(deliveryId)) next.delete(deliveryId);
      else next.add(deliveryId);
      return next;
    });
  const retry = async (delivery: Delivery) => {
    setRetrying(delivery.id);
    setRetryError(null);
    try {
      await api.retryDelivery(delivery.id);
      await log.refresh();
    } catch (caught) {
      setRetryError(errorMessage(caught));
    } finally {
      setRetrying(null);
    }
  };

  return (
    <div className="stack">
      <div className="issue-filter-row">
        <label htmlFor={`${id}-channel`} className="inline-field">
          Channel
        </label>
        <select id={`${id}-channel`} className="input input-sm" value={channelId} onChange={(e) => setChannelId(e.target.value)}>
          <option value="">All channels</option>
          {channels.map((channel) => (
            <option key={channel.id} value={channel.id}>
              {channel.name}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-status`} className="inline-field">
          Status
        </label>
        <select id={`${id}-status`} className="input input-sm" value={status} onChange={(e) => setStatus(e.target.value as DeliveryStatus | '')}>
          <option value="">Any status</option>
          <option value="delivered">Delivered</option>
          <option value="pending">Pending</option>
          <option value="failed">Failed</option>
        </select>
      </div>
      <FormError error={retryError} />
      {log.error && <LoadError error={log.error} onRetry={() => void log.refresh()} />}
      {log.loading && <Loading label="Loading deliveries…" />}
      {!log.loading && log.items.length === 0 && !log.error && (
        <EmptyState icon={<InboxIcon size={22} />} title="Nothing sent yet">
          Alerts and tests show up here with every attempt, so you can see what reached your channels and why something didn’t.
        </EmptyState>
      )}
      {log.items.length > 0 && (
        <div className="card">
          <div className="table-wrap">
            <table className="table delivery-table">
              <thead>
                <tr>
                  <th scope="col">
                    <span className="visually-hidden">Attempts</span>
                  </th>
                  <th scope="col">Time</th>
                  <th scope="col">Channel</th>
                  <th scope="col">Event</th>
                  <th scope="col">Title</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="cell-num">
                    Attempts
                  </th>
                  <th scope="col">Next attempt</th>
                  {canRetry && (
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {log.items.map((delivery) => {
                  const expanded = open.has(delivery.id);
                  return (
                    <Fragment key={delivery.id}>
                      <tr data-testid="delivery-row">
                        <td className="cell-check">
                          <button type="button" className="btn btn-ghost btn-sm btn-icon" aria-expanded={expanded} aria-label={`${expanded ? 'Hide' : 'Show'} attempts of “${delivery.title}”`} onClick={() => toggle(delivery.id)}>
                            {expanded ? <ChevronDownIcon size={14} /> : <ChevronRightIcon size={14} />}
                          </button>
                        </td>
                        <td className="nowrap">
                          <RelativeTime ms={delivery.createdAt} />
                        </td>
                        <td className="nowrap">{channelName(delivery.channelId)}</td>
                        <td>
                          <span className="action-name">{delivery.event}</span>
                        </td>
                        <td className="details-cell delivery-title" title={delivery.title}>
                          {delivery.title}
                        </td>
                        <td title={delivery.lastError ?? undefined}>
                          <DeliveryStatusBadge status={delivery.status} />
                        </td>
                        <td className="cell-num">{delivery.attempts.length}</td>
                        <td className="nowrap">
                          <RelativeTime ms={delivery.nextAttemptAt} />
                        </td>
                        {canRetry && (
                          <td className="cell-actions">
                            {delivery.status !== 'delivered' && (
                              <Button size="sm" onClick={() => void retry(delivery)} pending={retrying === delivery.id}>
                                Retry
                              </Button>
                            )}
                          </td>
                        )}
                      </tr>
                      {expanded && (
                        <tr className="delivery-attempts-row">
                          <td colSpan={canRetry ? 9 : 8}>
                            <Attempts delivery={delivery} />
                          </td>
                        </tr>
                      )}
                    </Fragment>
                  );
                })}
              </tbody>
            </table>
          </div>
          {log.hasMore && (
            <div className="section-footer load-more">
              <Button size="sm" onClick={() => void log.loadMore()} pending={log.loadingMore}>
                Load older deliveries
              </Button>
            </div>
          )}
        </div>
      )}
    </div>
  );
}

function Attempts({ delivery }: { delivery: Delivery }) {
  if (delivery.attempts.length === 0) return <p className="text-muted">No attempt yet{delivery.nextAttemptAt ? '; the first one is due now' : ''}.</p>;
  return (
    <table className="table table-dense attempts-table">
      <caption className="visually-hidden">Attempts of {delivery.title}</caption>
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">Started</th>
          <th scope="col" className="cell-num">
            Duration
          </th>
          <th scope="col">Result</th>
          <th scope="col">Status code</th>
          <th scope="col">Response or error</th>
        </tr>
      </thead>
      <tbody>
        {delivery.attempts.map((attempt) => (
          <tr key={attempt.attempt} data-testid="attempt-row">
            <td>{attempt.attempt}</td>
            <td className="nowrap">{formatDateTime(attempt.startedAt)}</td>
            <td className="cell-num nowrap">{formatMs(attempt.durationMs)}</td>
            <td>{attempt.ok ? <span className="text-success">OK</span> : <span className="text-danger">Failed</span>}</td>
            <td>{attempt.statusCode ?? <span className="text-subtle">—</span>}</td>
            <td className="attempt-response mono">
              {attempt.error && <div className="text-danger">{attempt.error}</div>}
              {attempt.response && <div>{attempt.response}</div>}
              {!attempt.error && !attempt.response && <span className="text-subtle">—</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
