import { errorMessage, errorStatus } from '../lib/errors';

/** A polite loading line for screen readers and sighted users alike. */
export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      {label}
    </p>
  );
}

/**
 * Shows the server's message for a failed query or mutation; renders nothing without an error. "Try
 * again" is offered only when trying again can help (network or server trouble, not a 4xx answer).
 */
export function ErrorMessage({ error, retry }: { error: unknown; retry?: () => void }) {
  if (!error) return null;
  const status = errorStatus(error);
  const retryable = status === null || status >= 500 || status === 429;
  return (
    <div className="alert" role="alert">
      {errorMessage(error)}
      {retry && retryable && (
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
