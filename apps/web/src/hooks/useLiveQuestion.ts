import type { LiveQuestionEvent } from '@devflow/contract';
import { type Query, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import {
  addAnswers,
  addReplyToPages,
  applyQuestionCounts,
  type LiveAnswer,
  type LiveReply,
  type QuestionData,
  removeAnswer,
  setAccepted,
  type ThreadData,
  type ThreadPages,
  tombstone,
  updateAnswer,
  updateReply,
  withCounts,
} from '../lib/live-question';
import { resumableStream } from '../lib/live-stream';
import { SHOWN_LEVELS } from '../lib/thread';
import { useTRPC, useTRPCClient } from '../lib/trpc';
import { isModerator, type Me } from './useMe';

/** New posts by others that arrived live and wait for the reader's "show". */
type Pending = { answers: LiveAnswer[]; replies: LiveReply[] };

const NONE: Pending = { answers: [], replies: [] };

/** What the question page shows of its live stream. */
export type LiveQuestion = {
  /** Answers by others that arrived since the page showed its answers. */
  newAnswers: number;
  /** Replies by others that arrived since the page showed its replies. */
  newReplies: number;
  /** Puts the new answers on the page; returns the id of the first one (to bring it into view). */
  showAnswers: () => string | null;
  /** Puts the new replies in their threads. */
  showReplies: () => void;
};

/**
 * Keeps a question page current from `live.question`, in the TanStack Query cache: counters, the accepted
 * mark, edits, deletions, close/reopen and hidden posts apply at once; new answers and replies by others
 * wait in `newAnswers` / `newReplies` until the reader asks for them (the page does not move under
 * them); the viewer's own posts go straight in; `reload` refetches the page's queries. The stream runs
 * only while the tab is visible (Page Visibility API) and resumes after the last event it received when
 * the tab shows again, so background tabs hold no connection and miss no event.
 */
export function useLiveQuestion(questionId: string, me: Me): LiveQuestion {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const [pending, setPending] = useState<Pending>(NONE);
  const questionKey = trpc.question.byId.queryKey({ id: questionId });
  const threadKey = (targetType: 'question' | 'answer', targetId: string) =>
    trpc.reply.thread.infiniteQueryKey({ targetType, targetId, maxDepth: SHOWN_LEVELS });
  const setQuestion = (update: (question: QuestionData) => QuestionData) =>
    queryClient.setQueryData(questionKey, (data) => (data ? update(data) : data));
  const setThread = (reply: LiveReply) =>
    queryClient.setQueryData(threadKey(reply.targetType, reply.targetId), (data) =>
      data ? addReplyToPages(data, reply, SHOWN_LEVELS) : data,
    );
  /** Applies `update` to every loaded page of every cached thread (a reply id names one reply). */
  const setThreads = (update: (thread: ThreadData) => ThreadData) =>
    queryClient.setQueriesData<ThreadPages>({ queryKey: trpc.reply.thread.pathKey() }, (data) =>
      data ? { ...data, pages: data.pages.map(update) } : data,
    );
  const refetchAll = () => {
    void queryClient.invalidateQueries({ queryKey: questionKey });
    void queryClient.invalidateQueries(trpc.reply.thread.pathFilter());
  };
  const moderator = isModerator(me);
  const mine = (post: { author: { id: string } }) => me !== null && post.author.id === me.id;

  const apply = (event: LiveQuestionEvent) => {
    switch (event.type) {
      case 'answer.created':
        if (mine(event.answer)) setQuestion((question) => addAnswers(question, [event.answer]));
        else setPending((p) => ({ ...p, answers: [...p.answers, event.answer] }));
        return;
      case 'answer.updated':
        setPending((p) => ({
          ...p,
          answers: p.answers.map((answer) => (answer.id === event.answer.id ? event.answer : answer)),
        }));
        setQuestion((question) =>
          updateAnswer(question, event.answer.id, (answer) => ({
            ...event.answer,
            myReaction: answer.myReaction,
          })),
        );
        return;
      case 'answer.deleted':
        setPending((p) => ({ ...p, answers: p.answers.filter((answer) => answer.id !== event.answerId) }));
        // Moderators still see a deleted answer (with Restore): ask the server how it looks now.
        if (moderator) void queryClient.invalidateQueries({ queryKey: questionKey });
        else setQuestion((question) => removeAnswer(question, event.answerId, event));
        return;
      case 'answer.accepted':
        setQuestion((question) => setAccepted(question, event.answerId));
        return;
      case 'answer.unaccepted':
        setQuestion((question) =>
          question.acceptedAnswerId === event.answerId ? setAccepted(question, null) : question,
        );
        return;
      case 'reply.created':
        if (mine(event.reply)) setThread(event.reply);
        else setPending((p) => ({ ...p, replies: [...p.replies, event.reply] }));
        return;
      case 'reply.updated':
        setPending((p) => ({
          ...p,
          replies: p.replies.map((reply) => (reply.id === event.reply.id ? event.reply : reply)),
        }));
        setThreads((thread) =>
          updateReply(thread, event.reply.id, (node) => ({
            ...node,
            body: event.reply.body,
            bodyHtml: event.reply.bodyHtml,
            updatedAt: event.reply.updatedAt,
          })),
        );
        return;
      case 'reply.deleted':
        setPending((p) => ({ ...p, replies: p.replies.filter((reply) => reply.id !== event.replyId) }));
        setThreads((thread) => updateReply(thread, event.replyId, tombstone));
        return;
      case 'reaction.changed': {
        const { counts } = event;
        setPending((p) => ({
          answers: p.answers.map((answer) => withCounts(answer, counts)),
          replies: p.replies.map((reply) => withCounts(reply, counts)),
        }));
        if (counts.targetType === 'reply')
          setThreads((thread) => updateReply(thread, counts.targetId, (node) => withCounts(node, counts)));
        else setQuestion((question) => applyQuestionCounts(question, counts));
        return;
      }
      case 'question.updated':
        setQuestion((question) => ({ ...question, ...event.question }));
        return;
      case 'question.closed':
        setQuestion((question) => ({ ...question, closed: event.closed }));
        return;
      case 'question.reopened':
        setQuestion((question) => ({ ...question, closed: null }));
        return;
      case 'post.hidden':
        setPending((p) => ({
          answers: p.answers.filter((answer) => answer.id !== event.targetId),
          replies: p.replies.filter((reply) => reply.id !== event.targetId),
        }));
        // Moderators see hidden posts with a mark; the server knows how.
        if (moderator || event.targetType === 'question') refetchAll();
        else if (event.targetType === 'answer')
          setQuestion((question) => removeAnswer(question, event.targetId));
        else setThreads((thread) => updateReply(thread, event.targetId, tombstone));
        return;
      case 'question.deleted':
      case 'reload':
        setPending(NONE);
        refetchAll();
        return;
    }
  };
  // The stream outlives renders; it calls the latest `apply` (which sees the latest `me`).
  const applyRef = useRef(apply);
  useEffect(() => {
    applyRef.current = apply;
  });

  useEffect(() => {
    setPending(NONE);
    let openedAt = 0;
    const { open, close } = resumableStream<LiveQuestionEvent>(
      (lastEventId, handlers) => {
        openedAt = Date.now();
        return client.live.question.subscribe({ questionId, lastEventId }, handlers);
      },
      (data) => applyRef.current(data),
      (resumedAfter) => {
        // A stream that starts fresh delivers what happens from now on: what the cache read before the
        // stream opened (the question seen a minute ago, opened again) is read again, once. A read still
        // under way started with the stream, close enough.
        if (resumedAfter !== null) return;
        const predicate = (query: Query) =>
          query.state.status === 'success' &&
          query.state.fetchStatus === 'idle' &&
          query.state.dataUpdatedAt < openedAt;
        void queryClient.invalidateQueries({
          queryKey: trpc.question.byId.queryKey({ id: questionId }),
          predicate,
        });
        void queryClient.invalidateQueries({ queryKey: trpc.reply.thread.pathKey(), predicate });
      },
    );
    const onVisibility = () => (document.visibilityState === 'visible' ? open() : close());
    onVisibility();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      document.removeEventListener('visibilitychange', onVisibility);
      close();
    };
  }, [client, questionId, queryClient, trpc]);

  return {
    newAnswers: pending.answers.length,
    newReplies: pending.replies.length,
    showAnswers: () => {
      setQuestion((question) => addAnswers(question, pending.answers));
      setPending((p) => ({ ...p, answers: [] }));
      return pending.answers[0]?.id ?? null;
    },
    showReplies: () => {
      for (const reply of pending.replies) setThread(reply);
      setPending((p) => ({ ...p, replies: [] }));
    },
  };
}
