import type { StatusComponent, StatusComponentInput } from '../api';

/** Mirrors the server's limits (src/status-pages/types.ts LIMITS). */
export const COMPONENT_LIMITS = { components: 50, monitorsPerComponent: 20 } as const;

/** A component as the editor holds it: text fields as typed, a local key for React. */
export interface ComponentDraft {
  key: string;
  /** Set for a saved component: saving keeps it (and its badge URLs and incidents). */
  id?: string;
  name: string;
  description: string;
  group: string;
  monitorIds: string[];
}

let counter = 0;
const newKey = () => `draft-${++counter}`;

export function draftsOf(components: readonly StatusComponent[]): ComponentDraft[] {
  return components.map((c) => ({ key: c.id, id: c.id, name: c.name, description: c.description ?? '', group: c.group ?? '', monitorIds: [...c.monitorIds] }));
}

export function emptyDraft(group = ''): ComponentDraft {
  return { key: newKey(), name: '', description: '', group, monitorIds: [] };
}

export function inputOf(drafts: readonly ComponentDraft[]): StatusComponentInput[] {
  return drafts.map((d) => ({
    ...(d.id ? { id: d.id } : {}),
    name: d.name.trim(),
    description: d.description.trim() || null,
    group: d.group.trim() || null,
    monitorIds: d.monitorIds,
  }));
}

/** Whether the drafts would save anything different from what is saved. */
export function changed(drafts: readonly ComponentDraft[], saved: readonly StatusComponent[]): boolean {
  return JSON.stringify(inputOf(drafts)) !== JSON.stringify(inputOf(draftsOf(saved)));
}

/** What keeps a draft from saving, per key: the server would refuse it. */
export function problemsOf(drafts: readonly ComponentDraft[]): Map<string, string> {
  const problems = new Map<string, string>();
  for (const d of drafts) {
    if (d.name.trim() === '') problems.set(d.key, 'Give the component a name.');
    else if (d.monitorIds.length === 0) problems.set(d.key, 'Choose at least one monitor: the component shows their worst status.');
    else if (d.monitorIds.length > COMPONENT_LIMITS.monitorsPerComponent) problems.set(d.key, `At most ${COMPONENT_LIMITS.monitorsPerComponent} monitors per component.`);
  }
  return problems;
}

/** The list with the item at `index` moved by `by` places (clamped). */
export function moved<T>(list: readonly T[], index: number, by: number): T[] {
  const target = Math.max(0, Math.min(list.length - 1, index + by));
  const next = [...list];
  const [item] = next.splice(index, 1);
  if (item !== undefined) next.splice(target, 0, item);
  return next;
}
