import { EXCERPT_SOURCE_CHARS } from '@devflow/api';
import {
  answersOfQuestionQuery,
  insertAnswerQuery,
  questionByIdQuery,
  questionListQuery,
  searchQuestionsSql,
  statementsOnly,
  tagsOfQuestionQuery,
  upsertReactionQuery,
  userByUsernameQuery,
} from '@devflow/db';
import { feedStatement } from '@devflow/db/queries/feed';
import type postgres from 'postgres';
import { render, renderQuery, type SqlParam } from './render';
import { threadCteQuery } from './thread';

/** One scenario's main statement and its `EXPLAIN (ANALYZE, BUFFERS)` output. */
export type Plan = { scenario: string; statement: string; plan: string };

type Params = {
  hotId: number;
  page1000: { at: string; id: number } | null;
  feedUserId: string | null;
  /** Questions whose threads are explained (the side thread, then the big one). */
  threadQuestions: number[];
};

/** Characters of rendered HTML a list item reads for its excerpt (`EXCERPT_SOURCE_CHARS` of the API). */
const HTML_CHARS = EXCERPT_SOURCE_CHARS;

/** The statements each scenario is decided by, taken from the queries the services call. */
type Statement = { scenario: string; text: string; params: SqlParam[] };

/** `question.list`'s first page query (newest), one row more than the page, as the service builds it. */
function newest(after: { at: string; id: number } | null) {
  return questionListQuery(statementsOnly, {
    sort: 'newest',
    deleted: false,
    after: after ? [after.at, after.id] : null,
    limit: 21,
    htmlChars: HTML_CHARS,
  });
}

function statements(p: Params): Statement[] {
  const list: Statement[] = [
    {
      scenario: 'question.byId — question row',
      ...renderQuery(questionByIdQuery(statementsOnly, p.hotId)),
    },
    {
      scenario: 'question.byId — answers',
      ...renderQuery(
        answersOfQuestionQuery(statementsOnly, {
          questionId: p.hotId,
          acceptedAnswerId: null,
          withDeleted: false,
        }),
      ),
    },
    {
      scenario: 'question.byId — tags',
      ...renderQuery(tagsOfQuestionQuery(statementsOnly, p.hotId)),
    },
    { scenario: 'question.list page 1 (newest)', ...renderQuery(newest(null)) },
    {
      // The naive strategy the procedure avoids: the same query, paged with OFFSET.
      scenario: 'question.list page 1000 (OFFSET, baseline)',
      ...renderQuery(newest(null).offset(19980)),
    },
    {
      scenario: 'question.search',
      ...render(searchQuestionsSql({ q: 'postgres index', after: null, limit: 21 })),
    },
    ...p.threadQuestions.map((id) => ({
      scenario: `reply.thread (question ${id}; loadThread, anonymous)`,
      ...threadCteQuery({ type: 'question', id }),
    })),
    {
      scenario: 'reaction.set (upsert, rolled back)',
      ...renderQuery(
        upsertReactionQuery(statementsOnly, {
          userId: 1,
          targetType: 'question',
          targetId: p.hotId,
          value: 1,
          at: new Date(),
        }),
      ),
    },
    {
      scenario: 'answer.create (insert, rolled back)',
      ...renderQuery(
        insertAnswerQuery(statementsOnly, {
          questionId: p.hotId,
          authorId: 1,
          body: 'x',
          bodyHtml: '<p>x</p>',
        }),
      ),
    },
    {
      scenario: 'auth.login — user by username',
      ...renderQuery(userByUsernameQuery(statementsOnly, 'user42')),
    },
  ];
  if (p.page1000) {
    list.splice(5, 0, { scenario: 'question.list page 1000 (keyset)', ...renderQuery(newest(p.page1000)) });
  }
  if (p.feedUserId) {
    list.push({
      scenario: 'feed.list (follows 1,000; loadFeed, first page)',
      ...render(feedStatement({ userId: Number(p.feedUserId), cursor: null, limit: 21 })),
    });
  }
  return list;
}

class Rollback extends Error {}

/** Runs `EXPLAIN (ANALYZE, BUFFERS)` for every scenario's main statement; writes are rolled back. */
export async function explainAll(sql: postgres.Sql, params: Params): Promise<Plan[]> {
  const plans: Plan[] = [];
  for (const s of statements(params)) {
    const explain = `explain (analyze, buffers) ${s.text}`;
    let rows: { 'QUERY PLAN': string }[] = [];
    try {
      await sql.begin(async (tx) => {
        await tx`set local jit = off`;
        rows = (await tx.unsafe(explain, s.params)) as unknown as { 'QUERY PLAN': string }[];
        throw new Rollback();
      });
    } catch (error) {
      if (!(error instanceof Rollback)) rows = [{ 'QUERY PLAN': `failed: ${String(error)}` }];
    }
    plans.push({
      scenario: s.scenario,
      statement: s.text.replace(/\s+/g, ' ').trim(),
      plan: rows.map((r) => r['QUERY PLAN']).join('\n'),
    });
  }
  return plans;
}
