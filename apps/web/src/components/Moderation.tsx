import { FLAG_NOTE_MAX } from '@devflow/contract/limits';
import {
  CLOSE_CONTROL_LABELS,
  CLOSE_REASON_LABELS,
  closeVoteTally,
  FLAG_REASON_LABELS,
  QUESTION_CLOSED_MESSAGE,
} from '@devflow/contract/messages';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { Link } from 'react-router';
import { type RouterOutputs, useTRPC } from '../lib/trpc';
import { ErrorMessage } from './Status';

type Question = RouterOutputs['question']['byId'];
type CloseReason = keyof typeof CLOSE_REASON_LABELS;
type FlagReason = keyof typeof FLAG_REASON_LABELS;

/** The banner of a closed question: why, since when, by whom, and the original of a duplicate. */
export function ClosedBanner({ closed }: { closed: NonNullable<Question['closed']> }) {
  return (
    <div className="card closed-banner" role="status" data-testid="closed-banner">
      <strong>Closed.</strong> {CLOSE_REASON_LABELS[closed.reason]}
      {closed.duplicateOf && (
        <>
          {' '}
          Original: <Link to={`/questions/${closed.duplicateOf.id}`}>{closed.duplicateOf.title}</Link>
        </>
      )}{' '}
      <span className="muted small">{QUESTION_CLOSED_MESSAGE}</span>
    </div>
  );
}

/**
 * Close (with a reason, and the original's id for a duplicate) or reopen a question: at once for a
 * moderator; as a vote for a user with the `closeVotes` privilege, who then reads the tally
 * ("Your vote counts: 1 of 3 close votes.") until enough votes change the question.
 */
export function CloseControls({ question, moderator }: { question: Question; moderator: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState<CloseReason>('off-topic');
  const [original, setOriginal] = useState('');
  const [outcome, setOutcome] = useState('');
  const labels = CLOSE_CONTROL_LABELS[moderator ? 'moderator' : 'voter'];
  const onSuccess = async (result: RouterOutputs['question']['close']) => {
    setOutcome(
      (result.closed === null) === (question.closed === null)
        ? closeVoteTally(question.closed ? 'reopen' : 'close', result.votes, result.votesNeeded)
        : '',
    );
    await queryClient.invalidateQueries(trpc.question.pathFilter());
  };
  const close = useMutation(trpc.question.close.mutationOptions({ onSuccess }));
  const reopen = useMutation(trpc.question.reopen.mutationOptions({ onSuccess }));
  if (question.closed) {
    return (
      <div className="row">
        <button
          type="button"
          className="btn btn--small"
          disabled={reopen.isPending}
          onClick={() => reopen.mutate({ id: question.id })}
        >
          {labels.reopen}
        </button>
        {outcome && (
          <span className="muted small" role="status">
            {outcome}
          </span>
        )}
        <ErrorMessage error={reopen.error} />
      </div>
    );
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    close.mutate({
      id: question.id,
      reason,
      ...(reason === 'duplicate' ? { duplicateOfId: original.replace(/\D/g, '') } : {}),
    });
  };
  return (
    <details className="close-menu">
      <summary className="btn btn--link btn--small">{labels.open}</summary>
      <form className="stack" onSubmit={submit} aria-label="Close this question">
        {(Object.keys(CLOSE_REASON_LABELS) as CloseReason[]).map((key) => (
          <label key={key} className="small">
            <input
              type="radio"
              name="close-reason"
              checked={reason === key}
              onChange={() => setReason(key)}
            />{' '}
            {CLOSE_REASON_LABELS[key]}
          </label>
        ))}
        {reason === 'duplicate' && (
          <label className="small">
            Original question id{' '}
            <input value={original} onChange={(event) => setOriginal(event.target.value)} required />
          </label>
        )}
        <button type="submit" className="btn btn--small" disabled={close.isPending}>
          {labels.submit}
        </button>
        {outcome && (
          <span className="muted small" role="status">
            {outcome}
          </span>
        )}
        <ErrorMessage error={close.error} />
      </form>
    </details>
  );
}

/** A post's flag menu: a reason, an optional note, and the answer of the server. */
export function FlagMenu({
  targetType,
  targetId,
}: {
  targetType: 'question' | 'answer' | 'reply';
  targetId: string;
}) {
  const trpc = useTRPC();
  const [reason, setReason] = useState<FlagReason>('spam');
  const [note, setNote] = useState('');
  const flag = useMutation(trpc.flag.create.mutationOptions());
  const submit = (event: FormEvent) => {
    event.preventDefault();
    flag.mutate({ targetType, targetId, reason, ...(note.trim() ? { note: note.trim() } : {}) });
  };
  return (
    <details className="flag-menu">
      <summary className="btn btn--link btn--small">Flag</summary>
      {flag.isSuccess ? (
        <p className="small" role="status">
          Thanks, a reviewer will look at it.
          {flag.data.postHidden ? ' The post is now hidden pending review.' : ''}
        </p>
      ) : (
        <form className="stack" onSubmit={submit} aria-label={`Flag this ${targetType}`}>
          {(Object.keys(FLAG_REASON_LABELS) as FlagReason[]).map((key) => (
            <label key={key} className="small">
              <input
                type="radio"
                name={`flag-${targetType}-${targetId}`}
                checked={reason === key}
                onChange={() => setReason(key)}
              />{' '}
              {FLAG_REASON_LABELS[key]}
            </label>
          ))}
          <input
            aria-label="Note for the reviewers"
            placeholder="Note for the reviewers (optional)"
            maxLength={FLAG_NOTE_MAX}
            value={note}
            onChange={(event) => setNote(event.target.value)}
          />
          <button type="submit" className="btn btn--small" disabled={flag.isPending}>
            Flag {targetType}
          </button>
          <ErrorMessage error={flag.error} />
        </form>
      )}
    </details>
  );
}

/** Questions similar to the title being typed (after a pause), for the ask form. */
export function SimilarQuestions({ title }: { title: string }) {
  const trpc = useTRPC();
  const [settled, setSettled] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setSettled(title.trim()), 300);
    return () => clearTimeout(timer);
  }, [title]);
  const query = useQuery({
    ...trpc.question.similar.queryOptions({ title: settled }),
    enabled: settled.length >= 3,
  });
  const items = query.data ?? [];
  if (settled.length < 3 || items.length === 0) return null;
  return (
    <section className="similar" aria-label="Similar questions">
      <p className="small muted">Similar questions — yours may already have an answer:</p>
      <ul>
        {items.map((item) => (
          <li key={item.id}>
            <Link to={`/questions/${item.id}`} target="_blank">
              {item.title}
            </Link>{' '}
            <span className="muted small">
              {item.answerCount} answers{item.hasAcceptedAnswer ? ', accepted' : ''}
              {item.closed ? ', closed' : ''}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The optional comment a suggested edit carries for its reviewers (`edit.suggest`'s `comment`). */
export function SuggestionComment({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>
        Edit summary <span className="hint">(optional: what you changed and why, for the reviewers)</span>
      </label>
      <input
        id={id}
        maxLength={FLAG_NOTE_MAX}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
    </div>
  );
}
