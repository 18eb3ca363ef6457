import { keepPreviousData, useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useDeferredValue, useState } from 'react';
import { Link } from 'react-router';
import { LoadMore } from '../components/LoadMore';
import { RequireUser } from '../components/RequireUser';
import { Empty, ErrorMessage, Loading } from '../components/Status';
import { TimeAgo } from '../components/TimeAgo';
import { UserLink } from '../components/UserLink';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { isModerator, type Me } from '../hooks/useMe';
import { type RouterInputs, type RouterOutputs, useTRPC } from '../lib/trpc';

type Role = RouterInputs['user']['setRole']['role'];
type ListedUser = RouterOutputs['user']['list']['items'][number];

const ROLES: Role[] = ['user', 'moderator', 'admin'];

/** Soft-deleted questions, newest first, each with a Restore button. */
function DeletedQuestions() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const query = useInfiniteQuery(
    trpc.question.list.infiniteQueryOptions(
      { sort: 'newest', deleted: true, limit: 20 },
      { getNextPageParam: (page) => page.nextCursor },
    ),
  );
  const restore = useMutation(
    trpc.question.restore.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.question.pathFilter()),
    }),
  );
  if (query.isPending) return <Loading />;
  // Without data the failure is the whole story; with data (a later page failed) it shows under the list.
  if (!query.data) return <ErrorMessage error={query.error} retry={() => query.refetch()} />;
  const items = query.data.pages.flatMap((page) => page.items);
  return (
    <>
      <ErrorMessage error={restore.error} />
      {items.length === 0 ? (
        <Empty>No deleted questions.</Empty>
      ) : (
        <ul className="plain-list card">
          {items.map((question) => (
            <li key={question.id} className="row" style={{ justifyContent: 'space-between' }}>
              <span>
                <Link to={`/questions/${question.id}`}>{question.title}</Link>
                <span className="meta">
                  by <UserLink user={question.author} /> <TimeAgo iso={question.createdAt} />
                </span>
              </span>
              <button
                type="button"
                className="btn btn--small"
                disabled={restore.isPending}
                onClick={() => restore.mutate({ id: question.id })}
              >
                Restore
              </button>
            </li>
          ))}
        </ul>
      )}
      <LoadMore {...query} />
    </>
  );
}

/** Suspend until a date, or lift a suspension; admins also pick the role. */
function UserRow({ user, me }: { user: ListedUser; me: NonNullable<Me> }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [until, setUntil] = useState('');
  const refresh = () => queryClient.invalidateQueries(trpc.user.list.pathFilter());
  const suspend = useMutation(trpc.user.suspend.mutationOptions({ onSuccess: refresh }));
  const unsuspend = useMutation(trpc.user.unsuspend.mutationOptions({ onSuccess: refresh }));
  const setRole = useMutation(trpc.user.setRole.mutationOptions({ onSuccess: refresh }));
  const suspended = user.suspendedUntil !== null && new Date(user.suspendedUntil) > new Date();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    suspend.mutate({ userId: user.id, ...(until ? { until: new Date(until).toISOString() } : {}) });
  };
  return (
    <tr>
      <td>
        <UserLink user={user} />
      </td>
      <td>
        {me.role === 'admin' && user.id !== me.id ? (
          <>
            <label htmlFor={`role-${user.id}`} className="visually-hidden">
              Role of {user.username}
            </label>
            <select
              id={`role-${user.id}`}
              value={user.role}
              disabled={setRole.isPending}
              onChange={(event) => {
                const role = ROLES.find((r) => r === event.target.value);
                if (role) setRole.mutate({ userId: user.id, role });
              }}
            >
              {ROLES.map((role) => (
                <option key={role} value={role}>
                  {role}
                </option>
              ))}
            </select>
          </>
        ) : (
          user.role
        )}
      </td>
      <td>
        {suspended && user.suspendedUntil ? (
          <span>
            until <TimeAgo iso={user.suspendedUntil} />
          </span>
        ) : (
          <span className="muted">active</span>
        )}
      </td>
      <td>
        {user.id === me.id ? null : suspended ? (
          <button
            type="button"
            className="btn btn--small"
            disabled={unsuspend.isPending}
            onClick={() => unsuspend.mutate({ userId: user.id })}
          >
            Lift suspension
          </button>
        ) : (
          <form className="row" onSubmit={submit}>
            <label htmlFor={`until-${user.id}`} className="visually-hidden">
              Suspend {user.username} until
            </label>
            <input
              id={`until-${user.id}`}
              type="datetime-local"
              value={until}
              onChange={(e) => setUntil(e.target.value)}
              style={{ width: 'auto' }}
            />
            <button type="submit" className="btn btn--small btn--danger" disabled={suspend.isPending}>
              Suspend
            </button>
          </form>
        )}
        <ErrorMessage error={suspend.error ?? unsuspend.error ?? setRole.error} />
      </td>
    </tr>
  );
}

/** Every user (or those matching the search), with their role and suspension. */
function UserTable({ me }: { me: NonNullable<Me> }) {
  const trpc = useTRPC();
  const [search, setSearch] = useState('');
  const q = useDeferredValue(search.trim());
  const query = useInfiniteQuery(
    trpc.user.list.infiniteQueryOptions(
      { limit: 50, ...(q ? { q } : {}) },
      { getNextPageParam: (page) => page.nextCursor, placeholderData: keepPreviousData },
    ),
  );
  const searchBox = (
    <div className="field" style={{ maxWidth: '22rem' }}>
      <label htmlFor="user-search">Find users</label>
      <input
        id="user-search"
        type="search"
        value={search}
        onChange={(event) => setSearch(event.target.value)}
      />
    </div>
  );
  if (query.isPending) {
    return (
      <>
        {searchBox}
        <Loading />
      </>
    );
  }
  // Without data the failure is the whole story; with data (a later page failed) it shows under the list.
  if (!query.data) return <ErrorMessage error={query.error} retry={() => query.refetch()} />;
  const items = query.data.pages.flatMap((page) => page.items);
  return (
    <>
      {searchBox}
      {items.length === 0 && <Empty>No users match “{q}”.</Empty>}
      <div className="card table-scroll">
        <table className="data">
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {items.map((user) => (
              <UserRow key={user.id} user={user} me={me} />
            ))}
          </tbody>
        </table>
      </div>
      <LoadMore {...query} />
    </>
  );
}

/** Moderators' tools: restore deleted questions, suspend users; admins change roles. */
function Moderation({ me }: { me: NonNullable<Me> }) {
  const [tab, setTab] = useState<'deleted' | 'users'>('deleted');
  if (!isModerator(me)) {
    return <p className="alert">Only moderators and admins can open the moderation page.</p>;
  }
  return (
    <>
      <div className="tabs" role="tablist" aria-label="Moderation">
        <button type="button" role="tab" aria-selected={tab === 'deleted'} onClick={() => setTab('deleted')}>
          Deleted questions
        </button>
        <button type="button" role="tab" aria-selected={tab === 'users'} onClick={() => setTab('users')}>
          Users
        </button>
      </div>
      <div role="tabpanel">{tab === 'deleted' ? <DeletedQuestions /> : <UserTable me={me} />}</div>
    </>
  );
}

/** The moderation page (moderators and admins). */
export function ModerationPage() {
  useDocumentTitle('Moderation');
  return (
    <>
      <h1>Moderation</h1>
      <RequireUser>{(me) => <Moderation me={me} />}</RequireUser>
    </>
  );
}
