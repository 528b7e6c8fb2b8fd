import type { Project } from '../../api';
import { EmptyState } from '../empty-state';
import { BugIcon } from '../icons';
import { SdkGuide } from '../projects/sdk-guide';
import { errorSnippets } from '../projects/snippets';

/** The issue list of a project that never received an error: how to send the first one. */
export function FirstEventGuide({ project, orgSlug }: { project: Project; orgSlug: string }) {
  return (
    <div className="card">
      <EmptyState icon={<BugIcon size={22} />} title="Send your first error">
        {project.name} hasn’t received any errors yet. Point a Sentry SDK at this project’s DSN: the first error shows up here seconds after it happens.
      </EmptyState>
      <div className="onboarding-body">
        <SdkGuide project={project} orgSlug={orgSlug} build={errorSnippets} />
      </div>
    </div>
  );
}
