import { Link } from 'react-router';
import { useDocumentTitle } from '../hooks/useDocumentTitle';

/** Any path the app does not know. */
export function NotFoundPage() {
  useDocumentTitle('Not found');
  return (
    <div className="card form-narrow">
      <h1>Page not found</h1>
      <p>
        There is nothing here. <Link to="/">Back to the questions</Link>.
      </p>
    </div>
  );
}
