import { useMutation, useQueryClient } from '@tanstack/react-query';
import { applyReaction, type Counters } from '../lib/reactions';
import { updateNode } from '../lib/tree';
import { type RouterInputs, type RouterOutputs, useTRPC } from '../lib/trpc';

type QuestionData = RouterOutputs['question']['byId'];
type ThreadInput = RouterInputs['reply']['thread'];
type ReactionResult = RouterOutputs['reaction']['set'];

/** Counters as the API's `reaction.set` returns them. */
function fromResult(result: ReactionResult): Counters {
  return { likes: result.likes, dislikes: result.dislikes, score: result.score, myReaction: result.mine };
}

/** Applies `change` to the question or one of its answers in a cached `question.byId`. */
function patchQuestion(
  data: QuestionData,
  target: { targetType: 'question' | 'answer'; targetId: string },
  change: (counters: Counters) => Counters,
): QuestionData {
  if (target.targetType === 'question') return { ...data, ...change(data) };
  return {
    ...data,
    answers: data.answers.map((answer) =>
      answer.id === target.targetId ? { ...answer, ...change(answer) } : answer,
    ),
  };
}

/**
 * Like/dislike on a question or its answers with an optimistic update of the cached `question.byId`:
 * the counters change at once, roll back if the server refuses, and settle on the server's numbers.
 */
export function useQuestionReaction(questionId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const key = trpc.question.byId.queryKey({ id: questionId });
  return useMutation(
    trpc.reaction.set.mutationOptions({
      onMutate: async (input) => {
        await queryClient.cancelQueries({ queryKey: key });
        const previous = queryClient.getQueryData(key);
        if (input.targetType !== 'reply') {
          const target = { targetType: input.targetType, targetId: input.targetId };
          queryClient.setQueryData(key, (data) =>
            data
              ? patchQuestion(data, target, (counters) => applyReaction(counters, input.value ?? null))
              : data,
          );
        }
        return { previous };
      },
      onError: (_error, _input, context) => {
        if (context?.previous) queryClient.setQueryData(key, context.previous);
      },
      onSuccess: (result, input) => {
        if (input.targetType === 'reply') return;
        const target = { targetType: input.targetType, targetId: input.targetId };
        queryClient.setQueryData(key, (data) =>
          data ? patchQuestion(data, target, () => fromResult(result)) : data,
        );
      },
    }),
  );
}

/** Like/dislike on a reply with an optimistic update of the cached `reply.thread` pages it belongs to. */
export function useReplyReaction(thread: ThreadInput) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const key = trpc.reply.thread.infiniteQueryKey(thread);
  return useMutation(
    trpc.reaction.set.mutationOptions({
      onMutate: async (input) => {
        await queryClient.cancelQueries({ queryKey: key });
        const previous = queryClient.getQueryData(key);
        queryClient.setQueryData(key, (data) =>
          data
            ? {
                ...data,
                pages: data.pages.map((page) => ({
                  ...page,
                  items: updateNode(page.items, input.targetId, (node) => ({
                    ...node,
                    ...applyReaction(node, input.value ?? null),
                  })),
                })),
              }
            : data,
        );
        return { previous };
      },
      onError: (_error, _input, context) => {
        if (context?.previous) queryClient.setQueryData(key, context.previous);
      },
      onSuccess: (result, input) => {
        queryClient.setQueryData(key, (data) =>
          data
            ? {
                ...data,
                pages: data.pages.map((page) => ({
                  ...page,
                  items: updateNode(page.items, input.targetId, (node) => ({
                    ...node,
                    ...fromResult(result),
                  })),
                })),
              }
            : data,
        );
      },
    }),
  );
}
