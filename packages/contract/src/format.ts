/**
 * Wording every client uses for counts (zod-free, so the web app imports it without bundling zod): the
 * web app's pages and the CLI's output say "1 view" and "2 views" by the same rule.
 */

const pluralRules = new Intl.PluralRules('en');

/** The form of `word` English uses after `count`: "answer" for 1, "answers" for 0, 2 or 1,000. */
export function pluralWord(count: number, word: string, pluralForm = `${word}s`): string {
  return pluralRules.select(count) === 'one' ? word : pluralForm;
}

/** "1 answer" / "2 answers" / "1,000 views": a count and the word in the form English uses for it. */
export function plural(count: number, word: string, pluralForm = `${word}s`): string {
  return `${count.toLocaleString('en')} ${pluralWord(count, word, pluralForm)}`;
}
