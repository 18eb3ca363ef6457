import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { QuestionForm } from '../components/QuestionForm';
import { RequireUser } from '../components/RequireUser';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { useTRPC } from '../lib/trpc';

/** The ask form; on success opens the new question. */
function AskForm() {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const create = useMutation(
    trpc.question.create.mutationOptions({
      onSuccess: async (question) => {
        await queryClient.invalidateQueries(trpc.question.list.pathFilter());
        navigate(`/questions/${question.id}`);
      },
    }),
  );
  return (
    <>
      <h1>Ask a question</h1>
      <QuestionForm
        submitLabel="Post your question"
        showSimilar
        pending={create.isPending}
        error={create.error}
        onSubmit={(d) => create.mutate(d)}
      />
    </>
  );
}

/** Ask a question (signed-in users). */
export function AskPage() {
  useDocumentTitle('Ask a question');
  return <RequireUser>{() => <AskForm />}</RequireUser>;
}
