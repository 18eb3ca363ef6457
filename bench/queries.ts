/**
 * The bare baseline's twins of `question.byId` and `question.list`: they send, through postgres.js (or
 * PGlite in bench/twins.test.ts), the very statements the services send — rendered once from the queries
 * `@devflow/db` exports, with placeholders bound per request — and shape the rows with the API's own view
 * functions, so the JSON is the procedures' JSON. What they leave out is the framework around the SQL:
 * tRPC, zod, Drizzle's builders and row mapping. The helpers here (`template`, `rowsOf`,
 * `tagsByQuestion`) serve the other twins too: `question.search` in `queries-search.ts`, `user.byUsername` in
 * `queries-user.ts`, `feed.list` in `queries-feed.ts`. Reply threads and
 * their naive loaders live in `thread.ts`.
 */
import {
  EXCERPT_SOURCE_CHARS,
  listQuestionsInput,
  listQuestionsQuery,
  toAnswer,
  toPage,
  toQuestion,
  toQuestionSummary,
} from '@devflow/api';
import {
  addQuestionViewQuery,
  answerColumns,
  answersOfQuestionTemplate,
  type QuestionSummaryRow,
  questionByIdQuery,
  questionColumns,
  questionListQuery,
  statementsOnly,
  summaryColumns,
  tagPairColumns,
  tagsOfQuestionQuery,
  tagsOfQuestionsQuery,
} from '@devflow/db';
import { Column, fillPlaceholders, is, SQL, sql } from 'drizzle-orm';

/** Runs one statement and returns its rows as arrays of column values: int8 as numbers, timestamps as Dates. */
export type RunValues = (text: string, params: readonly unknown[]) => Promise<unknown[][]>;

/**
 * Runs one raw statement (`sql` templates of packages/db/src/queries) and returns its rows as objects by
 * column name, as Drizzle's `queryRows` returns them: int8 as numbers, timestamps as Dates.
 */
export type RunRows = <T extends object>(text: string, params: readonly unknown[]) => Promise<T[]>;

/** A statement rendered once: its text, its parameters (placeholders among them), and where each column goes. */
export type Template = { text: string; params: unknown[]; paths: string[][] };

/**
 * The path of each selected column in the row object, in select order — the order Drizzle renders the
 * columns of a selection map in (a nested plain object, like `author`, stands for its columns).
 */
function columnPaths(selection: Record<string, unknown>, prefix: string[] = []): string[][] {
  return Object.entries(selection).flatMap(([key, value]) =>
    is(value, Column) || is(value, SQL) || is(value, SQL.Aliased)
      ? [[...prefix, key]]
      : typeof value === 'object' && value !== null
        ? columnPaths(value as Record<string, unknown>, [...prefix, key])
        : [],
  );
}

/** Renders a query of `@devflow/db` (built on `statementsOnly`) together with the paths of its selection. */
export function template(
  query: { toSQL(): { sql: string; params: unknown[] } },
  selection: Record<string, unknown>,
) {
  const rendered = query.toSQL();
  return { text: rendered.sql, params: rendered.params, paths: columnPaths(selection) };
}

/** One row's values as the nested object the query's Drizzle select returns. */
function toRow(paths: string[][], values: unknown[]): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  paths.forEach((path, index) => {
    let target = row;
    for (const key of path.slice(0, -1)) {
      const next = target[key];
      if (typeof next === 'object' && next !== null) target = next as Record<string, unknown>;
      else target = target[key] = {};
    }
    const last = path.at(-1);
    if (last !== undefined) target[last] = values[index];
  });
  return row;
}

/**
 * Runs a template with its placeholders bound. The rows are typed as the Drizzle query's rows, which the
 * values are once mapped by path; bench/twins.test.ts proves the JSON equal to the procedure's.
 */
export async function rowsOf<Row>(
  run: RunValues,
  t: Template,
  values: Record<string, unknown>,
): Promise<Row[]> {
  const rows = await run(t.text, fillPlaceholders(t.params, values));
  return rows.map((row) => toRow(t.paths, row) as Row);
}

type QuestionRow = Awaited<ReturnType<typeof questionByIdQuery>>[number];
type AnswerRow = Awaited<ReturnType<typeof answersOfQuestionTemplate>>[number];
type TagRow = Awaited<ReturnType<typeof tagsOfQuestionQuery>>[number];

/** `question.list`'s input when the request gives none: newest, live questions, the default limit, page 1. */
const firstPageInput = listQuestionsInput.parse({});
/** Items a list page shows; it reads one row more, to know whether another page follows. */
const PAGE = firstPageInput.limit;

const byId = template(questionByIdQuery(statementsOnly, sql.placeholder('id')), questionColumns);
const liveAnswers = template(answersOfQuestionTemplate(statementsOnly, true), answerColumns);
const tagsOfOne = template(tagsOfQuestionQuery(statementsOnly, sql.placeholder('id')), tagPairColumns);
const addView = template(addQuestionViewQuery(statementsOnly, sql.placeholder('id')), {});
const list = (after: boolean) =>
  questionListQuery(statementsOnly, {
    sort: 'newest',
    deleted: false,
    after: after ? [sql.placeholder('at'), sql.placeholder('id')] : null,
    limit: PAGE + 1,
    htmlChars: EXCERPT_SOURCE_CHARS,
  });
/** The selection of a list item's row (`question.list`, `question.search`). */
export const listColumns = summaryColumns(EXCERPT_SOURCE_CHARS);
const listKeyset = template(list(true), listColumns);
const listOffset = template(list(false).offset(sql.placeholder('offset')), listColumns);
/** The first page's statement and cursor, from the service's own `listQuestionsQuery`. */
const firstPage = listQuestionsQuery(statementsOnly, firstPageInput);
const listFirstTemplate = template(firstPage.query, listColumns);
const tagsOfMany = template(tagsOfQuestionsQuery(statementsOnly, sql.placeholder('ids')), tagPairColumns);

/** The tags of `ids` through `tagsOfQuestions`'s statement (none sent for no ids), by question. */
export async function tagsByQuestion(run: RunValues, ids: number[]): Promise<Map<number, string[]>> {
  const byQuestion = new Map<number, string[]>();
  if (ids.length === 0) return byQuestion;
  for (const tag of await rowsOf<TagRow>(run, tagsOfMany, { ids })) {
    byQuestion.set(tag.questionId, [...(byQuestion.get(tag.questionId) ?? []), tag.slug]);
  }
  return byQuestion;
}

/** The question row of `question.byId` (live or not), or undefined when there is none. */
export async function questionRow(run: RunValues, id: number): Promise<QuestionRow | undefined> {
  const [row] = await rowsOf<QuestionRow>(run, byId, { id });
  return row;
}

/** Counts one view of a question (the service's `addQuestionView` statement). */
export async function countView(run: RunValues, id: number): Promise<void> {
  await run(addView.text, fillPlaceholders(addView.params, { id }));
}

/** `question.byId`'s JSON for an anonymous viewer from its question row: tags and live answers added. */
export async function questionPage(run: RunValues, row: QuestionRow) {
  const [tags, answers] = await Promise.all([
    rowsOf<TagRow>(run, tagsOfOne, { id: row.id }),
    rowsOf<AnswerRow>(run, liveAnswers, { questionId: row.id, accepted: row.acceptedAnswerId ?? 0 }),
  ]);
  return {
    ...toQuestion(
      row,
      tags.map((tag) => tag.slug),
      null,
    ),
    answers: answers.map((answer) => toAnswer(answer, row.acceptedAnswerId, null)),
  };
}

/**
 * The summaries of a list page's rows (one more than the page may have been read) with their tags, read
 * for every row as the service's `toSummaries` reads them.
 */
async function summariesOf(run: RunValues, rows: QuestionSummaryRow[]) {
  const tags = await tagsByQuestion(
    run,
    rows.map((row) => row.id),
  );
  return (row: QuestionSummaryRow) => toQuestionSummary(row, tags.get(row.id) ?? []);
}

/** The items of a list page from its rows (one more than the page may have been read). */
async function listPage(run: RunValues, rows: QuestionSummaryRow[]) {
  return rows.slice(0, PAGE).map(await summariesOf(run, rows));
}

/**
 * `question.list` for an anonymous reader who gives no input (newest, the default limit, no cursor):
 * the procedure's statement, and its page with the procedure's `nextCursor`.
 */
export async function listFirst(run: RunValues) {
  const rows = await rowsOf<QuestionSummaryRow>(run, listFirstTemplate, {});
  return toPage(rows, firstPageInput.limit, await summariesOf(run, rows), firstPage.cursorOf);
}

/** `question.list` newest after the keyset position `(at, id)`: the procedure's statement. */
export async function listAfter(run: RunValues, at: string, id: number) {
  return listPage(run, await rowsOf<QuestionSummaryRow>(run, listKeyset, { at, id }));
}

/** `question.list` newest from `offset` on: the same statement paged with OFFSET (what keyset avoids). */
export async function listFromOffset(run: RunValues, offset: number) {
  return listPage(run, await rowsOf<QuestionSummaryRow>(run, listOffset, { offset }));
}
