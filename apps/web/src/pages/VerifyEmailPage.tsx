import { OTP_CODE_LENGTH } from '@devflow/contract/limits';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { CodeField } from '../components/FormFields';
import { RequireUser } from '../components/RequireUser';
import { ErrorMessage } from '../components/Status';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { useTRPC } from '../lib/trpc';

/** Mails a 6-digit code (`auth.requestEmailVerification`) and checks it (`auth.verifyEmail`). */
function VerifyEmailForm({ email, verified }: { email: string; verified: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [code, setCode] = useState('');
  const send = useMutation(trpc.auth.requestEmailVerification.mutationOptions());
  const verify = useMutation(
    trpc.auth.verifyEmail.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.auth.me.queryFilter()),
    }),
  );
  if (verified || verify.isSuccess) {
    return (
      <div className="card form-narrow">
        <h1>Email verified</h1>
        <p className="alert alert--ok" role="status">
          {email} is verified. <Link to="/">Back to the questions</Link>.
        </p>
      </div>
    );
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    verify.mutate({ code: code.trim() });
  };
  return (
    <form className="card form-narrow" onSubmit={submit} aria-labelledby="verify-title">
      <h1 id="verify-title">Verify your email</h1>
      <p>
        We send a {OTP_CODE_LENGTH}-digit code to <strong>{email}</strong>.
      </p>
      <p>
        <button type="button" className="btn" onClick={() => send.mutate()} disabled={send.isPending}>
          {send.isSuccess ? 'Send another code' : 'Send me a code'}
        </button>
      </p>
      {send.isSuccess && (
        <p className="alert alert--ok" role="status">
          Code sent. It is valid for a limited time.
        </p>
      )}
      <ErrorMessage error={send.error} />
      <CodeField id="code" label="Code" value={code} onChange={setCode} />
      <ErrorMessage error={verify.error} />
      <button type="submit" className="btn btn--primary" disabled={verify.isPending}>
        Verify
      </button>
    </form>
  );
}

/** The verify-email page (signed-in users only). */
export function VerifyEmailPage() {
  useDocumentTitle('Verify email');
  return (
    <RequireUser>{(me) => <VerifyEmailForm email={me.email} verified={me.emailVerified} />}</RequireUser>
  );
}
