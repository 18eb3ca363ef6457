import { errorMessage } from '../lib/errors';

/** A polite loading line for screen readers and sighted users alike. */
export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      {label}
    </p>
  );
}

/** Shows the server's message for a failed query or mutation; renders nothing without an error. */
export function ErrorMessage({ error, retry }: { error: unknown; retry?: () => void }) {
  if (!error) return null;
  return (
    <div className="alert" role="alert">
      {errorMessage(error)}
      {retry && (
        <>
          {' '}
          <button type="button" className="btn btn--link" onClick={retry}>
            Try again
          </button>
        </>
      )}
    </div>
  );
}

/** A muted line for empty lists. */
export function Empty({ children }: { children: React.ReactNode }) {
  return <p className="empty">{children}</p>;
}
