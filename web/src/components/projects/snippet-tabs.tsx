import { useState } from 'react';
import { CodeBlock } from '../code-block';
import { Tabs } from '../tabs';
import type { SnippetSet } from './snippets';

interface Props {
  sets: SnippetSet[];
  /** The tab to open first (the project's platform); the first set when it has none. */
  initial?: string;
}

/** One tab per SDK, each with its intro and copyable steps. */
export function SnippetTabs({ sets, initial }: Props) {
  const [tab, setTab] = useState<string>(sets.some((set) => set.id === initial) ? (initial ?? '') : (sets[0]?.id ?? ''));
  return (
    <Tabs
      label="SDK"
      value={tab}
      onChange={setTab}
      tabs={sets.map((set) => ({
        id: set.id,
        label: set.label,
        content: (
          <div className="stack">
            <p className="text-muted">{set.intro}</p>
            {set.steps.map((step) => (
              <CodeBlock key={step.title} title={step.title} code={step.code} />
            ))}
          </div>
        ),
      }))}
    />
  );
}
