import { errorMessage } from '../api';
import { Button } from './button';
import { AlertIcon } from './icons';
import { Spinner } from './spinner';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="loading" role="status">
      <Spinner size={18} />
      <span>{label}</span>
    </div>
  );
}

/** A failed load, with the API's message and a way to try again. */
export function LoadError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div className="load-error" role="alert">
      <AlertIcon size={18} />
      <div>
        <div className="load-error-title">Could not load this</div>
        <div className="text-muted">{errorMessage(error)}</div>
      </div>
      {onRetry && (
        <Button size="sm" onClick={onRetry}>
          Try again
        </Button>
      )}
    </div>
  );
}
