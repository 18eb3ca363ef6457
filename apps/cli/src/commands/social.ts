import type { Command } from 'commander';
import { print } from '../output';
import { plural } from '../render';
import { requireSignIn, type Session } from '../session';
import { parseId, parseTarget } from '../targets';

type Open = (command: Command) => Promise<Session>;

/** A user id from `42` / `#42`, or looked up from a username. */
async function resolveUserId(session: Session, who: string): Promise<{ id: string; label: string }> {
  if (/^#?\d+$/.test(who)) return { id: parseId(who, 'user id'), label: `user #${who.replace(/^#/, '')}` };
  const profile = await session.client.user.byUsername.query({ username: who.replace(/^@/, '') });
  return { id: profile.id, label: profile.username };
}

/** `like`, `dislike`, `follow`, `unfollow`. */
export function registerSocialCommands(program: Command, open: Open): void {
  for (const value of ['like', 'dislike'] as const) {
    program
      .command(value)
      .description(`${value} a question, answer or reply (again with --undo to take it back)`)
      .argument('<target>', '"question", "answer" or "reply", or the short form Q12 / A5 / R7')
      .argument('[id]', 'the post id')
      .option('--undo', `remove your ${value}`)
      .action(
        async (target: string, id: string | undefined, options: { undo?: boolean }, command: Command) => {
          const session = await open(command);
          requireSignIn(session);
          const post = parseTarget(target, id, ['question', 'answer', 'reply']);
          const result = await session.client.reaction.set.mutate({
            targetType: post.type,
            targetId: post.id,
            value: options.undo ? null : value,
          });
          const label = `${post.type[0]?.toUpperCase()}${post.id}`;
          print(
            session.json,
            result,
            () =>
              `${options.undo ? `Removed your ${value} from` : `${value === 'like' ? 'Liked' : 'Disliked'}`} ${label}: score ${result.score} (▲${result.likes} ▼${result.dislikes}).\n`,
          );
        },
      );
  }

  for (const action of ['follow', 'unfollow'] as const) {
    program
      .command(action)
      .description(
        action === 'follow' ? 'follow a user: their posts appear in your feed' : 'stop following a user',
      )
      .argument('<user>', 'username (or #id)')
      .action(async (who: string, _options: unknown, command: Command) => {
        const session = await open(command);
        requireSignIn(session);
        const user = await resolveUserId(session, who);
        const result =
          action === 'follow'
            ? await session.client.follow.follow.mutate({ userId: user.id })
            : await session.client.follow.unfollow.mutate({ userId: user.id });
        print(
          session.json,
          result,
          () =>
            `${result.following ? 'Following' : 'Not following'} ${user.label} (${plural(result.followers, 'follower')}).\n`,
        );
      });
  }
}
