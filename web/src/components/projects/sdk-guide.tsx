import { useRef } from 'react';
import { Link } from 'wouter';
import { api, type Project } from '../../api';
import { useApi } from '../../hooks/use-api';
import { CopyButton } from '../copy-button';
import { LoadError, Loading } from '../loading';
import { SnippetTabs } from './snippet-tabs';
import type { SnippetSet } from './snippets';

interface Props {
  project: Project;
  orgSlug: string;
  /** The steps to show, given the DSN to put in them. */
  build: (dsn: string) => SnippetSet[];
}

/** The project's DSN with copy-paste SDK set-up: what empty pages offer instead of nothing. */
export function SdkGuide({ project, orgSlug, build }: Props) {
  const keys = useApi(`/projects/${project.id}/keys`, (signal) => api.keys(project.id, signal));
  const dsnRef = useRef<HTMLElement>(null);
  if (keys.error) return <LoadError error={keys.error} onRetry={() => void keys.reload()} />;
  if (!keys.data) return <Loading label="Loading the DSN…" />;
  const active = keys.data.items.filter((key) => key.active);
  // Prefer a key that isn't about to expire after a rotation.
  const key = active.find((candidate) => candidate.revokedAt === null) ?? active[0];
  if (!key) {
    return (
      <p className="text-muted">
        This project has no active key, so SDKs can’t send to it yet. Add one in the <Link href={`/orgs/${orgSlug}/projects/${project.id}/settings`}>project settings</Link>.
      </p>
    );
  }
  return (
    <div className="stack">
      <div className="stack-xs">
        <div className="field-label">DSN</div>
        <div className="dsn">
          <code className="dsn-value" ref={dsnRef}>
            {key.dsn}
          </code>
          <CopyButton text={key.dsn} label="Copy DSN" selectRef={dsnRef} />
        </div>
      </div>
      <SnippetTabs sets={build(key.dsn)} initial={project.platform ?? undefined} />
    </div>
  );
}
