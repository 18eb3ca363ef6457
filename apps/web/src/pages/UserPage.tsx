import { badgeLabels } from '@devflow/contract/badges';
import { BIO_MAX_LENGTH, DISPLAY_NAME_MAX_LENGTH } from '@devflow/contract/limits';
import { privilegeLabels } from '@devflow/contract/privileges';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useParams } from 'react-router';
import { LoadMore } from '../components/LoadMore';
import { QuestionList } from '../components/QuestionSummary';
import { SafeHtml } from '../components/SafeHtml';
import { SignInMethods } from '../components/SignInMethods';
import { Empty, ErrorMessage, Loading } from '../components/Status';
import { TimeAgo } from '../components/TimeAgo';
import { Avatar, UserLink } from '../components/UserLink';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { type Me, useMe } from '../hooks/useMe';
import { blockedReason, usePrivileges } from '../hooks/usePrivileges';
import { pluralWord } from '../lib/format';
import { type RouterOutputs, useTRPC } from '../lib/trpc';

type Profile = RouterOutputs['user']['byUsername'];

/**
 * Follow / Unfollow with an optimistic update: the button and the follower count change at once,
 * roll back if the server refuses, and settle on the server's answer.
 */
function FollowButton({ profile }: { profile: Profile }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const statusKey = trpc.follow.status.queryKey({ userId: profile.id });
  const profileKey = trpc.user.byUsername.queryKey({ username: profile.username });
  const status = useQuery(trpc.follow.status.queryOptions({ userId: profile.id }));
  const settle = (result: RouterOutputs['follow']['follow']) => {
    queryClient.setQueryData(statusKey, (data) => (data ? { ...data, following: result.following } : data));
    queryClient.setQueryData(profileKey, (data) => (data ? { ...data, followers: result.followers } : data));
  };
  const onMutate = (following: boolean) => async () => {
    await Promise.all([
      queryClient.cancelQueries({ queryKey: statusKey }),
      queryClient.cancelQueries({ queryKey: profileKey }),
    ]);
    const previous = {
      status: queryClient.getQueryData(statusKey),
      profile: queryClient.getQueryData(profileKey),
    };
    queryClient.setQueryData(statusKey, (data) => (data ? { ...data, following } : data));
    queryClient.setQueryData(profileKey, (data) =>
      data ? { ...data, followers: Math.max(0, data.followers + (following ? 1 : -1)) } : data,
    );
    return previous;
  };
  const onError = (
    _error: unknown,
    _input: unknown,
    previous: Awaited<ReturnType<ReturnType<typeof onMutate>>> | undefined,
  ) => {
    if (previous?.status) queryClient.setQueryData(statusKey, previous.status);
    if (previous?.profile) queryClient.setQueryData(profileKey, previous.profile);
  };
  const follow = useMutation(
    trpc.follow.follow.mutationOptions({ onMutate: onMutate(true), onError, onSuccess: settle }),
  );
  const unfollow = useMutation(
    trpc.follow.unfollow.mutationOptions({ onMutate: onMutate(false), onError, onSuccess: settle }),
  );
  if (status.isPending) return null;
  if (status.isError) return <ErrorMessage error={status.error} />;
  const following = status.data.following;
  return (
    <>
      <button
        type="button"
        className={following ? 'btn' : 'btn btn--primary'}
        aria-pressed={following}
        onClick={() => (following ? unfollow : follow).mutate({ userId: profile.id })}
      >
        {following ? 'Following' : 'Follow'}
      </button>
      <ErrorMessage error={follow.error ?? unfollow.error} />
    </>
  );
}

/** Edit display name, bio (markdown) and avatar URL (`user.updateProfile`). */
function EditProfileForm({ profile, onDone }: { profile: Profile; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [displayName, setDisplayName] = useState(profile.displayName ?? '');
  const [bio, setBio] = useState(profile.bio ?? '');
  const [avatarUrl, setAvatarUrl] = useState(profile.avatarUrl ?? '');
  const update = useMutation(
    trpc.user.updateProfile.mutationOptions({
      onSuccess: async (next) => {
        queryClient.setQueryData(trpc.user.byUsername.queryKey({ username: profile.username }), next);
        await queryClient.invalidateQueries(trpc.auth.me.queryFilter());
        onDone();
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    // An empty field clears it.
    update.mutate({ displayName: displayName.trim() || null, bio, avatarUrl: avatarUrl.trim() || null });
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="edit-profile">
      <h2 id="edit-profile">Edit profile</h2>
      <div className="field">
        <label htmlFor="display-name">Display name</label>
        <input
          id="display-name"
          maxLength={DISPLAY_NAME_MAX_LENGTH}
          value={displayName}
          onChange={(e) => setDisplayName(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="bio">
          Bio <span className="hint">(markdown, up to {BIO_MAX_LENGTH} characters)</span>
        </label>
        <textarea id="bio" maxLength={BIO_MAX_LENGTH} value={bio} onChange={(e) => setBio(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="avatar-url">
          Avatar URL <span className="hint">(https)</span>
        </label>
        <input
          id="avatar-url"
          type="url"
          pattern="https://.*"
          value={avatarUrl}
          onChange={(e) => setAvatarUrl(e.target.value)}
        />
      </div>
      <ErrorMessage error={update.error} />
      <div className="row">
        <button type="submit" className="btn btn--primary" disabled={update.isPending}>
          Save profile
        </button>
        <button type="button" className="btn" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** The user's questions, newest first, page by page. */
function UserQuestions({ userId }: { userId: string }) {
  const trpc = useTRPC();
  const query = useInfiniteQuery(
    trpc.question.list.infiniteQueryOptions(
      { sort: 'newest', authorId: userId, limit: 10 },
      { getNextPageParam: (page) => page.nextCursor },
    ),
  );
  if (query.isPending) return <Loading />;
  // Without data the failure is the whole story; with data (a later page failed) it shows under the list.
  if (!query.data) return <ErrorMessage error={query.error} retry={() => query.refetch()} />;
  return (
    <>
      <QuestionList items={query.data.pages.flatMap((page) => page.items)} empty="No questions yet." />
      <LoadMore {...query} />
    </>
  );
}

/** The user's answers, newest first, each linking to its question. */
function UserAnswers({ userId }: { userId: string }) {
  const trpc = useTRPC();
  const query = useInfiniteQuery(
    trpc.answer.byUser.infiniteQueryOptions(
      { userId, limit: 10 },
      { getNextPageParam: (page) => page.nextCursor },
    ),
  );
  if (query.isPending) return <Loading />;
  // Without data the failure is the whole story; with data (a later page failed) it shows under the list.
  if (!query.data) return <ErrorMessage error={query.error} retry={() => query.refetch()} />;
  const items = query.data.pages.flatMap((page) => page.items);
  if (items.length === 0) return <Empty>No answers yet.</Empty>;
  return (
    <>
      <ul className="plain-list card">
        {items.map((answer) => (
          <li key={answer.id}>
            <Link to={`/questions/${answer.questionId}`}>{answer.questionTitle}</Link>
            <div className="meta">
              {answer.accepted && <span className="accepted-badge">✓ accepted</span>}
              <span>score {answer.score}</span>
              <TimeAgo iso={answer.createdAt} />
            </div>
          </li>
        ))}
      </ul>
      <LoadMore {...query} />
    </>
  );
}

/** Who follows this user, or whom they follow (`follow.followers` / `follow.following`), page by page. */
function FollowList({ userId, direction }: { userId: string; direction: 'followers' | 'following' }) {
  const trpc = useTRPC();
  const procedure = direction === 'followers' ? trpc.follow.followers : trpc.follow.following;
  const query = useInfiniteQuery(
    procedure.infiniteQueryOptions({ userId, limit: 20 }, { getNextPageParam: (page) => page.nextCursor }),
  );
  if (query.isPending) return <Loading />;
  // Without data the failure is the whole story; with data (a later page failed) it shows under the list.
  if (!query.data) return <ErrorMessage error={query.error} retry={() => query.refetch()} />;
  const items = query.data.pages.flatMap((page) => page.items);
  if (items.length === 0)
    return <Empty>{direction === 'followers' ? 'No followers yet.' : 'Not following anyone yet.'}</Empty>;
  return (
    <>
      <ul className="plain-list card">
        {items.map((user) => (
          <li key={user.id} className="row" style={{ justifyContent: 'space-between' }}>
            <UserLink user={user} />
            <span className="meta">
              <TimeAgo iso={user.followedAt} prefix="since" />
            </span>
          </li>
        ))}
      </ul>
      <LoadMore {...query} />
    </>
  );
}

/** Questions, answers, followers and following of a profile, as tabs. */
function ProfileTabs({ userId }: { userId: string }) {
  const tabs = [
    { key: 'activity', label: 'Questions & answers' },
    { key: 'followers', label: 'Followers' },
    { key: 'following', label: 'Following' },
  ] as const;
  const [tab, setTab] = useState<(typeof tabs)[number]['key']>('activity');
  return (
    <>
      <div className="tabs" role="tablist" aria-label="Profile sections">
        {tabs.map((option) => (
          <button
            key={option.key}
            type="button"
            role="tab"
            aria-selected={tab === option.key}
            onClick={() => setTab(option.key)}
          >
            {option.label}
          </button>
        ))}
      </div>
      <div role="tabpanel">
        {tab === 'activity' ? (
          <div className="grid-2">
            <section aria-labelledby="their-questions">
              <h2 id="their-questions">Questions</h2>
              <UserQuestions userId={userId} />
            </section>
            <section aria-labelledby="their-answers">
              <h2 id="their-answers">Answers</h2>
              <UserAnswers userId={userId} />
            </section>
          </div>
        ) : (
          <FollowList userId={userId} direction={tab} />
        )}
      </div>
    </>
  );
}

/** Header card of a profile: avatar, names, bio, counters, follow or edit. */
function ProfileCard({ profile, me }: { profile: Profile; me: Me }) {
  const [editing, setEditing] = useState(false);
  const isMe = me?.id === profile.id;
  if (editing) return <EditProfileForm profile={profile} onDone={() => setEditing(false)} />;
  return (
    <section className="card profile" aria-labelledby="profile-name">
      <Avatar user={profile} />
      <div>
        <div className="row" style={{ justifyContent: 'space-between' }}>
          <div>
            <h1 id="profile-name">{profile.displayName ?? profile.username}</h1>
            <p className="muted">
              @{profile.username}
              {profile.role !== 'user' && (
                <span className="tag" style={{ marginLeft: '0.5rem' }}>
                  {profile.role}
                </span>
              )}{' '}
              · joined <TimeAgo iso={profile.createdAt} />
            </p>
          </div>
          <div className="row">
            {isMe ? (
              <button type="button" className="btn" onClick={() => setEditing(true)}>
                Edit profile
              </button>
            ) : me ? (
              <FollowButton profile={profile} />
            ) : null}
          </div>
        </div>
        <ul className="stats" aria-label="Statistics">
          <li>
            <strong data-testid="reputation">{profile.reputation}</strong> reputation
          </li>
          <li>
            <strong>{profile.questions}</strong> {pluralWord(profile.questions, 'question')}
          </li>
          <li>
            <strong>{profile.answers}</strong> {pluralWord(profile.answers, 'answer')}
          </li>
          <li>
            <strong data-testid="followers">{profile.followers}</strong>{' '}
            {pluralWord(profile.followers, 'follower')}
          </li>
          <li>
            <strong>{profile.following}</strong> following
          </li>
        </ul>
        {profile.bioHtml ? (
          <SafeHtml html={profile.bioHtml} />
        ) : isMe ? (
          <p className="muted">Add a bio so others know you.</p>
        ) : null}
      </div>
    </section>
  );
}

/** The badges a user earned, with what earned each. */
function Badges({ profile }: { profile: Profile }) {
  if (profile.badges.length === 0) return null;
  return (
    <section className="card" aria-labelledby="badges-title">
      <h2 id="badges-title">Badges</h2>
      <ul className="plain-list" data-testid="badges">
        {profile.badges.map((held) => (
          <li key={held.badge} data-badge={held.badge}>
            <strong>{badgeLabels[held.badge].title}</strong>{' '}
            <span className="muted">{badgeLabels[held.badge].description}</span>{' '}
            <span className="meta" style={{ display: 'inline-flex' }}>
              <TimeAgo iso={held.awardedAt} />
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * Your privileges (on your own profile): what your reputation lets you do, and what needs more — the
 * same table and sentences the API decides and refuses with.
 */
function MyPrivileges() {
  const query = usePrivileges();
  if (query.isPending) return null;
  if (query.isError) return <ErrorMessage error={query.error} retry={() => query.refetch()} />;
  const privileges = query.data;
  const granted = privileges.privileges.filter((row) => row.granted);
  const missing = privileges.privileges.filter((row) => !row.granted);
  return (
    <section className="card" aria-labelledby="privileges-title" data-testid="privileges">
      <h2 id="privileges-title">Your privileges</h2>
      <p className="muted">
        {privileges.reputation} reputation · {privileges.preset === 'team' ? 'team' : 'community'} rules
      </p>
      <div className="grid-2">
        <div>
          <h3>What you can do</h3>
          {granted.length === 0 ? (
            <p className="muted">Nothing yet.</p>
          ) : (
            <ul data-testid="privileges-granted">
              {granted.map((row) => (
                <li key={row.name}>{privilegeLabels[row.name].can}</li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <h3>Needs more reputation</h3>
          {missing.length === 0 ? (
            <p className="muted">Nothing: you have every privilege.</p>
          ) : (
            <ul data-testid="privileges-missing">
              {missing.map((row) => (
                <li key={row.name}>
                  {privilegeLabels[row.name].can}:{' '}
                  <span className="muted">
                    {blockedReason(privileges, row.name) ?? 'not while suspended'}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </section>
  );
}

/** A user's profile page: card, questions and answers. */
export function UserPage() {
  const { username = '' } = useParams();
  const trpc = useTRPC();
  const me = useMe().data ?? null;
  const query = useQuery(trpc.user.byUsername.queryOptions({ username }));
  useDocumentTitle(query.data ? (query.data.displayName ?? query.data.username) : 'Profile');
  if (query.isPending) return <Loading label="Loading the profile…" />;
  if (query.isError) return <ErrorMessage error={query.error} retry={() => query.refetch()} />;
  const profile = query.data;
  return (
    <div className="stack">
      <ProfileCard profile={profile} me={me} />
      <Badges profile={profile} />
      {me?.id === profile.id && <MyPrivileges />}
      {me?.id === profile.id && <SignInMethods returnTo={`/users/${encodeURIComponent(profile.username)}`} />}
      <ProfileTabs key={profile.id} userId={profile.id} />
    </div>
  );
}
