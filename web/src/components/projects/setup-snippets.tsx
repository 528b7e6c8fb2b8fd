import { useId, useState } from 'react';
import type { IngestKey, Project } from '../../api';
import { Section } from '../section';
import { SnippetTabs } from './snippet-tabs';
import { buildSnippets, defaultSnippet } from './snippets';

interface Props {
  project: Project;
  keys: IngestKey[];
}

/** Copy-paste set-up for the common SDKs, with the chosen key's DSN filled in. */
export function SetupSnippets({ project, keys }: Props) {
  const active = keys.filter((key) => key.active);
  // Prefer a key that isn't about to expire after a rotation.
  const preferred = active.find((key) => key.revokedAt === null) ?? active[0];
  const [keyId, setKeyId] = useState<string | null>(null);
  const selectId = useId();
  const key = active.find((candidate) => candidate.id === keyId) ?? preferred;

  if (!key) {
    return (
      <Section title="Set up your SDK">
        <p className="text-muted">This project has no active key. Add one above to get set-up instructions.</p>
      </Section>
    );
  }

  const sets = buildSnippets(key.dsn, key.publicKey, project.id);
  return (
    <Section
      title="Set up your SDK"
      description="Watchpost speaks the Sentry protocol: use the official Sentry SDKs with this DSN."
      actions={
        active.length > 1 ? (
          <div className="inline-field">
            <label htmlFor={selectId}>Key</label>
            <select id={selectId} className="input input-sm" value={key.id} onChange={(e) => setKeyId(e.target.value)}>
              {active.map((candidate) => (
                <option key={candidate.id} value={candidate.id}>
                  {candidate.label}
                </option>
              ))}
            </select>
          </div>
        ) : undefined
      }
    >
      <SnippetTabs sets={sets} initial={defaultSnippet(project.platform)} />
    </Section>
  );
}
