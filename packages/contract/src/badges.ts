/**
 * Badges a user earns by what they do, zod-free so the web app and the CLI name them as the API does.
 * Each is awarded once per user, when earned, in the transaction of the action that earned it.
 */

/** Every badge, in the order profiles list them. */
export const badgeNames = [
  'first-question',
  'first-answer',
  'first-accepted-answer',
  'popular-post',
  'reputation-100',
  'reputation-1000',
  'famous-question',
  'first-upheld-flag',
] as const;

/** One badge of `badgeNames`. */
export type Badge = (typeof badgeNames)[number];

/** Upvotes one question or answer needs for `popular-post`. */
export const POPULAR_POST_UPVOTES = 10;

/** Views one question needs for `famous-question`. */
export const FAMOUS_QUESTION_VIEWS = 1000;

/** Reputation each reputation badge needs. */
export const REPUTATION_BADGES: ReadonlyArray<{ badge: Badge; reputation: number }> = [
  { badge: 'reputation-100', reputation: 100 },
  { badge: 'reputation-1000', reputation: 1000 },
];

/** How clients show a badge: its title and what earned it. */
export const badgeLabels: Record<Badge, { title: string; description: string }> = {
  'first-question': { title: 'Curious', description: 'Asked a first question.' },
  'first-answer': { title: 'Helper', description: 'Posted a first answer.' },
  'first-accepted-answer': { title: 'Solver', description: 'Wrote a first answer that was accepted.' },
  'popular-post': {
    title: 'Nice post',
    description: `A question or answer reached ${POPULAR_POST_UPVOTES} upvotes.`,
  },
  'reputation-100': { title: 'Trusted', description: 'Reached 100 reputation.' },
  'reputation-1000': { title: 'Established', description: 'Reached 1,000 reputation.' },
  'famous-question': {
    title: 'Famous question',
    description: `Asked a question that was viewed ${FAMOUS_QUESTION_VIEWS.toLocaleString('en-US')} times.`,
  },
  'first-upheld-flag': { title: 'Citizen', description: 'Raised a first flag that moderators upheld.' },
};

/** Whether `value` names a badge (stored badges of an older or newer version are skipped by readers). */
export function isBadge(value: string): value is Badge {
  return (badgeNames as readonly string[]).includes(value);
}
