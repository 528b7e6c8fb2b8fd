import { useState } from 'react';
import { displayValue, type EventRequest } from '../../lib/sentry-event';
import { Button } from '../button';

/** Names Sentry uses for the common contexts. */
const CONTEXT_TITLES: Record<string, string> = { os: 'Operating system', browser: 'Browser', runtime: 'Runtime', device: 'Device', app: 'App', trace: 'Trace', culture: 'Culture', cloud_resource: 'Cloud resource', response: 'Response' };

export function KeyValues({ entries, caption }: { entries: [string, unknown][]; caption: string }) {
  return (
    <table className="kv-table">
      <caption className="visually-hidden">{caption}</caption>
      <tbody>
        {entries.map(([key, value]) => (
          <tr key={key}>
            <th scope="row">{key}</th>
            <td className="mono">{displayValue(value)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The event's own tags, as chips. */
export function EventTags({ tags }: { tags: [string, string][] }) {
  return (
    <ul className="event-tags">
      {tags.map(([key, value], index) => (
        <li key={`${key}-${index}`} className="event-tag">
          <span className="event-tag-key">{key}</span>
          <span className="event-tag-value">{value}</span>
        </li>
      ))}
    </ul>
  );
}

export function RequestPanel({ request }: { request: EventRequest }) {
  const [showHeaders, setShowHeaders] = useState(false);
  return (
    <div className="stack">
      <div className="request-line mono">
        {request.method && <strong>{request.method} </strong>}
        {request.url ?? <span className="text-subtle">no URL</span>}
      </div>
      <KeyValues
        caption="Request"
        entries={[
          ...(request.queryString ? [['Query string', request.queryString] as [string, unknown]] : []),
          ...(request.data !== null && request.data !== undefined ? [['Body', request.data] as [string, unknown]] : []),
          ...(request.cookies ? [['Cookies', request.cookies] as [string, unknown]] : []),
        ]}
      />
      {request.headers.length > 0 && (
        <div>
          <Button size="sm" variant="ghost" aria-expanded={showHeaders} onClick={() => setShowHeaders((value) => !value)}>
            {showHeaders ? 'Hide' : 'Show'} {request.headers.length} headers
          </Button>
          {showHeaders && <KeyValues caption="Request headers" entries={request.headers} />}
        </div>
      )}
    </div>
  );
}

/** One small table per context (os, browser, runtime, trace, …). */
export function ContextsPanel({ contexts }: { contexts: [string, Record<string, unknown>][] }) {
  return (
    <div className="context-grid">
      {contexts.map(([name, values]) => {
        const entries = Object.entries(values).filter(([key]) => key !== 'type');
        return (
          <div key={name} className="context-card">
            <h4 className="context-title">{CONTEXT_TITLES[name] ?? name}</h4>
            {entries.length > 0 ? <KeyValues caption={CONTEXT_TITLES[name] ?? name} entries={entries} /> : <p className="text-subtle">Empty</p>}
          </div>
        );
      })}
    </div>
  );
}
