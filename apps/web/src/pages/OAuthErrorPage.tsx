import type { OAuthErrorReason } from '@devflow/api';
import { Link, useSearchParams } from 'react-router';
import { useDocumentTitle } from '../hooks/useDocumentTitle';

/**
 * What each failure reason means to a person. Typed by the API's own reason union, so a reason added
 * on the server without a message here breaks the web build.
 */
const MESSAGES: Record<OAuthErrorReason, string> = {
  access_denied: 'You declined to share your account with DevFlow, so you were not signed in.',
  provider_error: 'The sign-in provider reported an error. Please try again.',
  invalid_state:
    'This sign-in link expired or was already used, or it was started in another browser. Please start again.',
  invalid_code:
    'The sign-in provider refused this sign-in (the code expired or was already used). Please start again.',
  provider_unavailable: 'The sign-in provider did not answer. Please try again in a moment.',
  invalid_id_token: 'The sign-in provider’s answer could not be verified, so you were not signed in.',
  sign_in_required: 'Sign in to DevFlow first, then link the provider from your profile.',
  identity_in_use: 'That account is already linked to another DevFlow user.',
  provider_already_linked: 'Your DevFlow account is already linked to a different account of this provider.',
  too_many_attempts:
    'Too many sign-ins were started from your network. Please wait a few minutes and try again.',
  server_error: 'Something went wrong on our side. Please try again.',
};

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
