import { EDIT_SUGGESTED_MESSAGE } from '@devflow/contract/messages';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { SuggestionComment } from '../components/Moderation';
import { type QuestionDraft, QuestionForm } from '../components/QuestionForm';
import { RequireUser } from '../components/RequireUser';
import { ErrorMessage, Loading } from '../components/Status';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { useTRPC } from '../lib/trpc';

/**
 * Loads the question and saves changes with `question.update` (the server keeps a revision) or, with
 * `suggest`, proposes them with `edit.suggest` and an optional comment, then says the edit waits for review.
 */
function EditForm({ id, suggest }: { id: string; suggest: boolean }) {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [comment, setComment] = useState('');
  const question = useQuery(trpc.question.byId.queryOptions({ id }));
  const update = useMutation(
    trpc.question.update.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.question.pathFilter());
        navigate(`/questions/${id}`);
      },
    }),
  );
  const suggestion = useMutation(trpc.edit.suggest.mutationOptions());
  const save = suggest ? suggestion : update;
  const submit = (draft: QuestionDraft) => {
    if (suggest) {
      suggestion.mutate({
        targetType: 'question',
        targetId: id,
        ...draft,
        comment: comment.trim() || undefined,
      });
    } else {
      update.mutate({ id, ...draft });
    }
  };
  const heading = suggest ? 'Suggest an edit' : 'Edit question';
  if (question.isPending) return <Loading />;
  if (question.isError) return <ErrorMessage error={question.error} retry={() => question.refetch()} />;
  const q = question.data;
  if (suggestion.isSuccess) {
    return (
      <>
        <h1>{heading}</h1>
        <p className="card" role="status">
          {EDIT_SUGGESTED_MESSAGE} <Link to={`/questions/${id}`}>Back to the question</Link>
        </p>
      </>
    );
  }
  return (
    <>
      <h1>{heading}</h1>
      <QuestionForm
        initial={{ title: q.title, body: q.body, tags: q.tags }}
        submitLabel={suggest ? 'Suggest this edit' : 'Save changes'}
        pending={save.isPending}
        error={save.error}
        onSubmit={submit}
        extra={suggest && <SuggestionComment value={comment} onChange={setComment} />}
      />
    </>
  );
}

/**
 * Edit a question (author or moderator; the server decides), or with `suggest` propose an edit to someone
 * else's question for review (users without the `editOthers` privilege).
 */
export function EditQuestionPage({ suggest = false }: { suggest?: boolean }) {
  useDocumentTitle(suggest ? 'Suggest an edit' : 'Edit question');
  const { id = '' } = useParams();
  return <RequireUser>{() => <EditForm id={id} suggest={suggest} />}</RequireUser>;
}
