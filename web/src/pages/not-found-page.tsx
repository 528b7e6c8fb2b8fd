import { Link } from 'wouter';
import { useDocumentTitle } from '../hooks/use-document-title';

interface Props {
  title?: string;
  message?: string;
  /** Passed by the router when used as a route component; unused. */
  params?: unknown;
}

export function NotFoundPage({ title = 'Page not found', message = 'There is nothing at this address. It may have moved, or the link may be mistyped.' }: Props) {
  useDocumentTitle(title);
  return (
    <div className="not-found">
      <div className="not-found-code" aria-hidden="true">
        404
      </div>
      <h1>{title}</h1>
      <p className="text-muted">{message}</p>
      <Link href="/" className="btn btn-primary">
        Go to the dashboard
      </Link>
    </div>
  );
}
