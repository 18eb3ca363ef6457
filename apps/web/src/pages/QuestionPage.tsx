import { EDIT_SUGGESTED_MESSAGE } from '@devflow/contract/messages';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { PostBodyEditor } from '../components/MarkdownEditor';
import { CloseControls, ClosedBanner, FlagMenu, SuggestionComment } from '../components/Moderation';
import { ReplyThread } from '../components/ReplyThread';
import { SafeHtml } from '../components/SafeHtml';
import { ErrorMessage, Loading } from '../components/Status';
import { TagList } from '../components/TagList';
import { TimeAgo } from '../components/TimeAgo';
import { UserLink } from '../components/UserLink';
import { VoteButtons } from '../components/VoteButtons';
import { BookmarkButton, WatchQuestionButton } from '../components/WatchButtons';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { type LiveQuestion, useLiveQuestion } from '../hooks/useLiveQuestion';
import { isModerator, type Me, useMe } from '../hooks/useMe';
import { blockedReason, hasPrivilege, type Privileges, usePrivileges } from '../hooks/usePrivileges';
import { useQuestionReaction } from '../hooks/useReactions';
import { plural } from '../lib/format';
import { type RouterOutputs, useTRPC } from '../lib/trpc';

type Question = RouterOutputs['question']['byId'];
type Answer = Question['answers'][number];

/** Accepted answer first, then by score, then oldest first. */
export function sortAnswers(answers: readonly Answer[]): Answer[] {
  return [...answers].sort(
    (a, b) =>
      Number(b.accepted) - Number(a.accepted) || b.score - a.score || a.createdAt.localeCompare(b.createdAt),
  );
}

function canModify(me: Me, authorId: string): boolean {
  return Boolean(me && (me.id === authorId || isModerator(me)));
}

/** Authors and moderators edit; so do users whose reputation earned `editOthers`. */
function canEdit(me: Me, authorId: string, privileges: Privileges | undefined): boolean {
  return canModify(me, authorId) || Boolean(me && hasPrivilege(privileges, 'editOthers'));
}

/**
 * Signed-in users who may not edit someone else's post suggest an edit to it instead (`edit.suggest`),
 * once their privileges are known.
 */
function canSuggest(me: Me, authorId: string, privileges: Privileges | undefined): boolean {
  return Boolean(me && privileges && me.id !== authorId && !canEdit(me, authorId, privileges));
}

/** One answer: votes, body, accept button for the question's author, edit/delete, replies. */
/** The banner on a deleted question or answer (only moderators see those), with its Restore button. */
function DeletedNote({
  noun,
  pending,
  onRestore,
}: {
  noun: 'question' | 'answer';
  pending: boolean;
  onRestore: () => void;
}) {
  return (
    <p className="deleted-note row" style={{ justifyContent: 'space-between' }}>
      This {noun} is deleted; only moderators see it.
      <button type="button" className="btn btn--small" onClick={onRestore} disabled={pending}>
        Restore
      </button>
    </p>
  );
}

function AnswerItem({ answer, question, me }: { answer: Answer; question: Question; me: Me }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // Editing the answer, or suggesting an edit to it (`edit.suggest`, with an optional comment).
  const [editing, setEditing] = useState<'edit' | 'suggest' | null>(null);
  const [body, setBody] = useState(answer.body);
  const [comment, setComment] = useState('');
  const react = useQuestionReaction(question.id);
  const detailKey = trpc.question.byId.queryKey({ id: question.id });
  const refresh = () => queryClient.invalidateQueries({ queryKey: detailKey });
  // accept/unaccept answer with the whole question: put it straight into the cache.
  const onAccepted = (next: Question) => queryClient.setQueryData(detailKey, next);
  const accept = useMutation(trpc.answer.accept.mutationOptions({ onSuccess: onAccepted }));
  const unaccept = useMutation(trpc.answer.unaccept.mutationOptions({ onSuccess: onAccepted }));
  const restore = useMutation(trpc.answer.restore.mutationOptions({ onSuccess: refresh }));
  const update = useMutation(
    trpc.answer.update.mutationOptions({
      onSuccess: async () => {
        await refresh();
        setEditing(null);
      },
    }),
  );
  const suggest = useMutation(
    trpc.edit.suggest.mutationOptions({
      onSuccess: () => {
        setEditing(null);
        setComment('');
      },
    }),
  );
  const remove = useMutation(trpc.answer.delete.mutationOptions({ onSuccess: refresh }));
  const isQuestionAuthor = me?.id === question.author.id;
  const privileges = usePrivileges().data;
  const save = (event: FormEvent) => {
    event.preventDefault();
    if (editing === 'suggest') {
      suggest.mutate({
        targetType: 'answer',
        targetId: answer.id,
        body,
        comment: comment.trim() || undefined,
      });
    } else {
      update.mutate({ id: answer.id, body });
    }
  };
  const mutation = editing === 'suggest' ? suggest : update;
  return (
    <article
      className={`card post${answer.accepted ? ' post--accepted' : ''}${answer.deleted ? ' post--deleted' : ''}`}
      aria-label={`Answer by ${answer.author.username}`}
      id={`answer-${answer.id}`}
      data-testid="answer"
    >
      <VoteButtons
        noun="answer"
        counters={answer}
        disabled={!me}
        likeBlocked={blockedReason(privileges, 'voteUp')}
        dislikeBlocked={blockedReason(privileges, 'voteDown')}
        onReact={(value) => react.mutate({ targetType: 'answer', targetId: answer.id, value })}
      />
      <div>
        {answer.accepted && <p className="accepted-badge">✓ Accepted answer</p>}
        {answer.deleted && (
          <DeletedNote
            noun="answer"
            pending={restore.isPending}
            onRestore={() => restore.mutate({ id: answer.id })}
          />
        )}
        {editing ? (
          <form onSubmit={save}>
            <PostBodyEditor
              label={editing === 'suggest' ? 'Suggest an edit to this answer' : 'Edit your answer'}
              value={body}
              onChange={setBody}
              withHint={false}
            />
            {editing === 'suggest' && <SuggestionComment value={comment} onChange={setComment} />}
            <ErrorMessage error={mutation.error} />
            <div className="row">
              <button type="submit" className="btn btn--primary btn--small" disabled={mutation.isPending}>
                {editing === 'suggest' ? 'Suggest this edit' : 'Save'}
              </button>
              <button type="button" className="btn btn--small" onClick={() => setEditing(null)}>
                Cancel
              </button>
            </div>
          </form>
        ) : (
          <SafeHtml html={answer.bodyHtml} />
        )}
        {suggest.isSuccess && !editing && (
          <p className="muted small" role="status">
            {EDIT_SUGGESTED_MESSAGE}
          </p>
        )}
        <ErrorMessage
          error={react.error ?? accept.error ?? unaccept.error ?? remove.error ?? restore.error}
        />
        <div className="row" style={{ justifyContent: 'space-between', marginTop: '0.5rem' }}>
          <div className="row">
            {me && me.id !== answer.author.id && !answer.deleted && (
              <FlagMenu targetType="answer" targetId={answer.id} />
            )}
            {isQuestionAuthor && !answer.accepted && (
              <button
                type="button"
                className="btn btn--small"
                onClick={() => accept.mutate({ answerId: answer.id })}
                disabled={accept.isPending}
              >
                Accept this answer
              </button>
            )}
            {me && !answer.deleted && <BookmarkButton targetType="answer" targetId={answer.id} />}
            {canEdit(me, answer.author.id, privileges) && !editing && (
              <button type="button" className="btn btn--link btn--small" onClick={() => setEditing('edit')}>
                Edit
              </button>
            )}
            {canSuggest(me, answer.author.id, privileges) && !answer.deleted && !editing && (
              <button
                type="button"
                className="btn btn--link btn--small"
                onClick={() => setEditing('suggest')}
              >
                Suggest an edit
              </button>
            )}
            {canModify(me, answer.author.id) && !editing && (
              <button
                type="button"
                className="btn btn--link btn--small btn--danger"
                disabled={remove.isPending}
                onClick={() => window.confirm('Delete this answer?') && remove.mutate({ id: answer.id })}
              >
                Delete
              </button>
            )}
          </div>
          <span className="meta">
            answered <TimeAgo iso={answer.createdAt} /> by <UserLink user={answer.author} />
          </span>
        </div>
        {!answer.deleted && <ReplyThread targetType="answer" targetId={answer.id} questionId={question.id} />}
      </div>
    </article>
  );
}

/** The "Your answer" form at the bottom of a question. */
function AnswerForm({ questionId }: { questionId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [body, setBody] = useState('');
  const create = useMutation(
    trpc.answer.create.mutationOptions({
      onSuccess: async () => {
        setBody('');
        await queryClient.invalidateQueries(trpc.question.byId.queryFilter({ id: questionId }));
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ questionId, body });
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="your-answer">
      <h2 id="your-answer">Your answer</h2>
      <PostBodyEditor id="answer-body" label="Answer" value={body} onChange={setBody} />
      <ErrorMessage error={create.error} />
      <button type="submit" className="btn btn--primary" disabled={create.isPending}>
        {create.isPending ? 'Posting…' : 'Post your answer'}
      </button>
    </form>
  );
}

/** The edit history of a question (`question.revisions`), loaded when the disclosure opens. */
function QuestionHistory({ questionId }: { questionId: string }) {
  const trpc = useTRPC();
  const [open, setOpen] = useState(false);
  const query = useQuery(trpc.question.revisions.queryOptions({ id: questionId }, { enabled: open }));
  return (
    <details className="small" onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>Edit history</summary>
      {!open ? null : query.isPending ? (
        <Loading />
      ) : query.isError ? (
        <ErrorMessage error={query.error} retry={() => query.refetch()} />
      ) : query.data.length === 0 ? (
        <p className="muted">Never edited.</p>
      ) : (
        <ol className="plain-list">
          {query.data.map((revision) => (
            <li key={revision.id}>
              <div className="meta">
                <UserLink user={revision.editor} /> <TimeAgo iso={revision.createdAt} />
              </div>
              {revision.title && <strong>{revision.title}</strong>}
              <pre className="prose" style={{ whiteSpace: 'pre-wrap', margin: '0.25rem 0' }}>
                {revision.body}
              </pre>
            </li>
          ))}
        </ol>
      )}
    </details>
  );
}

/** The question itself: title, votes, body, tags, author, edit/delete. */
function QuestionBody({ question, me }: { question: Question; me: Me }) {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const react = useQuestionReaction(question.id);
  const privileges = usePrivileges().data;
  const remove = useMutation(
    trpc.question.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.question.pathFilter());
        navigate('/');
      },
    }),
  );
  const restore = useMutation(
    trpc.question.restore.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.question.pathFilter()),
    }),
  );
  return (
    <article
      className={question.deleted ? 'card post post--deleted' : 'card post'}
      aria-labelledby="question-title"
      data-testid="question"
    >
      <VoteButtons
        noun="question"
        counters={question}
        disabled={!me}
        likeBlocked={blockedReason(privileges, 'voteUp')}
        dislikeBlocked={blockedReason(privileges, 'voteDown')}
        onReact={(value) => react.mutate({ targetType: 'question', targetId: question.id, value })}
      />
      <div>
        {question.deleted && (
          <DeletedNote
            noun="question"
            pending={restore.isPending}
            onRestore={() => restore.mutate({ id: question.id })}
          />
        )}
        <SafeHtml html={question.bodyHtml} />
        <ErrorMessage error={react.error ?? remove.error ?? restore.error} />
        <div className="row" style={{ justifyContent: 'space-between', marginTop: '0.75rem' }}>
          <div className="stack">
            <TagList tags={question.tags} />
            {me && !question.deleted && (
              <div className="row">
                <WatchQuestionButton questionId={question.id} />
                <BookmarkButton targetType="question" targetId={question.id} />
              </div>
            )}
            {canEdit(me, question.author.id, privileges) && !question.deleted && (
              <div className="row">
                <Link className="btn btn--link btn--small" to={`/questions/${question.id}/edit`}>
                  Edit
                </Link>
                {canModify(me, question.author.id) && (
                  <button
                    type="button"
                    className="btn btn--link btn--small btn--danger"
                    disabled={remove.isPending}
                    onClick={() =>
                      window.confirm('Delete this question?') && remove.mutate({ id: question.id })
                    }
                  >
                    Delete
                  </button>
                )}
              </div>
            )}
            {canSuggest(me, question.author.id, privileges) && !question.deleted && (
              <div className="row">
                <Link className="btn btn--link btn--small" to={`/questions/${question.id}/suggest-edit`}>
                  Suggest an edit
                </Link>
              </div>
            )}
          </div>
          <span className="meta">
            asked <TimeAgo iso={question.createdAt} /> by <UserLink user={question.author} />
          </span>
        </div>
        <div className="row">
          {me && me.id !== question.author.id && !question.deleted && (
            <FlagMenu targetType="question" targetId={question.id} />
          )}
          {(isModerator(me) || hasPrivilege(privileges, 'closeVotes')) && !question.deleted && (
            <CloseControls question={question} moderator={isModerator(me)} />
          )}
        </div>
        {question.updatedAt !== question.createdAt && <QuestionHistory questionId={question.id} />}
        <ReplyThread targetType="question" targetId={question.id} questionId={question.id} />
      </div>
    </article>
  );
}

/**
 * "2 new answers — show" / "1 new reply — show": what arrived live from others, fixed at the bottom of
 * the window so that announcing it moves nothing on the page.
 */
function LiveNews({
  live,
  onShowAnswers,
}: {
  live: LiveQuestion;
  onShowAnswers: (id: string | null) => void;
}) {
  if (live.newAnswers === 0 && live.newReplies === 0) return null;
  return (
    <div className="live-news" role="status">
      {live.newAnswers > 0 && (
        <button
          type="button"
          className="btn btn--primary btn--small"
          onClick={() => onShowAnswers(live.showAnswers())}
        >
          {`${plural(live.newAnswers, 'new answer')} — show`}
        </button>
      )}
      {live.newReplies > 0 && (
        <button type="button" className="btn btn--primary btn--small" onClick={live.showReplies}>
          {`${plural(live.newReplies, 'new reply', 'new replies')} — show`}
        </button>
      )}
    </div>
  );
}

/** A question with its answers (accepted first), reply threads and the answer form; live (`live.question`). */
export function QuestionPage() {
  const { id = '' } = useParams();
  const trpc = useTRPC();
  const me = useMe().data ?? null;
  const query = useQuery(trpc.question.byId.queryOptions({ id }));
  const live = useLiveQuestion(id, me);
  // The first answer "show" put on the page, brought into view once it is rendered.
  const [reveal, setReveal] = useState<string | null>(null);
  useEffect(() => {
    if (reveal === null || !query.data) return;
    document.getElementById(`answer-${reveal}`)?.scrollIntoView({ block: 'nearest' });
    setReveal(null);
  }, [reveal, query.data]);
  useDocumentTitle(query.data?.title ?? 'Question');
  if (query.isPending) return <Loading label="Loading the question…" />;
  if (query.isError) return <ErrorMessage error={query.error} retry={() => query.refetch()} />;
  const question = query.data;
  const answers = sortAnswers(question.answers);
  return (
    <div className="stack">
      <div className="page-head">
        <h1 id="question-title">{question.title}</h1>
        <Link to="/ask" className="btn btn--primary">
          Ask a question
        </Link>
      </div>
      <p className="meta">
        <TimeAgo iso={question.createdAt} prefix="Asked" /> · {plural(question.viewCount, 'view')}
      </p>
      {question.closed && <ClosedBanner closed={question.closed} />}
      <QuestionBody question={question} me={me} />
      <h2>{plural(answers.filter((answer) => !answer.deleted).length, 'answer')}</h2>
      {answers.map((answer) => (
        <AnswerItem key={answer.id} answer={answer} question={question} me={me} />
      ))}
      {question.closed ? null : me ? (
        <AnswerForm questionId={question.id} />
      ) : (
        <p className="card">
          <Link to={`/signin?next=/questions/${question.id}`}>Sign in</Link> to answer this question.
        </p>
      )}
      <LiveNews live={live} onShowAnswers={setReveal} />
    </div>
  );
}
