/**
 * The bare baseline's twin of `user.byUsername` for an anonymous reader (bench/queries.ts has the
 * question twins): the five statements `profileOf` sends in its order — the account by name, its counts,
 * the site settings, its reputation under the settings' preset, its badges — rendered once from
 * `@devflow/db` (and the API's `reputationQuery`) and bound per request, the profile shaped by the API's
 * own `toProfile`, `toBadges` and `siteSettingsFrom`. The service's name → id memo only keys the page
 * cache, which the bench turns off for the procedures it compares (`CACHE_PAGES=off`); the twin has none.
 */
import { reputationQuery, siteSettingsFrom, toBadges, toProfile } from '@devflow/api';
import {
  badgeHeldColumns,
  badgesOfQuery,
  type ProfileCountsRow,
  profileCountsStatement,
  siteSettingsColumns,
  siteSettingsQuery,
  statementsOnly,
  storedSettingsOf,
  toProfileCounts,
  type UserRow,
  userByUsernameQuery,
  users,
} from '@devflow/db';
import { fillPlaceholders, getTableColumns, type SQL, sql } from 'drizzle-orm';
import { type RunRows, type RunValues, rowsOf, template } from './queries';
import { renderedTemplate } from './render';

type Preset = ReturnType<typeof siteSettingsFrom>['privilegePreset'];
type BadgeRow = Awaited<ReturnType<typeof badgesOfQuery>>[number];
type SettingsRow = Awaited<ReturnType<typeof siteSettingsQuery>>[number];

const byName = template(
  userByUsernameQuery(statementsOnly, sql.placeholder('username')),
  getTableColumns(users),
);
const counts = profileCountsStatement(sql.placeholder('userId'));
const settings = template(siteSettingsQuery(statementsOnly), siteSettingsColumns);
const badgesHeld = template(badgesOfQuery(statementsOnly, sql.placeholder('userId')), badgeHeldColumns);
/** The reputation's statement and reader per preset, built once (the user id a placeholder). */
const reputations = new Map<Preset, ReturnType<typeof reputationQuery>>();

/** Runs a raw statement built once with the placeholder `userId`, bound to `userId`. */
function rowsForUser<T extends object>(rows: RunRows, statement: SQL, userId: number): Promise<T[]> {
  const rendered = renderedTemplate(statement);
  return rows<T>(rendered.sql, fillPlaceholders(rendered.params, { userId }));
}

/**
 * `user.byUsername`'s profile of `username` (as the procedure's input schema parsed it), or undefined
 * where the procedure answers NOT_FOUND. `values` runs the builders' statements, `rows` the raw ones.
 */
export async function profileByName(values: RunValues, rows: RunRows, username: string) {
  const [user] = await rowsOf<UserRow>(values, byName, { username });
  if (!user) return undefined;
  const [countsRow] = await rowsForUser<ProfileCountsRow>(rows, counts, user.id);
  const stored = storedSettingsOf(await rowsOf<SettingsRow>(values, settings, {}));
  const preset = siteSettingsFrom(stored).privilegePreset;
  let reputation = reputations.get(preset);
  if (!reputation) {
    reputation = reputationQuery(sql.placeholder('userId'), preset);
    reputations.set(preset, reputation);
  }
  const points = await reputation.read((statement) => rowsForUser(rows, statement, user.id));
  const badges = await rowsOf<BadgeRow>(values, badgesHeld, { userId: user.id });
  return toProfile(user, toProfileCounts(countsRow), points, toBadges(badges));
}
