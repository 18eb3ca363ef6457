import { type Counters, type Reaction, toggled } from '../lib/reactions';

/** Props of {@link VoteButtons}. */
export type VoteButtonsProps = {
  counters: Counters;
  /** What the post is called in labels ("question", "answer", "reply"). */
  noun: string;
  onReact: (next: Reaction) => void;
  /** Signed-out visitors see the counts but cannot press. */
  disabled?: boolean;
  /** Why the caller may not like / dislike (a missing privilege), or null: the button is disabled with it. */
  likeBlocked?: string | null;
  dislikeBlocked?: string | null;
  compact?: boolean;
};

/**
 * Like / dislike toggle buttons with the score between them. Pressing the active button again clears
 * the reaction. Buttons expose `aria-pressed` so assistive tech announces the state.
 */
export function VoteButtons({
  counters,
  noun,
  onReact,
  disabled = false,
  likeBlocked = null,
  dislikeBlocked = null,
  compact = false,
}: VoteButtonsProps) {
  const buttonClass = compact ? 'vote-btn vote-btn--small' : 'vote-btn';
  // A vote already cast can always be taken back, so only a new vote is blocked.
  const blocked = (value: Reaction, reason: string | null) =>
    disabled ? 'Sign in to vote' : counters.myReaction === value ? null : reason;
  const likeReason = blocked('like', likeBlocked);
  const dislikeReason = blocked('dislike', dislikeBlocked);
  return (
    <div className={compact ? 'votes votes--inline' : 'votes'}>
      <button
        type="button"
        className={buttonClass}
        aria-pressed={counters.myReaction === 'like'}
        aria-label={`Like this ${noun} (${counters.likes} likes)`}
        title={likeReason ?? undefined}
        disabled={likeReason !== null}
        onClick={() => onReact(toggled(counters.myReaction, 'like'))}
      >
        ▲ {counters.likes}
      </button>
      <span className="score" data-testid="score">
        <span className="visually-hidden">Score </span>
        {counters.score}
      </span>
      <button
        type="button"
        className={buttonClass}
        aria-pressed={counters.myReaction === 'dislike'}
        aria-label={`Dislike this ${noun} (${counters.dislikes} dislikes)`}
        title={dislikeReason ?? undefined}
        disabled={dislikeReason !== null}
        onClick={() => onReact(toggled(counters.myReaction, 'dislike'))}
      >
        ▼ {counters.dislikes}
      </button>
    </div>
  );
}
