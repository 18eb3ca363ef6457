import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Link, NavLink, useNavigate, useSearchParams } from 'react-router';
import { useLiveNotifications } from '../hooks/useLiveNotifications';
import { isModerator, useMe } from '../hooks/useMe';
import { hasPrivilege, usePrivileges } from '../hooks/usePrivileges';
import { useSignOut } from '../hooks/useSignOut';
import { useTRPC } from '../lib/trpc';

/** The unread-notification count next to the "Notifications" link, kept current by `live.notifications`. */
function UnreadBadge({ userId }: { userId: string }) {
  const trpc = useTRPC();
  const unread = useQuery(trpc.notification.unreadCount.queryOptions());
  useLiveNotifications(userId);
  const count = unread.data?.count ?? 0;
  if (count === 0) return null;
  return (
    <span className="badge" data-testid="unread-badge">
      {count > 99 ? '99+' : count}
      <span className="visually-hidden"> unread</span>
    </span>
  );
}

/** The search box: submits to the home page's `?q=`. */
function HeaderSearch() {
  const [params] = useSearchParams();
  const [q, setQ] = useState(params.get('q') ?? '');
  const navigate = useNavigate();
  useEffect(() => setQ(params.get('q') ?? ''), [params]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const term = q.trim();
    navigate(term ? `/?q=${encodeURIComponent(term)}` : '/');
  };
  return (
    <search className="header-search">
      <form className="header-search" onSubmit={submit}>
        <label htmlFor="site-search" className="visually-hidden">
          Search questions
        </label>
        <input
          id="site-search"
          type="search"
          placeholder="Search questions…"
          value={q}
          onChange={(event) => setQ(event.target.value)}
        />
      </form>
    </search>
  );
}

/** The site header: brand, navigation, search and the signed-in user's links (or sign in / sign up). */
export function Header() {
  const me = useMe();
  const signOut = useSignOut();
  const user = me.data;
  const privileges = usePrivileges().data;
  return (
    <header className="site-header">
      <div className="site-header__inner">
        <Link to="/" className="brand" aria-label="DevFlow home">
          Dev<span>Flow</span>
        </Link>
        <nav className="main-nav" aria-label="Main">
          <NavLink to="/" end>
            Questions
          </NavLink>
          {user && <NavLink to="/feed">Feed</NavLink>}
          {user && <NavLink to="/bookmarks">Saved</NavLink>}
          {user && (isModerator(user) || hasPrivilege(privileges, 'review')) && (
            <NavLink to="/review">Review</NavLink>
          )}
          {user && isModerator(user) && <NavLink to="/moderation">Moderation</NavLink>}
          {user?.role === 'admin' && <NavLink to="/admin/settings">Settings</NavLink>}
        </nav>
        <HeaderSearch />
        <nav className="user-nav" aria-label="Account">
          {me.isPending ? null : user ? (
            <>
              <Link to="/ask" className="btn btn--primary btn--small">
                Ask
              </Link>
              <NavLink to="/notifications">
                Notifications
                <UnreadBadge userId={user.id} />
              </NavLink>
              <NavLink to={`/users/${encodeURIComponent(user.username)}`} data-testid="me-link">
                {user.username}
              </NavLink>
              <button
                type="button"
                className="btn btn--small"
                onClick={() => signOut.mutate()}
                disabled={signOut.isPending}
              >
                Sign out
              </button>
            </>
          ) : (
            <>
              <NavLink to="/signin">Sign in</NavLink>
              <Link to="/signup" className="btn btn--primary btn--small">
                Sign up
              </Link>
            </>
          )}
        </nav>
      </div>
      {user && !user.emailVerified && (
        <p className="notice">
          Your email address is not verified yet. <Link to="/verify-email">Verify it</Link> to secure your
          account.
        </p>
      )}
    </header>
  );
}
