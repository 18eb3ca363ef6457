import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { ReplyThread } from '../components/ReplyThread';
import { ErrorMessage, Loading } from '../components/Status';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { useTRPC } from '../lib/trpc';

/**
 * "Continue this thread": the replies under one reply, on their own page, so a deep discussion never
 * indents past a few levels (`/questions/:id/replies/:replyId`, or `…/answers/:answerId/replies/:replyId`
 * for a thread under an answer). It links back to the question and one level up.
 */
export function ReplyThreadPage() {
  const { id = '', answerId, replyId = '' } = useParams();
  const trpc = useTRPC();
  const question = useQuery(trpc.question.byId.queryOptions({ id }));
  useDocumentTitle(question.data ? `Replies · ${question.data.title}` : 'Replies');
  if (question.isPending) return <Loading label="Loading the question…" />;
  if (question.isError) return <ErrorMessage error={question.error} retry={() => question.refetch()} />;
  return (
    <div className="stack">
      <div className="page-head">
        <h1>
          Replies on <Link to={`/questions/${question.data.id}`}>{question.data.title}</Link>
        </h1>
      </div>
      <p>
        <Link to={`/questions/${question.data.id}`}>← Back to the question</Link>
      </p>
      <div className="card">
        <ReplyThread
          key={`${answerId ?? 'question'}:${replyId}`}
          targetType={answerId === undefined ? 'question' : 'answer'}
          targetId={answerId ?? question.data.id}
          questionId={question.data.id}
          rootId={replyId}
        />
      </div>
    </div>
  );
}
