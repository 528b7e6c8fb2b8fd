import { useId, useState } from 'react';
import type { StatusPage } from '../../api';
import { publicUrls } from '../../lib/status-pages';
import { CodeBlock } from '../code-block';
import { Field } from '../field';
import { LockIcon } from '../icons';
import { PeriodPicker } from '../period-picker';
import { Section } from '../section';
import { PublicLink } from './public-link';

type Format = 'markdown' | 'html';

/** Badge images for READMEs and dashboards, and the machine-readable addresses: summary.json, Atom, RSS. */
export function ShareSnippets({ page }: { page: StatusPage }) {
  const selectId = useId();
  const [componentId, setComponentId] = useState('');
  const [format, setFormat] = useState<Format>('markdown');
  const urls = publicUrls(page);
  const component = page.components.find((c) => c.id === componentId);
  const suffix = component ? `?component=${encodeURIComponent(component.id)}` : '';
  const badges = [
    { kind: 'Status', file: 'status.svg', src: `${urls.statusBadge}${suffix}`, alt: `Status of ${component?.name ?? page.title}` },
    { kind: 'Uptime', file: 'uptime.svg', src: `${urls.uptimeBadge}${suffix}`, alt: `Uptime of ${component?.name ?? page.title}` },
  ];
  const snippet = (src: string, alt: string) => (format === 'markdown' ? `[![${alt}](${src})](${urls.page})` : `<a href="${urls.page}"><img src="${src}" alt="${alt}"></a>`);

  return (
    <div className="stack-lg">
      {page.passwordProtected && (
        <div className="callout callout-warning">
          <div className="callout-title">
            <LockIcon size={14} />
            The page is password-protected
          </div>
          Badges, feeds and summary.json answer only to browsers that entered the password, so they won’t show in READMEs or feed readers until you remove it.
        </div>
      )}
      <Section title="Badges" description="Shields-style SVG images that follow the page: the status of the whole page or of one component, and its 90-day uptime.">
        <div className="stack">
          <div className="share-controls">
            <Field label="Badge for">
              {(id) => (
                <select id={id} className="input" value={componentId} onChange={(e) => setComponentId(e.target.value)} aria-controls={selectId}>
                  <option value="">The whole page</option>
                  {page.components.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <PeriodPicker
              label="Snippet format"
              value={format}
              onChange={setFormat}
              options={[
                { value: 'markdown', label: 'Markdown' },
                { value: 'html', label: 'HTML' },
              ]}
            />
          </div>
          <div id={selectId} className="stack">
            {badges.map((badge) => (
              <div key={badge.kind} className="badge-snippet">
                <div className="badge-snippet-head">
                  <span className="field-label">{badge.kind} badge</span>
                  {/* Same origin as the dashboard, whatever host the snippet names: the dashboard's CSP allows 'self' images only. */}
                  {!page.passwordProtected && <img src={`${urls.path}/badge/${badge.file}${suffix}`} alt={badge.alt} height={20} />}
                </div>
                <CodeBlock title={format === 'markdown' ? 'Markdown' : 'HTML'} code={snippet(badge.src, badge.alt)} copyLabel={`Copy ${badge.kind.toLowerCase()} badge ${format === 'markdown' ? 'Markdown' : 'HTML'}`} />
              </div>
            ))}
          </div>
        </div>
      </Section>
      <Section title="Feeds and JSON" description="For scripts, chat integrations and feed readers. JSON follows the shape of Atlassian Statuspage’s summary.json.">
        <dl className="share-urls">
          <dt>Summary JSON</dt>
          <dd>
            <PublicLink url={urls.summary} label="summary.json URL" />
          </dd>
          <dt>Atom feed</dt>
          <dd>
            <PublicLink url={urls.atom} label="Atom feed URL" />
          </dd>
          <dt>RSS feed</dt>
          <dd>
            <PublicLink url={urls.rss} label="RSS feed URL" />
          </dd>
        </dl>
      </Section>
    </div>
  );
}
