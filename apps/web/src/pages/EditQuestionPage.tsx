import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams } from 'react-router';
import { QuestionForm } from '../components/QuestionForm';
import { RequireUser } from '../components/RequireUser';
import { ErrorMessage, Loading } from '../components/Status';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { useTRPC } from '../lib/trpc';

/** Loads the question and saves changes with `question.update` (the server keeps a revision). */
function EditForm({ id }: { id: string }) {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const question = useQuery(trpc.question.byId.queryOptions({ id }));
  const update = useMutation(
    trpc.question.update.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.question.pathFilter());
        navigate(`/questions/${id}`);
      },
    }),
  );
  if (question.isPending) return <Loading />;
  if (question.isError) return <ErrorMessage error={question.error} retry={() => question.refetch()} />;
  const q = question.data;
  return (
    <>
      <h1>Edit question</h1>
      <QuestionForm
        initial={{ title: q.title, body: q.body, tags: q.tags }}
        submitLabel="Save changes"
        pending={update.isPending}
        error={update.error}
        onSubmit={(draft) => update.mutate({ id, ...draft })}
      />
    </>
  );
}

/** Edit a question (author or moderator; the server decides). */
export function EditQuestionPage() {
  useDocumentTitle('Edit question');
  const { id = '' } = useParams();
  return <RequireUser>{() => <EditForm id={id} />}</RequireUser>;
}
