import { AlertIcon } from './icons';

/** The API's error message, next to the form that caused it; announced by screen readers. */
export function FormError({ error }: { error: string | null | undefined }) {
  if (!error) return null;
  return (
    <div className="form-error" role="alert">
      <AlertIcon />
      <span>{error}</span>
    </div>
  );
}
