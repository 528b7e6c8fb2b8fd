import { useRef, useState } from 'react';
import { api, type Monitor } from '../../api';
import { useApi } from '../../hooks/use-api';
import { crontabOf, crontabSnippet, curlSnippet, sentrySnippet } from '../../lib/heartbeat-snippets';
import { describeSchedule } from '../../lib/monitors';
import { CodeBlock } from '../code-block';
import { CopyButton } from '../copy-button';
import { RelativeTime } from '../relative-time';
import { Section } from '../section';
import { Spinner } from '../spinner';
import { Tabs } from '../tabs';

interface Props {
  monitor: Monitor;
}

/** A heartbeat's ping URL and ready-to-paste snippets: curl, a crontab line, and Sentry SDK check-ins. */
export function HeartbeatSetup({ monitor }: Props) {
  const heartbeat = monitor.heartbeat;
  const urlRef = useRef<HTMLElement>(null);
  const [tab, setTab] = useState('curl');
  const keys = useApi(`/projects/${monitor.projectId}/keys`, (signal) => api.keys(monitor.projectId, signal));
  if (!heartbeat) return null;
  const active = keys.data?.items.filter((key) => key.active) ?? [];
  const dsn = (active.find((key) => key.revokedAt === null) ?? active[0])?.dsn ?? '<your project DSN>';
  const url = heartbeat.pingUrl;

  return (
    <Section title="Ping URL" description={`Request it (GET or POST) every time the job runs: expected ${describeSchedule(heartbeat)}. Treat it like a password.`}>
      <div className="stack">
        <div className="dsn">
          <code className="dsn-value" data-testid="ping-url" ref={urlRef}>
            {url}
          </code>
          <CopyButton text={url} label="Copy ping URL" selectRef={urlRef} />
        </div>
        <p className="text-muted heartbeat-state" aria-live="polite">
          {heartbeat.runningSince !== null ? (
            <>
              <Spinner size={14} /> Running since <RelativeTime ms={heartbeat.runningSince} />.
            </>
          ) : heartbeat.lastPingAt !== null ? (
            <>
              Last ping <RelativeTime ms={heartbeat.lastPingAt} />.
            </>
          ) : (
            <>
              <Spinner size={14} /> Waiting for the first ping…
            </>
          )}{' '}
          Add <code>/start</code> when the job begins to see run times, <code>/fail</code> or <code>/&lt;exit code&gt;</code> to report how it ended, <code>/log</code> to
          attach output (POST body) without changing the status.
        </p>
        <Tabs
          label="Ping snippets"
          value={tab}
          onChange={setTab}
          tabs={[
            { id: 'curl', label: 'curl', content: <CodeBlock title="Shell" code={curlSnippet(url)} copyLabel="Copy curl snippet" /> },
            { id: 'crontab', label: 'Crontab', content: <CodeBlock title="crontab -e" code={crontabSnippet(url, crontabOf(heartbeat))} copyLabel="Copy crontab lines" /> },
            {
              id: 'sentry',
              label: 'Sentry SDK',
              content: (
                <div className="stack">
                  <p className="text-muted">
                    Already using a Sentry SDK? Its cron check-ins work too: they report the start, the end and the duration to the monitor with the slug{' '}
                    <code>{monitor.slug ?? '(none)'}</code>, using this project’s DSN.
                  </p>
                  {monitor.slug === null && <p className="text-warning">This heartbeat has no slug yet: set one under Edit so check-ins find it.</p>}
                  <CodeBlock title="job.js" code={sentrySnippet(dsn, monitor.slug ?? 'my-job', heartbeat)} copyLabel="Copy Sentry snippet" />
                </div>
              ),
            },
          ]}
        />
      </div>
    </Section>
  );
}
