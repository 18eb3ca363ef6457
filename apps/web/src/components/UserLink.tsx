import { Link } from 'react-router';
import type { RouterOutputs } from '../lib/trpc';

/** A user as posts show them (the API's `userSummary`). */
export type UserSummary = RouterOutputs['question']['byId']['author'];

/** A round avatar: the user's image, or their initial. */
export function Avatar({
  user,
  small = false,
}: {
  user: Pick<UserSummary, 'username' | 'avatarUrl'>;
  small?: boolean;
}) {
  const className = small ? 'avatar avatar--small' : 'avatar';
  if (user.avatarUrl) return <img className={className} src={user.avatarUrl} alt="" />;
  return (
    <span className={className} aria-hidden="true">
      {user.username.slice(0, 1).toUpperCase()}
    </span>
  );
}

/** A link to a user's profile, showing their display name when they have one. */
export function UserLink({ user }: { user: UserSummary }) {
  return (
    <Link
      to={`/users/${encodeURIComponent(user.username)}`}
      className="row"
      style={{ display: 'inline-flex', gap: '0.3rem' }}
    >
      <Avatar user={user} small />
      {user.displayName ?? user.username}
    </Link>
  );
}
