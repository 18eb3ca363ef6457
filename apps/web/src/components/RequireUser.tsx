import { Link, useLocation } from 'react-router';
import { type Me, useMe } from '../hooks/useMe';
import { ErrorMessage, Loading } from './Status';

/** Renders `children(me)` for a signed-in user; otherwise a prompt to sign in that comes back here. */
export function RequireUser({ children }: { children: (me: NonNullable<Me>) => React.ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <Loading />;
  if (me.isError) return <ErrorMessage error={me.error} retry={() => me.refetch()} />;
  if (!me.data) {
    const next = encodeURIComponent(location.pathname + location.search);
    return (
      <div className="card form-narrow">
        <h1>Sign in required</h1>
        <p>
          <Link to={`/signin?next=${next}`}>Sign in</Link> or{' '}
          <Link to={`/signup?next=${next}`}>create an account</Link> to continue.
        </p>
      </div>
    );
  }
  return <>{children(me.data)}</>;
}
