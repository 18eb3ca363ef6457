import { FAMOUS_QUESTION_VIEWS } from '@devflow/contract';
import { addQuestionView } from '@devflow/db';
import type { ApiDeps } from '../../deps';
import {
  cacheKeys,
  pageCacheEnabled,
  readThrough,
  readThroughTallied,
  VERSION_TTL_SECONDS,
} from '../../platform/cache/cached';
import { invalidateCommitted } from '../../platform/cache/scopes';
import { can } from '../../platform/policy';
import type { SessionUser } from '../../trpc/context';
import { awardViewBadges } from '../badge/service';
import { reactionsOf } from '../posts/posts';
import { getQuestion, type ListQuestionsParams, listQuestions } from './service';

// `question.byId` and `question.list` as readers get them: through the page cache
// (`packages/api/src/platform/cache/cached.ts`), counting views once per viewer.

/** A viewer counts one view of a question per this window (StackOverflow-style unique views). */
export const VIEW_WINDOW_SECONDS = 3600;

/** Views this process already counted, per cache: repeat views then cost no cache round trip. */
const countedHere = new WeakMap<ApiDeps['cache'], Map<string, number>>();
const COUNTED_HERE_MAX = 50_000;

/** True when this process counted `key` within the window; otherwise remembers it from now on. */
function seenHere(deps: ApiDeps, key: string): boolean {
  let seen = countedHere.get(deps.cache);
  if (!seen) {
    seen = new Map();
    countedHere.set(deps.cache, seen);
  }
  const now = Date.now();
  const until = seen.get(key);
  if (until !== undefined && until > now) return true;
  seen.delete(key);
  if (seen.size >= COUNTED_HERE_MAX) {
    const oldest = seen.keys().next();
    if (!oldest.done) seen.delete(oldest.value);
  }
  seen.set(key, now + VIEW_WINDOW_SECONDS * 1000);
  return false;
}

/** The question page as every anonymous viewer sees it (per-viewer fields are filled per request). */
type QuestionPage = Awaited<ReturnType<typeof getQuestion>>;

/**
 * Counts a view of `page` by `viewerKey` (a user id or an IP) at most once per `VIEW_WINDOW_SECONDS`;
 * the author's own visits and deleted questions never count. A counted view is one UPDATE and one
 * increment of the question's view tally, which cached copies of the page add to their view count — so
 * views never invalidate the page. Repeated views cost one cache `incr`. When the cache is down every
 * view counts (fail open). The view that brings a question to `FAMOUS_QUESTION_VIEWS` awards its author
 * the `famous-question` badge. Returns whether this view was counted.
 */
async function countView(
  deps: ApiDeps,
  actor: SessionUser | null,
  viewerKey: string,
  page: QuestionPage,
): Promise<boolean> {
  if (page.deleted || (actor && page.author.id === String(actor.id))) return false;
  const id = Number(page.id);
  const seenKey = cacheKeys.questionSeen(id, viewerKey);
  // A view this process already counted needs no round trip; other processes are asked through the cache.
  if (seenHere(deps, seenKey)) return false;
  try {
    if ((await deps.cache.incr(seenKey, VIEW_WINDOW_SECONDS)) !== 1) return false;
  } catch {
    // count it: a lost dedupe only over-counts a little
  }
  const viewed = await addQuestionView(deps.db, id);
  await deps.cache.incr(cacheKeys.questionViews(id), VERSION_TTL_SECONDS).catch(() => undefined);
  // Each view returns its own count, so exactly one view reaches the milestone and awards the badge.
  if (viewed?.viewCount === FAMOUS_QUESTION_VIEWS) {
    const awarded = await deps.db.transaction((tx) => awardViewBadges(tx, viewed));
    if (awarded) await invalidateCommitted(deps, () => ({ users: [viewed.authorId] }));
  }
  return true;
}

/** Fills the caller's own reactions (`myReaction`) into a page loaded for anonymous viewers. */
async function withMyReactions(deps: ApiDeps, actor: SessionUser | null, page: QuestionPage) {
  if (!actor) return page;
  const [onQuestion, onAnswers] = await Promise.all([
    reactionsOf(deps.db, actor, 'question', [Number(page.id)]),
    reactionsOf(
      deps.db,
      actor,
      'answer',
      page.answers.map((answer) => Number(answer.id)),
    ),
  ]);
  return {
    ...page,
    myReaction: onQuestion.get(Number(page.id)) ?? null,
    answers: page.answers.map((answer) => ({
      ...answer,
      myReaction: onAnswers.get(Number(answer.id)) ?? null,
    })),
  };
}

/**
 * `question.byId` through the page cache. The page is cached as an anonymous viewer sees it (no
 * `myReaction`, no deleted answers), keyed by the question's version and the authors' version;
 * the caller's reactions are read per request (two primary-key lookups, none when signed out).
 * Moderators, who also see deleted answers, read the database directly. Missing and deleted questions
 * are NOT_FOUND and never cached.
 */
export async function getQuestionPage(deps: ApiDeps, actor: SessionUser | null, ip: string, id: number) {
  const viewerKey = actor ? `u${actor.id}` : `ip${ip}`;
  if (!pageCacheEnabled(deps) || can(actor, 'post.viewDeleted')) {
    const detail = await getQuestion(deps, actor, id);
    if (await countView(deps, actor, viewerKey, detail)) detail.viewCount += 1;
    return detail;
  }
  const read = await readThroughTallied(
    deps,
    {
      area: 'question',
      key: cacheKeys.questionPage(id),
      versions: [cacheKeys.questionVersion(id), cacheKeys.authors()],
      tallies: [cacheKeys.questionViews(id)],
    },
    () => getQuestion(deps, null, id),
  );
  // Views counted since the page was loaded (a counter that restarted counts as none).
  const laterViews = Math.max(0, (read.tallies[0] ?? 0) - (read.talliesAtLoad[0] ?? 0));
  const counted = await countView(deps, actor, viewerKey, read.value);
  const page = await withMyReactions(deps, actor, read.value);
  return { ...page, viewCount: page.viewCount + laterViews + (counted ? 1 : 0) };
}

/**
 * `question.list` through the cache for first pages (no cursor, no author filter, live questions):
 * one entry per sort, tag and limit, keyed by the list scope's version (all questions, or the tag) and
 * the authors' version. Later pages and moderator lists read the database.
 */
export async function listQuestionsCached(
  deps: ApiDeps,
  actor: SessionUser | null,
  params: ListQuestionsParams,
) {
  if (params.cursor || params.authorId !== undefined || params.deleted) {
    return listQuestions(deps, actor, params);
  }
  return readThrough(
    deps,
    {
      area: 'list',
      key: cacheKeys.listPage(params.sort, params.tag, params.limit),
      versions: [cacheKeys.listVersion(params.tag), cacheKeys.authors()],
    },
    () => listQuestions(deps, actor, params),
  );
}
