import { useId, useState } from 'react';
import { api, type StatusComponent, type StatusPage } from '../../api';
import { useAction } from '../../hooks/use-action';
import type { MonitorLookup } from '../../hooks/use-monitor-lookup';
import { changed, COMPONENT_LIMITS, draftsOf, emptyDraft, inputOf, moved, problemsOf, type ComponentDraft } from '../../lib/component-drafts';
import { Button } from '../button';
import { EmptyState } from '../empty-state';
import { FormError } from '../form-error';
import { ListIcon, PlusIcon } from '../icons';
import { Section } from '../section';
import { ComponentRow } from './component-row';

interface Props {
  page: StatusPage;
  /** Unsaved edits (held by the page so switching tabs keeps them); null: none. */
  drafts: ComponentDraft[] | null;
  onDrafts: (drafts: ComponentDraft[] | null) => void;
  onSaved: (components: StatusComponent[]) => void;
  lookup: MonitorLookup;
  canManage: boolean;
}

/** The page's components in order, each made of monitors; saved all at once. */
export function ComponentsEditor({ page, drafts, onDrafts, onSaved, lookup, canManage }: Props) {
  const groupsListId = useId();
  const list = drafts ?? draftsOf(page.components);
  const dirty = drafts !== null && changed(drafts, page.components);
  const problems = problemsOf(list);
  const groups = [...new Set(list.map((d) => d.group.trim()).filter(Boolean))];
  const [justSaved, setJustSaved] = useState(false);
  const save = useAction(async () => {
    const saved = await api.setStatusComponents(page.id, inputOf(list));
    onSaved(saved.items);
    onDrafts(null);
    setJustSaved(true);
  });

  const update = (next: ComponentDraft[]) => {
    save.reset();
    setJustSaved(false);
    onDrafts(next);
  };
  const add = () => update([...list, emptyDraft(list.at(-1)?.group ?? '')]);

  return (
    <Section
      title="Components"
      description="What visitors see, top to bottom. Each component shows the worst status of its monitors; components with the same group are shown together."
      flush
      actions={
        canManage &&
        list.length > 0 && (
          <Button size="sm" onClick={add} disabled={list.length >= COMPONENT_LIMITS.components}>
            <PlusIcon size={14} />
            Add component
          </Button>
        )
      }
    >
      {list.length === 0 ? (
        <EmptyState
          icon={<ListIcon size={22} />}
          title="No components yet"
          action={
            canManage && (
              <Button variant="primary" onClick={add}>
                <PlusIcon size={14} />
                Add component
              </Button>
            )
          }
        >
          A component is what your users know: “Website”, “API”, “Payments”. Bind it to one or more monitors and it turns amber or red when they fail.
        </EmptyState>
      ) : (
        <ol className="component-list">
          {list.map((draft, index) => (
            <ComponentRow
              key={draft.key}
              projectId={page.projectId}
              draft={draft}
              index={index}
              count={list.length}
              lookup={lookup}
              groupsListId={groupsListId}
              problem={dirty ? problems.get(draft.key) : undefined}
              readOnly={!canManage}
              onChange={(change) => update(list.map((d) => (d.key === draft.key ? { ...d, ...change } : d)))}
              onMove={(by) => update(moved(list, index, by))}
              onRemove={() => update(list.filter((d) => d.key !== draft.key))}
            />
          ))}
        </ol>
      )}
      <datalist id={groupsListId}>
        {groups.map((group) => (
          <option key={group} value={group} />
        ))}
      </datalist>
      {canManage && (list.length > 0 || dirty) && (
        <div className="section-footer">
          <FormError error={save.error} />
          <div className="form-actions form-actions-start">
            <Button variant="primary" onClick={() => void save.run()} pending={save.pending} disabled={!dirty || problems.size > 0}>
              Save components
            </Button>
            <Button variant="ghost" onClick={() => update(draftsOf(page.components))} disabled={!dirty || save.pending}>
              Discard changes
            </Button>
            <span className="field-hint" role="status">
              {dirty
                ? problems.size > 0
                  ? 'Fix the components marked above to save.'
                  : 'Unsaved changes: the public page shows them once saved.'
                : justSaved
                  ? 'Saved: the public page shows these components now.'
                  : 'No unsaved changes.'}
            </span>
          </div>
        </div>
      )}
    </Section>
  );
}
