import { PASSWORD_LENGTH, USERNAME_LENGTH } from '@devflow/contract/limits';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { EmailField } from '../components/FormFields';
import { OAuthButtons } from '../components/OAuthButtons';
import { ErrorMessage } from '../components/Status';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { useSignedIn } from '../hooks/useSignedIn';
import { safeNext } from '../lib/next';
import { useTRPC } from '../lib/trpc';

/**
 * Shown once, to whoever registers first on an empty database: that account is the admin (the server
 * gives the first account the `admin` role; SECURITY.md says why it should be yours).
 */
function AdminWelcome({ username }: { username: string }) {
  const [params] = useSearchParams();
  return (
    <section className="card form-narrow" aria-labelledby="admin-welcome-title">
      <h1 id="admin-welcome-title">Welcome, {username}</h1>
      <p role="status">
        <strong>You are the admin.</strong> The first account created on a new DevFlow becomes its admin: you
        can moderate every post, suspend users and give others the moderator or admin role.
      </p>
      <p>
        <Link to="/moderation">Open moderation</Link>
      </p>
      <Link to={safeNext(params.get('next'))} className="btn btn--primary">
        Continue
      </Link>
    </section>
  );
}

/** Create an account (`auth.register`); the session cookie signs the user in right away. */
export function SignUpPage() {
  useDocumentTitle('Sign up');
  const trpc = useTRPC();
  const signedIn = useSignedIn();
  const [email, setEmail] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [admin, setAdmin] = useState<string | null>(null);
  const mutation = useMutation(
    trpc.auth.register.mutationOptions({
      onSuccess: ({ user }) => {
        // Registration only ever makes the first account of an empty database an admin.
        if (user.role === 'admin') setAdmin(user.username);
        signedIn(user, user.role === 'admin' ? null : '/');
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate({ email: email.trim(), username: username.trim(), password });
  };
  if (admin) return <AdminWelcome username={admin} />;
  return (
    <form className="card form-narrow" onSubmit={submit} aria-labelledby="signup-title">
      <h1 id="signup-title">Create your account</h1>
      <EmailField id="email" label="Email" value={email} onChange={setEmail} />
      <div className="field">
        <label htmlFor="username">
          Username{' '}
          <span className="hint">
            ({USERNAME_LENGTH.min} to {USERNAME_LENGTH.max} lower-case letters, digits, - and _)
          </span>
        </label>
        <input
          id="username"
          autoComplete="username"
          required
          minLength={USERNAME_LENGTH.min}
          maxLength={USERNAME_LENGTH.max}
          pattern="[a-z0-9_\-]+"
          title="lower-case letters, digits, - and _"
          value={username}
          onChange={(event) => setUsername(event.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="new-password">
          Password <span className="hint">(at least {PASSWORD_LENGTH.min} characters)</span>
        </label>
        <input
          id="new-password"
          type="password"
          autoComplete="new-password"
          required
          minLength={PASSWORD_LENGTH.min}
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
      </div>
      <ErrorMessage error={mutation.error} />
      <button type="submit" className="btn btn--primary" disabled={mutation.isPending}>
        {mutation.isPending ? 'Creating account…' : 'Sign up'}
      </button>
      <OAuthButtons />
      <p className="muted small">
        Already have an account? <Link to="/signin">Sign in</Link>.
      </p>
    </form>
  );
}
