import { OTP_CODE_LENGTH, PASSWORD_LENGTH } from '@devflow/contract/limits';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { CodeField, EmailField } from '../components/FormFields';
import { ErrorMessage } from '../components/Status';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { useTRPC } from '../lib/trpc';

/**
 * Two steps: ask for a code by email (`auth.requestPasswordReset`, same answer whether the address
 * exists or not), then set a new password with it (`auth.resetPassword`, which signs out everywhere).
 */
export function ResetPasswordPage() {
  useDocumentTitle('Reset password');
  const trpc = useTRPC();
  const [email, setEmail] = useState('');
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const request = useMutation(trpc.auth.requestPasswordReset.mutationOptions());
  const reset = useMutation(trpc.auth.resetPassword.mutationOptions());

  if (reset.isSuccess) {
    return (
      <div className="card form-narrow">
        <h1>Password changed</h1>
        <p className="alert alert--ok" role="status">
          Your password is changed and every session was signed out. <Link to="/signin">Sign in</Link> with
          the new password.
        </p>
      </div>
    );
  }

  const ask = (event: FormEvent) => {
    event.preventDefault();
    request.mutate({ email: email.trim() });
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    reset.mutate({ email: email.trim(), code: code.trim(), newPassword: password });
  };

  return (
    <div className="form-narrow stack">
      <form className="card" onSubmit={ask} aria-labelledby="reset-title">
        <h1 id="reset-title">Reset your password</h1>
        <EmailField id="reset-email" label="Email" value={email} onChange={setEmail} />
        <ErrorMessage error={request.error} />
        {request.isSuccess && (
          <p className="alert alert--ok" role="status">
            If an account uses that address, a {OTP_CODE_LENGTH}-digit code is on its way.
          </p>
        )}
        <button type="submit" className="btn" disabled={request.isPending}>
          {request.isSuccess ? 'Send another code' : 'Email me a code'}
        </button>
      </form>
      {request.isSuccess && (
        <form className="card" onSubmit={submit} aria-labelledby="reset-step-2">
          <h2 id="reset-step-2">Choose a new password</h2>
          <CodeField id="reset-code" label="Code from the email" value={code} onChange={setCode} />
          <div className="field">
            <label htmlFor="reset-password">New password</label>
            <input
              id="reset-password"
              type="password"
              autoComplete="new-password"
              minLength={PASSWORD_LENGTH.min}
              required
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          </div>
          <ErrorMessage error={reset.error} />
          <button type="submit" className="btn btn--primary" disabled={reset.isPending}>
            Change password
          </button>
        </form>
      )}
    </div>
  );
}
