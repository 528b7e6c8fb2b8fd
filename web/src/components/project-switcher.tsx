import { Link, useRoute } from 'wouter';
import { api, type OrgWithRole } from '../api';
import { useApi } from '../hooks/use-api';
import { Dropdown } from './dropdown';
import { CheckIcon, ChevronsUpDownIcon, FolderIcon, ListIcon } from './icons';

const SECTIONS = ['issues', 'performance', 'releases', 'monitors', 'notifications', 'status-pages', 'settings'];

/** The projects of the current organisation; picking one opens the same page of it (its issues, …), else its settings. */
export function ProjectSwitcher({ org }: { org: OrgWithRole }) {
  const projects = useApi(`/orgs/${org.id}/projects`, (signal) => api.projects(org.id, signal));
  const [onProject, params] = useRoute('/orgs/:orgSlug/projects/:projectId/*?');
  const currentId = onProject ? Number(params.projectId) : null;
  const rest = onProject ? (params['*'] ?? '') : '';
  const section = SECTIONS.find((candidate) => rest === candidate || rest.startsWith(`${candidate}/`)) ?? 'settings';
  const current = projects.data?.items.find((project) => project.id === currentId);
  const list = projects.data?.items ?? [];

  return (
    <Dropdown
      triggerClassName="switcher switcher-inline"
      triggerTitle="Switch project"
      trigger={
        <>
          <FolderIcon className="text-muted" />
          <span className="switcher-label">{current?.name ?? 'Select a project'}</span>
          <ChevronsUpDownIcon className="switcher-chevron" />
        </>
      }
    >
      {(close) => (
        <>
          <div className="dropdown-heading">Projects in {org.name}</div>
          {list.length === 0 && <div className="dropdown-empty">{projects.loading ? 'Loading…' : 'No projects yet'}</div>}
          {list.map((project) => (
            <Link
              key={project.id}
              href={`/orgs/${org.slug}/projects/${project.id}/${section}`}
              className="dropdown-item"
              aria-current={project.id === currentId ? 'true' : undefined}
              onClick={close}
            >
              <span className="dropdown-item-text">{project.name}</span>
              {project.id === currentId && <CheckIcon className="dropdown-item-check" />}
            </Link>
          ))}
          <div className="dropdown-separator" role="separator" />
          <Link href={`/orgs/${org.slug}/projects`} className="dropdown-item" onClick={close}>
            <ListIcon />
            <span className="dropdown-item-text">Project list</span>
          </Link>
        </>
      )}
    </Dropdown>
  );
}
