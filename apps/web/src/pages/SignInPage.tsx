import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { OAuthButtons } from '../components/OAuthButtons';
import { ErrorMessage } from '../components/Status';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { useSignedIn } from '../hooks/useSignedIn';
import { useTRPC } from '../lib/trpc';

/** Sign in with email or username and password (`auth.login`). */
export function SignInPage() {
  useDocumentTitle('Sign in');
  const trpc = useTRPC();
  const signedIn = useSignedIn();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const mutation = useMutation(
    trpc.auth.login.mutationOptions({ onSuccess: (result) => signedIn(result.user) }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate({ login: login.trim(), password });
  };
  return (
    <form className="card form-narrow" onSubmit={submit} aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in</h1>
      <div className="field">
        <label htmlFor="login">Email or username</label>
        <input
          id="login"
          autoComplete="username"
          required
          value={login}
          onChange={(event) => setLogin(event.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input
          id="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
      </div>
      <ErrorMessage error={mutation.error} />
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <button type="submit" className="btn btn--primary" disabled={mutation.isPending}>
          {mutation.isPending ? 'Signing in…' : 'Sign in'}
        </button>
        <Link to="/reset-password">Forgot your password?</Link>
      </div>
      <OAuthButtons />
      <p className="muted small">
        New here? <Link to="/signup">Create an account</Link>.
      </p>
    </form>
  );
}
