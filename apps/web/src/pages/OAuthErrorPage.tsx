import { OAUTH_ERROR_MESSAGES as MESSAGES, type OAuthErrorReason } from '@devflow/contract/messages';
import { Link, useSearchParams } from 'react-router';
import { useDocumentTitle } from '../hooks/useDocumentTitle';

function isReason(value: string | null): value is OAuthErrorReason {
  return value !== null && Object.hasOwn(MESSAGES, value);
}

/** `/auth/error?reason=…`: where the server sends a failed GitHub/Google sign-in. */
export function OAuthErrorPage() {
  useDocumentTitle('Sign-in failed');
  const [params] = useSearchParams();
  const reason = params.get('reason');
  const message = isReason(reason) ? MESSAGES[reason] : MESSAGES.server_error;
  return (
    <div className="card form-narrow">
      <h1>Sign-in failed</h1>
      <p className="alert" role="alert">
        {message}
      </p>
      <p>
        <Link to="/signin">Back to sign in</Link> · <Link to="/">Questions</Link>
      </p>
    </div>
  );
}
