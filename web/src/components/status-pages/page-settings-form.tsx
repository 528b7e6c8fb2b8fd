import { useState, type FormEvent } from 'react';
import { api, type StatusPage } from '../../api';
import { useAction } from '../../hooks/use-action';
import { watchpostOrigin } from '../../lib/status-pages';
import { Button } from '../button';
import { Field } from '../field';
import { FormError } from '../form-error';
import { Section } from '../section';
import { SlugField } from './slug-field';

interface Props {
  page: StatusPage;
  canManage: boolean;
  onSaved: (page: StatusPage) => void;
}

/** Only what changed, with empty text as null: PATCH leaves the rest alone. */
function patchOf(page: StatusPage, form: { title: string; slug: string; description: string; customDomain: string; showUptimeBars: boolean }) {
  const description = form.description.trim() || null;
  const customDomain = form.customDomain.trim().toLowerCase().replace(/\.$/, '') || null;
  return {
    ...(form.title.trim() !== page.title ? { title: form.title.trim() } : {}),
    ...(form.slug !== page.slug ? { slug: form.slug } : {}),
    ...(description !== page.description ? { description } : {}),
    ...(customDomain !== page.customDomain ? { customDomain } : {}),
    ...(form.showUptimeBars !== page.showUptimeBars ? { showUptimeBars: form.showUptimeBars } : {}),
  };
}

/** Title, address, description, custom domain and uptime bars of a page. */
export function PageSettingsForm({ page, canManage, onSaved }: Props) {
  const [title, setTitle] = useState(page.title);
  const [slug, setSlug] = useState(page.slug);
  const [description, setDescription] = useState(page.description ?? '');
  const [customDomain, setCustomDomain] = useState(page.customDomain ?? '');
  const [showUptimeBars, setShowUptimeBars] = useState(page.showUptimeBars);
  const [saved, setSaved] = useState(false);
  const action = useAction(api.updateStatusPage);
  const patch = patchOf(page, { title, slug, description, customDomain, showUptimeBars });
  const dirty = Object.keys(patch).length > 0;
  const host = new URL(watchpostOrigin(page)).hostname;
  // A CNAME needs a host name; an address takes an A (or AAAA) record instead.
  const isAddress = /^[\d.]+$|^\[/.test(host);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const updated = await action.run(page.id, patch);
    if (!updated) return;
    onSaved(updated);
    setSaved(true);
  };

  return (
    <Section title="Page" description="How the page introduces itself and where it lives.">
      <form className="stack" onSubmit={submit} onChange={() => setSaved(false)}>
        <div className="form-grid">
          <Field label="Title" hint="The heading of the page and its feeds.">
            {(id, hint) => <input id={id} aria-describedby={hint} className="input" value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} disabled={!canManage} />}
          </Field>
          <SlugField value={slug} onChange={setSlug} origin={watchpostOrigin(page)} disabled={!canManage} />
        </div>
        <Field label="Description" hint="One or two sentences under the title: what this page covers. Optional.">
          {(id, hint) => (
            <textarea id={id} aria-describedby={hint} className="input textarea" value={description} onChange={(e) => setDescription(e.target.value)} maxLength={1000} rows={2} disabled={!canManage} />
          )}
        </Field>
        <Field
          label="Custom domain"
          className="field-narrow"
          hint={
            <>
              Optional, e.g. <span className="mono">status.example.com</span>. Point it at this server with a DNS{' '}
              {isAddress ? (
                <>
                  <strong>A/AAAA</strong> record to <span className="mono">{host.replace(/^\[|\]$/g, '')}</span>
                </>
              ) : (
                <>
                  <strong>CNAME</strong> record to <span className="mono">{host}</span>
                </>
              )}
              , route it to Watchpost in your HTTPS proxy, and set it here: visitors of that domain then see this page at <span className="mono">/</span>.
            </>
          }
        >
          {(id, hint) => (
            <input
              id={id}
              aria-describedby={hint}
              className="input mono"
              value={customDomain}
              onChange={(e) => setCustomDomain(e.target.value)}
              maxLength={253}
              placeholder="status.example.com"
              spellCheck={false}
              autoComplete="off"
              disabled={!canManage}
            />
          )}
        </Field>
        <div className="stack-xs">
          <label className="check-row">
            <input type="checkbox" checked={showUptimeBars} onChange={(e) => setShowUptimeBars(e.target.checked)} disabled={!canManage} />
            Show uptime bars
          </label>
          <p className="field-hint check-hint">90 days of daily uptime under each component, with its percentage. Off: just the current status.</p>
        </div>
        <FormError error={action.error} />
        {canManage && (
          <div className="form-actions form-actions-start">
            <Button type="submit" variant="primary" disabled={!dirty} pending={action.pending}>
              Save changes
            </Button>
            {saved && !dirty && (
              <span className="text-success" role="status">
                Saved
              </span>
            )}
          </div>
        )}
      </form>
    </Section>
  );
}
