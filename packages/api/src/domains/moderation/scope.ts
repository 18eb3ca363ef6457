import type { ApiDeps } from '../../deps';
import type { Changed } from '../../platform/cache/cached';
import { answerScope, questionScope } from '../../platform/cache/scopes';

/**
 * What a change to a post's visibility or state (hidden, restored, deleted, closed) shows up in: a
 * question's or an answer's cached pages and lists; replies are not cached.
 */
export async function postScope(
  deps: Pick<ApiDeps, 'db' | 'cache' | 'log'>,
  type: 'question' | 'answer' | 'reply',
  id: number,
): Promise<Changed> {
  if (type === 'question') return questionScope(deps, id);
  if (type === 'answer') return answerScope(deps, id);
  return {};
}
