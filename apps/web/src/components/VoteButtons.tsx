import { type Counters, type Reaction, toggled } from '../lib/reactions';

/** Props of {@link VoteButtons}. */
export type VoteButtonsProps = {
  counters: Counters;
  /** What the post is called in labels ("question", "answer", "reply"). */
  noun: string;
  onReact: (next: Reaction) => void;
  /** Signed-out visitors see the counts but cannot press. */
  disabled?: boolean;
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
  compact = false,
}: VoteButtonsProps) {
  const buttonClass = compact ? 'vote-btn vote-btn--small' : 'vote-btn';
  const title = disabled ? 'Sign in to vote' : undefined;
  return (
    <div className={compact ? 'votes votes--inline' : 'votes'}>
      <button
        type="button"
        className={buttonClass}
        aria-pressed={counters.myReaction === 'like'}
        aria-label={`Like this ${noun} (${counters.likes} likes)`}
        title={title}
        disabled={disabled}
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
        title={title}
        disabled={disabled}
        onClick={() => onReact(toggled(counters.myReaction, 'dislike'))}
      >
        ▼ {counters.dislikes}
      </button>
    </div>
  );
}
