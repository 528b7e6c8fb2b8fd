import { Link } from 'wouter';
import type { StatusPage } from '../../api';
import { publicUrls } from '../../lib/status-pages';
import { Badge } from '../badge';
import { PublicLink } from './public-link';

interface Props {
  pages: StatusPage[];
  hrefOf: (page: StatusPage) => string;
}

/** A project's status pages: where they live, custom domain, and whether visitors need a password. */
export function StatusPagesTable({ pages, hrefOf }: Props) {
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Status page</th>
            <th scope="col">Public URL</th>
            <th scope="col">Custom domain</th>
            <th scope="col">Components</th>
            <th scope="col">Access</th>
          </tr>
        </thead>
        <tbody>
          {pages.map((page) => (
            <tr key={page.id} data-testid="status-page-row">
              <td>
                <Link href={hrefOf(page)} className="monitor-link">
                  {page.title}
                </Link>
                {page.description && (
                  <div className="cell-secondary details-cell" title={page.description}>
                    {page.description}
                  </div>
                )}
              </td>
              <td>
                <PublicLink url={publicUrls(page).page} />
              </td>
              <td className="mono nowrap">{page.customDomain ?? <span className="text-subtle">—</span>}</td>
              <td className="nowrap">{page.components.length === 0 ? <span className="text-subtle">None yet</span> : page.components.length}</td>
              <td>
                {page.passwordProtected ? (
                  <Badge tone="amber" title="Visitors enter a password first">
                    Protected
                  </Badge>
                ) : (
                  <Badge tone="green">Public</Badge>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
